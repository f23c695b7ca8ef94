package io.caravel.server.watch;

import io.caravel.store.Event;
import java.util.List;

/**
 * Told what happens to one watcher. Calls for watchers created with the same delivery executor are made
 * on it, one at a time, in the order the hub decided them: {@link #onCreated} first, then batches in
 * revision order (a revision is never split across calls), and at most one {@link #onCanceled} last.
 */
public interface WatchListener {
    /** The watcher exists; {@code revision} is the store revision it was created at (etcd's created header). */
    void onCreated(long revision);

    /** Events of one or more whole revisions, in order; {@code revision} is the last event's revision. */
    void onEvents(long revision, List<Event> events);

    /**
     * The watcher ended by the server: {@code compactRevision} is non-zero when the revisions it still
     * needed were compacted away (etcd's compacted cancel); {@code reason} is empty for a plain cancel.
     */
    void onCanceled(long compactRevision, String reason);
}
