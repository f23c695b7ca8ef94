package io.caravel.watch;

/**
 * The watchers of one client stream (etcd's {@code mvcc.WatchStream} and the gRPC stream's send queue in
 * one): create and cancel requests in, one ordered queue of {@link WatchResponse}s out.
 *
 * <p>The queue keeps one order for all the stream's watchers: a watcher's created response comes before
 * its events, its events in revision order, and a progress notification after every event it covers.
 * It holds at most {@link WatchHubOptions#streamCapacity} event responses (or two per watcher, when the
 * stream has more watchers than half that); a watcher whose events do not
 * fit is moved aside and caught up from history once the consumer has drained half the queue, so a slow
 * consumer costs bounded memory and never blocks the apply thread or other streams.
 *
 * <p>Thread-safe. {@link #poll} may run concurrently with everything else; the request methods are
 * meant to be called in the order the client sent the requests.
 */
public interface WatchStream extends AutoCloseable {

    /**
     * Creates a watcher, as etcd answers a {@code WatchCreateRequest}: queues the created response
     * ({@code created}, the watch id, header revision = {@link WatchHub#lastDispatchedRevision()}) and
     * returns the watch id. A request etcd refuses (a negative start revision, an empty range, a watch id
     * already used on this stream) queues {@code {created, canceled, watch_id -1, cancel_reason}} with
     * etcd's reason text and returns -1. Events follow the created response; a start revision already
     * compacted is answered by a cancel with the compact revision right after it.
     *
     * @throws IllegalStateException when the stream is closed
     */
    long watch(WatchRequest request);

    /**
     * Cancels a watcher: queues {@code {watch_id, canceled}} after whatever is already queued for it, and
     * nothing more for it afterwards. Returns false, queuing nothing (as etcd), when no such watcher exists
     * on this stream.
     */
    boolean cancel(long watchId);

    /**
     * etcd's {@code WatchProgressRequest}: queues one progress notification with watch id -1 and the last
     * dispatched revision, as soon as every watcher of the stream is synced (at once when they are).
     * Requests made while an answer is pending are answered by that one answer.
     */
    void requestProgress();

    /** The next response, or null when none is queued (or the stream is closed). Never blocks. */
    WatchResponse poll();

    /** True once the stream or its hub is closed; nothing more will be queued. */
    boolean isClosed();

    /** The number of watchers on this stream. */
    int watcherCount();

    /** Removes every watcher of the stream and drops what is queued. Idempotent. */
    @Override
    void close();
}
