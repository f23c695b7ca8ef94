package io.caravel.watch;

import io.caravel.store.KvError;

/** The cancel reasons the hub sends, with etcd's exact texts (clients map errors back by string). */
final class WatchErrors {
    /** {@code rpctypes.ErrCompacted}: a start revision below the compact revision, or a negative one. */
    static final String COMPACTED = KvError.COMPACTED.message();
    /** {@code mvcc.ErrWatcherDuplicateID}. */
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
    /** {@code mvcc.ErrEmptyWatcherRange}: a range end at or below its key. */
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";

    private WatchErrors() {
    }
}
