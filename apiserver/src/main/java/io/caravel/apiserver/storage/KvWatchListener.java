package io.caravel.apiserver.storage;

import java.util.List;

/**
 * Receives the changes of a {@link KvClient#watch}. Calls for one watch never overlap and come in revision order,
 * each change exactly once, with no gap: the events of a revision arrive together. Calls come on a thread of the
 * client, never on a Vert.x event loop the caller owns, and should return quickly.
 *
 * <p>A watch ends with exactly one of {@link #onCompacted} or {@link #onError}, after which no call follows.
 */
public interface KvWatchListener {
    /** Changes, in revision order (one or several revisions). */
    void onEvents(List<KvEvent> events);

    /**
     * The store has no further change under the watched prefix up to {@code revision} (etcd's progress
     * notification). Optional; the default ignores it.
     */
    default void onProgress(long revision) {
    }

    /**
     * The watch could not start (or continue) because {@code fromRevision} is at or below the store's compaction
     * point {@code compactRevision}: the caller must re-read the current state. The watch has ended.
     */
    void onCompacted(long compactRevision);

    /** The watch ended for another reason (the client was closed, the store failed). */
    void onError(Throwable error);
}
