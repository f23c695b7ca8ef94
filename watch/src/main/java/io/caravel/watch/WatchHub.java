package io.caravel.watch;

import io.caravel.store.ApplyResult;
import io.caravel.store.CommitListener;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * etcd's watchable store: every watcher of this member, fed by the events the store commits.
 *
 * <h2>Wiring</h2>
 * Create the hub over the member's history, then register it as the store's commit listener before the
 * first mutation is applied: {@code store.addCommitListener(hub)}, or, over a replicated store whose
 * store a snapshot may replace, {@code kv.addCommitListener(hub, hub::reset)}. Clients open one
 * {@link WatchStream} per client stream (an etcd gRPC {@code Watch} call, an in-process subscription).
 *
 * <h2>Guarantees</h2>
 * Every watcher gets exactly the events of its range from its start revision on, in revision order,
 * with no gap and no duplicate, each revision whole in one response (unless split into fragments on
 * request); a progress notification at revision R comes after every event of the watcher up to R.
 * When the history a watcher still needs has been compacted, it is canceled with the compact revision
 * instead. This holds through slow consumers (bounded queues; a watcher that does not fit is caught up
 * from history later), restarts of the stream from the last revision seen + 1, and {@link #reset}s.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. {@link #committed} runs on the apply thread and never blocks on a
 * consumer: it only queues responses, in time proportional to the events and the watchers they match.
 * Catching up runs on the hub's own thread, reading history outside the hub's lock.
 */
public interface WatchHub extends CommitListener, AutoCloseable {

    /** Starts a hub reading history from {@code source}, with its catch-up thread running. */
    static WatchHub start(EventSource source, WatchHubOptions options) {
        return CatchUpWatchHub.start(source, options);
    }

    /**
     * Opens a stream. {@code onReadable} is called when a response is queued while the stream's queue was
     * empty, and when the stream closes; the consumer then {@link WatchStream#poll polls} until it gets
     * null or cannot send more (it polls again when it can: the hub does not call again for a queue
     * that was left non-empty). It runs on whatever thread queued the response (the apply thread, the
     * hub's thread, a caller of the stream's methods) with no lock held, and must be quick and never
     * block: typically it hands a drain task to an executor ({@link ResponsePump} does that).
     *
     * @throws IllegalStateException when the hub is closed
     */
    WatchStream openStream(Runnable onReadable);

    /**
     * Dispatches the events of one applied batch to the synced watchers ({@link CommitListener}). Called
     * on the apply thread, in apply order. A revision at or below the last dispatched one is ignored; a
     * revision beyond the next one (a batch the hub did not see) makes every synced watcher catch up
     * from history.
     */
    @Override
    void committed(List<ApplyResult> results);

    /**
     * The store behind the source was replaced (a snapshot install): every watcher catches up from the
     * new store's history, from the revision it was at; one whose history is compacted there is canceled.
     * Call it once the new store is in place, before its first commit is dispatched. (Called earlier, the
     * first commit of the new store looks like a gap and has the same effect.) A store replaced by an
     * older one (fewer revisions) is not supported: Raft snapshots only move a member forward.
     */
    void reset();

    /**
     * Starts one watch delivered to {@code listener} on {@code executor}: the in-process listener form
     * ({@link ListenerWatch}; {@link WatchPublisher} is the Flow form).
     *
     * @throws IllegalStateException when the hub is closed
     */
    default ListenerWatch watch(WatchRequest request, Executor executor, WatchListener listener) {
        return ListenerWatch.start(this, request, executor, listener);
    }

    /** The last revision whose events were dispatched (what created and progress responses report). */
    long lastDispatchedRevision();

    /** Watcher counts, for metrics and tests. */
    Stats stats();

    /** Stops the hub's thread and closes every stream; later commits are ignored. Idempotent. */
    @Override
    void close();

    /**
     * @param streams the open streams
     * @param watchers the watchers of every stream
     * @param unsynced the watchers being caught up from history (a start revision in the past, or a
     *                 consumer that fell behind)
     * @param movedAside how many times, since the hub started, a synced watcher was moved aside because
     *                   its stream's queue was full (etcd's victims)
     */
    record Stats(int streams, int watchers, int unsynced, long movedAside) {
    }
}
