/**
 * The watch hub: etcd's watchers, fed by the events the store commits (its {@link
 * io.caravel.store.CommitListener} hook, as etcd's {@code watchableStore}), never by Raft callbacks.
 *
 * <p>{@link io.caravel.watch.WatchHub} holds the watchers of every client; a {@link
 * io.caravel.watch.WatchStream} groups the watchers of one client stream (one etcd gRPC {@code Watch}
 * call) behind one bounded, ordered queue of {@link io.caravel.watch.WatchResponse}s, which the
 * transport pulls when it can send. Watchers behind the store (a start revision in the past, a slow
 * consumer) are "unsynced" and are caught up from the store's history by the hub's own thread, in
 * bounded batches, without blocking the apply thread or other watchers. For in-process users,
 * {@link io.caravel.watch.ListenerWatch} delivers a watch to a listener and {@link
 * io.caravel.watch.WatchPublisher} adapts it to {@link java.util.concurrent.Flow} with back-pressure;
 * {@link io.caravel.watch.ResponsePump} drains a stream into any sink that says when it can take more
 * (a gRPC call's {@code isReady}, a Flow subscriber's demand).
 *
 * <p>Allowed dependencies: the store API ({@code io.caravel.store}) and slf4j. No Raft, gRPC, Vert.x
 * (checked by {@code WatchBoundariesTest} and the enforcer plugin). The hub reads history through
 * {@link io.caravel.watch.EventSource}, so that it works over a local store as over a replicated one whose
 * store a snapshot may replace.
 */
package io.caravel.watch;
