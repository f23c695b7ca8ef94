package io.caravel.watch;

import io.caravel.store.Event;
import java.util.List;
import java.util.Objects;

/**
 * etcd's {@code WatchResponse}, without the header fields only the server knows (cluster and member id,
 * Raft term): {@code server/} adds them and sets {@code header.revision} to {@link #revision}.
 *
 * <p>The kinds of response, as etcd's clients tell them apart:
 * <ul>
 *   <li><b>created</b>: {@code created}, the watch id and the current revision; a create the stream
 *       refuses is {@code created && canceled} with watch id -1 and a {@code cancelReason}.</li>
 *   <li><b>events</b>: one or more whole revisions of events (a revision is never split, except across
 *       {@code fragment}s when the watcher asked for them), in revision order.</li>
 *   <li><b>canceled</b>: after a cancel request ({@code canceled} only), or because the watcher needs
 *       history that was compacted ({@code compactRevision} &gt; 0 and etcd's compacted reason text).</li>
 *   <li><b>progress</b>: no events, not created or canceled ({@link #isProgressNotify()}): every event
 *       of the watcher up to {@code revision} was delivered before it. Watch id -1 answers a
 *       {@link WatchStream#requestProgress()} on behalf of every watcher of the stream.</li>
 * </ul>
 *
 * @param watchId the watcher, or -1 (etcd's {@code InvalidWatchID}) for a refused create or a stream-wide
 *                progress notification
 * @param revision the revision for {@code header.revision}: the hub's last dispatched revision when the
 *                 response was queued; never decreasing along one stream
 * @param events the events, each with its prevKv only when the watcher asked for it
 * @param fragment true on every fragment of a split response except the last (etcd's {@code fragment})
 */
public record WatchResponse(long watchId, long revision, List<Event> events, boolean created, boolean canceled,
                            long compactRevision, String cancelReason, boolean fragment) {
    /** etcd's {@code clientv3.InvalidWatchID}. */
    public static final long INVALID_WATCH_ID = -1;

    public WatchResponse {
        events = List.copyOf(events);
        Objects.requireNonNull(cancelReason, "cancelReason == null");
    }

    static WatchResponse created(long watchId, long revision) {
        return new WatchResponse(watchId, revision, List.of(), true, false, 0, "", false);
    }

    static WatchResponse createRefused(long revision, String reason) {
        return new WatchResponse(INVALID_WATCH_ID, revision, List.of(), true, true, 0, reason, false);
    }

    static WatchResponse canceled(long watchId, long revision) {
        return new WatchResponse(watchId, revision, List.of(), false, true, 0, "", false);
    }

    static WatchResponse compacted(long watchId, long revision, long compactRevision) {
        return new WatchResponse(watchId, revision, List.of(), false, true, compactRevision,
                WatchErrors.COMPACTED, false);
    }

    static WatchResponse progress(long watchId, long revision) {
        return new WatchResponse(watchId, revision, List.of(), false, false, 0, "", false);
    }

    static WatchResponse events(long watchId, long revision, List<Event> events) {
        return new WatchResponse(watchId, revision, events, false, false, 0, "", false);
    }

    /** etcd's {@code IsProgressNotify}: no events, not created or canceled, no compact revision. */
    public boolean isProgressNotify() {
        return events.isEmpty() && !created && !canceled && compactRevision == 0;
    }

    /** The revision of the first event (0 when there is none). */
    public long firstRevision() {
        return events.isEmpty() ? 0 : events.get(0).revision();
    }

    /** The revision of the last event (0 when there is none). */
    public long lastRevision() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).revision();
    }

    WatchResponse withEvents(List<Event> part, boolean isFragment) {
        return new WatchResponse(watchId, revision, part, created, canceled, compactRevision, cancelReason, isFragment);
    }
}
