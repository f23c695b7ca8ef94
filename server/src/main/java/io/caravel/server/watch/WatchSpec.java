package io.caravel.server.watch;

import io.caravel.store.Bytes;
import io.caravel.store.KeyRange;
import java.util.Objects;

/**
 * What a watcher watches, as etcd's {@code WatchCreateRequest}.
 *
 * @param range the keys; an empty key means {@code "\0"} as in etcd (with rangeEnd {@code "\0"}: every key)
 * @param startRevision the first revision to report (inclusive); 0 or less means "after the current revision"
 * @param prevKv attach the previous version to each event
 * @param noPut leave out PUT events (etcd's NOPUT filter)
 * @param noDelete leave out DELETE events (etcd's NODELETE filter)
 */
public record WatchSpec(KeyRange range, long startRevision, boolean prevKv, boolean noPut, boolean noDelete) {
    public WatchSpec {
        Objects.requireNonNull(range, "range == null");
        if (range.key().isEmpty()) {
            // etcd's watch.go recvLoop: an empty key is "\0", the smallest key.
            range = new KeyRange(Bytes.ZERO, range.rangeEnd());
        }
    }

    public static WatchSpec key(Bytes key) {
        return new WatchSpec(KeyRange.single(key), 0, false, false, false);
    }

    public static WatchSpec prefix(Bytes prefix) {
        return new WatchSpec(KeyRange.prefix(prefix), 0, false, false, false);
    }

    public WatchSpec fromRevision(long revision) {
        return new WatchSpec(range, revision, prevKv, noPut, noDelete);
    }

    public WatchSpec withPrevKv() {
        return new WatchSpec(range, startRevision, true, noPut, noDelete);
    }
}
