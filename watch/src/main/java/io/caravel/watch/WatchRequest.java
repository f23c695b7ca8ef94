package io.caravel.watch;

import io.caravel.store.Bytes;
import io.caravel.store.KeyRange;
import java.util.Objects;

/**
 * etcd's {@code WatchCreateRequest}, as the hub takes it.
 *
 * @param range the keys to watch, with etcd's conventions ({@link KeyRange}): an empty range end is one
 *              key, {@code "\0"} every key from {@code key} on, anything else an exclusive end. As etcd does,
 *              an empty key is read as {@code "\0"}, the smallest key.
 * @param startRevision the first revision to deliver, inclusive; 0 means "from now": the first revision
 *                      after the one in the created response. Negative revisions are refused as
 *                      compacted, as etcd does.
 * @param watchId the id the client asks for; 0 lets the stream choose (etcd's {@code AutoWatchID})
 * @param prevKv attach to each event the version it replaced (when still retained)
 * @param noPut drop PUT events (etcd's {@code NOPUT} filter)
 * @param noDelete drop DELETE events (etcd's {@code NODELETE} filter)
 * @param progressNotify send a progress notification every {@link WatchHubOptions#progressInterval} in
 *                       which the watcher got no event
 * @param fragment split responses larger than {@link WatchHubOptions#maxResponseBytes} into fragments
 */
public record WatchRequest(KeyRange range, long startRevision, long watchId, boolean prevKv, boolean noPut,
                           boolean noDelete, boolean progressNotify, boolean fragment) {
    public WatchRequest {
        Objects.requireNonNull(range, "range == null");
    }

    /** Watches one key from now. */
    public static WatchRequest key(Bytes key) {
        return of(KeyRange.single(key));
    }

    /** Watches one key from now. */
    public static WatchRequest key(String key) {
        return key(Bytes.of(key));
    }

    /** Watches every key starting with {@code prefix}, from now. */
    public static WatchRequest prefix(Bytes prefix) {
        return of(KeyRange.prefix(prefix));
    }

    /** Watches every key starting with {@code prefix}, from now. */
    public static WatchRequest prefix(String prefix) {
        return prefix(Bytes.of(prefix));
    }

    /** Watches {@code range}, from now. */
    public static WatchRequest of(KeyRange range) {
        return new WatchRequest(range, 0, 0, false, false, false, false, false);
    }

    public WatchRequest fromRevision(long revision) {
        return new WatchRequest(range, revision, watchId, prevKv, noPut, noDelete, progressNotify, fragment);
    }

    public WatchRequest withWatchId(long id) {
        return new WatchRequest(range, startRevision, id, prevKv, noPut, noDelete, progressNotify, fragment);
    }

    public WatchRequest withPrevKv() {
        return new WatchRequest(range, startRevision, watchId, true, noPut, noDelete, progressNotify, fragment);
    }

    public WatchRequest withFilters(boolean dropPuts, boolean dropDeletes) {
        return new WatchRequest(range, startRevision, watchId, prevKv, dropPuts, dropDeletes, progressNotify, fragment);
    }

    public WatchRequest withProgressNotify() {
        return new WatchRequest(range, startRevision, watchId, prevKv, noPut, noDelete, true, fragment);
    }

    public WatchRequest withFragment() {
        return new WatchRequest(range, startRevision, watchId, prevKv, noPut, noDelete, progressNotify, true);
    }
}
