package io.caravel.store.rocks;

import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksIterator;

/**
 * The read logic of the store over one {@link Source}: the newest version of a key, a version as of a
 * past revision, range scans and history. Reads at the current revision use the {@code latest} column
 * family (one get or one sequential scan); reads of the past seek the {@code key_index}. Not
 * thread-safe.
 */
final class StoreReader {
    private final Source source;
    private final Handles cf;
    /** The revision the source is at: reads at or above it use {@code latest}. Advanced by apply. */
    long currentRevision;
    /**
     * Apply only: values of the {@code latest} column family as the batch being built sees them (null:
     * the key does not exist), for the keys of that batch read or written so far; kept in step by
     * {@link #cacheLatest} on every write of {@code latest}. Null for client reads.
     */
    private Map<Bytes, byte[]> latestCache;
    /** Client reads only: the most bytes of keys and values the scans of this reader may hold (0: no bound). */
    private final long maxScanBytes;
    private long scannedBytes;

    /** A reader for the apply: its scans are not bounded. */
    StoreReader(Source source, Handles cf, long currentRevision) {
        this(source, cf, currentRevision, 0);
    }

    /**
     * A reader for one client read: its scans together may hold at most {@code maxScanBytes} of keys and
     * values (0: no bound), past which they fail with {@link KvError#RANGE_TOO_LARGE}.
     */
    StoreReader(Source source, Handles cf, long currentRevision, long maxScanBytes) {
        this.source = source;
        this.cf = cf;
        this.currentRevision = currentRevision;
        this.maxScanBytes = maxScanBytes;
    }

    /** A scan's result: kvs in key order (at most the fetch limit), and how many keys the range holds. */
    record Scan(List<KeyValue> kvs, long count) {
    }

    /** The live version of {@code key}, or null. */
    KeyValue latest(Bytes key) {
        byte[] v;
        if (latestCache != null && latestCache.containsKey(key)) {
            v = latestCache.get(key);
        } else {
            v = source.get(cf.latest(), key.unsafeArray());
        }
        return v == null ? null : Layout.latestKv(key, v);
    }

    /**
     * Apply only, before anything is written to the batch: starts the batch's view of {@code latest} with
     * values already known ({@code known}: key to value, null where the key does not exist), which
     * {@link #latest} then answers without a read. From now on every write of {@code latest} must be
     * told to {@link #cacheLatest}.
     */
    void seedLatest(Map<Bytes, byte[]> known) {
        latestCache = known;
    }

    /** Apply only: this batch's view of {@code latest} for every key it read ahead, read or wrote. */
    Map<Bytes, byte[]> latestSeen() {
        return latestCache == null ? Map.of() : latestCache;
    }

    /** Apply only: the batch now holds {@code value} (null: a delete) for {@code key} in {@code latest}. */
    void cacheLatest(Bytes key, byte[] value) {
        if (latestCache != null) {
            latestCache.put(key, value);
        }
    }

    /** The version of {@code key} as of {@code revision}, or null when it did not exist then. */
    KeyValue at(Bytes key, long revision) {
        if (revision >= currentRevision) {
            return latest(key);
        }
        IndexEntry e = newestAtOrBelow(key, revision);
        return e == null || e.tombstone ? null : historyKv(e.main, e.sub);
    }

    /** An entry of the key index: the change of a key at (main, sub). */
    record IndexEntry(long main, long sub, boolean tombstone) {
    }

    /** The newest change of {@code key} at or below {@code revision}, tombstones included, or null. */
    IndexEntry newestAtOrBelow(Bytes key, long revision) {
        try (RocksIterator it = source.iterator(cf.keyIndex())) {
            return newestAtOrBelow(it, key, revision);
        }
    }

