/**
 * The node's basic watch engine: watchers over key ranges fed by {@link io.caravel.raft.ReplicatedKv}'s
 * history (catch-up) and commit listener (live), with etcd's semantics (inclusive start revision,
 * prev_kv, NOPUT/NODELETE filters, compaction cancels, progress). The gRPC Watch service and the
 * embedding API both use it. Deliberately simple; the {@code watch/} module will replace the internals.
 *
 * <p>May use: raft's public API and the store's value types; no gRPC.
 */
package io.caravel.server.watch;
