/**
 * The embedding API's watch types ({@link io.caravel.server.watch.WatchSpec},
 * {@link io.caravel.server.watch.WatchListener}, {@link io.caravel.server.watch.WatchHub.Watcher}), as
 * {@code docs/embedding.md} documents them. The engine behind them, and behind the gRPC Watch service, is
 * {@link io.caravel.watch.WatchHub} (module {@code watch/}), started over the replicated store by
 * {@link io.caravel.server.watch.ReplicatedWatchHub}.
 *
 * <p>May use: the watch module, raft's public API and the store's value types; no gRPC.
 */
package io.caravel.server.watch;