    /** {@link #newestAtOrBelow(Bytes, long)} through {@code it}, an iterator over {@code key_index} the caller reuses. */
    static IndexEntry newestAtOrBelow(RocksIterator it, Bytes key, long revision) {
        byte[] prefix = Layout.indexPrefix(key);
        it.seek(Layout.indexKey(key, revision));
        if (!it.isValid()) {
            checkIterator(it);
            return null;
        }
        byte[] k = it.key();
        if (!Layout.hasPrefix(k, prefix) || k.length != prefix.length + 8) {
            return null;
        }
        byte[] v = it.value();
        return new IndexEntry(Layout.indexMain(k), Layout.indexSub(v), Layout.indexTombstone(v));
    }

    KeyValue historyKv(long main, long sub) {
        byte[] revKey = Layout.revKey(main, sub);
        byte[] v = source.get(cf.history(), revKey);
        if (v == null) {
            throw new StorageException("key index points at missing history entry " + main + "." + sub);
        }
        return Layout.historyRecord(revKey, v).kv();
    }

    /**
     * A range op's read: the keys of {@code range} as of {@code revision}, the first {@code fetchLimit}
     * kvs in key order (all when 0; none when {@code countOnly}) and the number of keys in the range. The
     * kvs count against this reader's bound.
     */
    Scan scan(KeyRange range, long revision, long fetchLimit, boolean countOnly) {
        return scan(range, revision, fetchLimit, countOnly, true);
    }

    /** Every live kv of {@code range} in key order, not counted against the bound: a compare's or a delete's read. */
    List<KeyValue> current(KeyRange range) {
        return scan(range, currentRevision, 0, false, false).kvs();
    }

    private Scan scan(KeyRange range, long revision, long fetchLimit, boolean countOnly, boolean counted) {
        if (range.isSingleKey()) {
            KeyValue kv = at(range.key(), revision);
            if (kv == null) {
                return new Scan(List.of(), 0);
            }
            return new Scan(countOnly ? List.of() : List.of(kv), 1);
        }
        if (!range.isUnbounded() && range.key().compareTo(range.rangeEnd()) >= 0) {
            return new Scan(List.of(), 0);
        }
        return revision >= currentRevision
                ? scanLatest(range, fetchLimit, countOnly, counted)
                : scanPast(range, revision, fetchLimit, countOnly, counted);
    }

