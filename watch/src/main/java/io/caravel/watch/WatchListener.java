package io.caravel.watch;

import io.caravel.store.Event;
import java.util.List;

/**
 * Told what happens to one watcher started with {@link ListenerWatch#start}. Calls are made on the
 * watch's executor, one at a time, in order: {@link #onCreated} first, then events (whole revisions, in
 * revision order) and progress notifications, and at most one {@link #onCanceled} last. A listener
 * that takes long delays only its own watch: its events wait in a bounded queue, then are read again
 * from history once it is back.
 */
public interface WatchListener {
    /** The watcher exists; {@code revision} is the current revision (etcd's created header). */
    void onCreated(long revision);

    /**
     * Events of one or more whole revisions, in order. {@code revision} is the hub's revision when they
     * were queued (etcd's header revision): at least the last event's revision.
     */
    void onEvents(long revision, List<Event> events);

    /**
     * Every event of the watcher up to {@code revision} has been delivered (only for a request with
     * {@link WatchRequest#progressNotify()}).
     */
    default void onProgress(long revision) {
    }

    /**
     * The watch ended without being cancelled by its owner: {@code compactRevision} is non-zero when the
     * history it still needed was compacted (etcd's compacted cancel, with etcd's reason text); the
     * request was refused ({@code reason} is etcd's text); or the hub closed ({@code reason}
     * "watch hub is closed").
     */
    void onCanceled(long compactRevision, String reason);
}