    private Scan scanLatest(KeyRange range, long fetchLimit, boolean countOnly, boolean counted) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        byte[] end = range.isUnbounded() ? null : range.rangeEnd().unsafeArray();
        try (RocksIterator it = source.iterator(cf.latest())) {
            for (it.seek(range.key().unsafeArray()); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (end != null && java.util.Arrays.compareUnsigned(k, end) >= 0) {
                    break;
                }
                count++;
                if (!countOnly && (fetchLimit == 0 || kvs.size() < fetchLimit)) {
                    kvs.add(hold(Layout.latestKv(Bytes.wrap(k), it.value()), counted));
                }
            }
            checkIterator(it);
        }
        return new Scan(kvs, count);
    }

    /** Counts {@code kv} against this reader's bound when {@code counted}; a scan calls it for every kv it keeps. */
    private KeyValue hold(KeyValue kv, boolean counted) {
        if (counted && maxScanBytes > 0) {
            scannedBytes += kv.key().size() + kv.value().size();
            if (scannedBytes > maxScanBytes) {
                throw KvError.RANGE_TOO_LARGE.exception();
            }
        }
        return kv;
    }

    private Scan scanPast(KeyRange range, long revision, long fetchLimit, boolean countOnly, boolean counted) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        try (RocksIterator it = source.iterator(cf.keyIndex())) {
            it.seek(Layout.indexSeekFrom(range.key()));
            while (it.isValid()) {
                Bytes key = Layout.indexUserKey(it.key());
                if (!range.isUnbounded() && key.compareTo(range.rangeEnd()) >= 0) {
                    break;
                }
                // Newest version of this key at or below the revision.
                it.seek(Layout.indexKey(key, revision));
                if (it.isValid()) {
                    byte[] k = it.key();
                    if (Layout.indexUserKey(k).equals(key)) {
                        byte[] v = it.value();
                        if (!Layout.indexTombstone(v)) {
                            count++;
                            if (!countOnly && (fetchLimit == 0 || kvs.size() < fetchLimit)) {
                                kvs.add(hold(historyKv(Layout.indexMain(k), Layout.indexSub(v)), counted));
                            }
                        }
                    }
                }
                it.seek(Layout.indexAfter(key));
            }
            checkIterator(it);
        }
        return new Scan(kvs, count);
    }

    /**
     * Events with main revision in [from, to], in order, stopping after the revision that brings the
     * list to {@code maxEvents}. Returns the events and, through {@code next[0]}, the first revision not
     * read. {@code from} must be at or above the compact revision.
     *
     * <p>A key can change twice in one revision (a put and then a delete in two nested txns); its
     * second event's previous version is the first change, as {@code apply} reported it. Every change
     * at or above the compact revision is retained, so the history from there is complete.
     */
    List<Event> events(long from, long to, int maxEvents, boolean withPrevKv, long compactRevision, long[] next) {
        List<Event> out = new ArrayList<>();
        long nextRevision = to + 1;
        long currentMain = -1;
        Map<Bytes, KeyValue> changedInRevision = new HashMap<>();
        try (RocksIterator it = source.iterator(cf.history())) {
            for (it.seek(Layout.revKey(from, 0)); it.isValid(); it.next()) {
                byte[] k = it.key();
                long main = Layout.revMain(k);
                if (main > to) {
                    break;
                }
                if (main != currentMain) {
                    if (out.size() >= maxEvents) {
                        nextRevision = main;
                        break;
                    }
                    currentMain = main;
                    changedInRevision.clear();
                }
                Layout.HistoryRecord r = Layout.historyRecord(k, it.value());
                Bytes key = r.kv().key();
                KeyValue prev = null;
                if (withPrevKv) {
                    if (changedInRevision.containsKey(key)) {
                        prev = changedInRevision.get(key);
                    } else if (main - 1 >= compactRevision) {
                        // The version before this revision is retained only at or above the compact revision.
                        prev = at(key, main - 1);
                    }
                }
                changedInRevision.put(key, r.tombstone() ? null : r.kv());
                out.add(new Event(r.tombstone() ? Event.Type.DELETE : Event.Type.PUT, r.kv(), prev));
            }
            checkIterator(it);
        }
        next[0] = nextRevision;
        return out;
    }

    /** True when the change at (main, sub) is its key's newest change at or below {@code revision}. */
    boolean isNewestAtOrBelow(Bytes key, long revision, long main, long sub) {
        return isNewest(newestAtOrBelow(key, revision), main, sub);
    }

    /** {@link #isNewestAtOrBelow(Bytes, long, long, long)} through {@code it}, an iterator over {@code key_index} the caller reuses. */
    static boolean isNewestAtOrBelow(RocksIterator it, Bytes key, long revision, long main, long sub) {
        return isNewest(newestAtOrBelow(it, key, revision), main, sub);
    }

    private static boolean isNewest(IndexEntry newest, long main, long sub) {
        return newest != null && newest.main == main && newest.sub == sub;
    }

    Lease lease(long id) {
        byte[] v = source.get(cf.lease(), Layout.leaseKey(id));
        return v == null ? null : Layout.lease(id, v);
    }

    List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        try (RocksIterator it = source.iterator(cf.lease())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(Layout.lease(Layout.leaseId(it.key()), it.value()));
            }
            checkIterator(it);
        }
        return out;
    }

    List<Bytes> leaseKeys(long id) {
        List<Bytes> out = new ArrayList<>();
        byte[] prefix = Layout.leaseKey(id);
        try (RocksIterator it = source.iterator(cf.leaseKey())) {
            for (it.seek(prefix); it.isValid() && Layout.hasPrefix(it.key(), prefix); it.next()) {
                out.add(Layout.leaseKeyEntryKey(it.key()));
            }
            checkIterator(it);
        }
        return out;
    }

    static void checkIterator(RocksIterator it) {
        try {
            it.status();
        } catch (org.rocksdb.RocksDBException e) {
            throw new StorageException("iteration failed", e);
        }
    }
}
