package io.caravel.store.rocks;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.CommitListener;
import io.caravel.store.EventBatch;
import io.caravel.store.HashKvDigest;
import io.caravel.store.HashResult;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.Lease;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.MvccStore;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.RequestValidator;
import io.caravel.store.StoreMemory;
import io.caravel.store.StoreOptions;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MvccStore} on RocksDB. The layout is in {@link Layout} and {@code docs/store.md}.
 *
 * <p>Opening reads a handful of meta keys and builds no in-memory index, so it takes the same time at
 * 1,000 keys as at 1,000,000. Each {@link #applyAll} is one atomic RocksDB write of the data and the
 * applied position, written to RocksDB's WAL without fsync, or with {@link StoreOptions#writeAheadLog()}
 * false to no WAL at all: the Raft log is the durable record, and a store that loses its unsynced tail
 * reports an older applied position, from which the log is replayed. With the WAL a process crash
 * loses nothing. An entry of plain puts goes into a plain {@code WriteBatch}, any other into a
 * {@code WriteBatchWithIndex} that its reads go through (see {@link BatchApplier}).
 *
 * <p>Reads take a RocksDB snapshot together with the revision it corresponds to, under a lock the
 * writer holds only while it writes a batch and publishes its new revision; so a read never sees half
 * a batch and its revision always matches its data.
 */
public final class RocksMvccStore implements MvccStore {
    static {
        RocksDB.loadLibrary();
    }

    private static final Logger log = LoggerFactory.getLogger(RocksMvccStore.class);
    /**
     * Heap budget of the apply thread's cache of recently applied keys' latest values ({@link RecentLatest}):
     * about 50,000 keys with 256-byte values. A put of a key in it reads no previous version from RocksDB.
     */
    static final long RECENT_LATEST_BYTES = 16L << 20;
    /**
     * RocksDB's write buffer (memtable) size of each column family (RocksDB's default is 64 MiB). With
     * {@code atomic_flush} all column families flush together, so this bounds every memtable. 16 MiB
     * rather than 64: a put's random-key inserts into the {@code latest} and {@code key_index} skip lists
     * cost less in a smaller list, and the keys in the {@code latest} memtable are then about the
     * recently applied keys that {@link RecentLatest} (same byte budget) already holds, so the
     * previous-version lookups of the others skip the memtable through its Bloom filter. The price is
     * four times as many (smaller) flushes and more level-0 compaction on RocksDB's background threads.
     */
    static final long MEMTABLE_BYTES = 16L << 20;
    /** Bits of the {@code latest} memtable's Bloom filter, as a fraction of {@link #MEMTABLE_BYTES} (about 50 bits a key). */
    static final double MEMTABLE_BLOOM_RATIO = 0.02;

    /** Applied position, revision and compact revision, published together after each batch. */
    private record State(LogPosition applied, long revision, long compactRevision) {
    }

    private final Path directory;
    private final StoreOptions options;
    private final RequestValidator validator;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handleList;
    private final Handles cf;
    private final WriteOptions writeOptions;
    /** Committed latest values of recently applied keys; apply thread only (see {@link RecentLatest}). */
    private final RecentLatest recentLatest = new RecentLatest(RECENT_LATEST_BYTES);
    private final ReadOptions plainRead;
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

    /** Held (shared) by every operation for its whole length, (exclusive) by close. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Held (exclusive) by the writer while it writes a batch and publishes {@link #state}. */
    private final ReentrantReadWriteLock publish = new ReentrantReadWriteLock();
    private final Object compactionMonitor = new Object();
    private volatile State state;
    private boolean closed;

    private RocksMvccStore(Path directory, StoreOptions options, RocksDB db, DBOptions dbOptions,
                           List<ColumnFamilyOptions> cfOptions, LRUCache blockCache, List<ColumnFamilyHandle> handles) {
        this.directory = directory;
        this.options = options;
        this.validator = new RequestValidator(options);
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.blockCache = blockCache;
        this.handleList = handles;
        this.cf = new Handles(handles.get(0), handles.get(1), handles.get(2), handles.get(3), handles.get(4), handles.get(5));
        this.writeOptions = new WriteOptions().setSync(false).setDisableWAL(!options.writeAheadLog());
        this.plainRead = new ReadOptions();
    }

    /**
     * Opens the store in {@code directory}, creating an empty one when the directory holds none.
     *
     * @throws StorageException when the directory holds something that is not a readable Caravel store
     */
    public static RocksMvccStore open(Path directory, StoreOptions options) {
        Objects.requireNonNull(directory, "directory == null");
        Objects.requireNonNull(options, "options == null");
        long started = System.nanoTime();
        boolean fresh = !Files.exists(directory.resolve("CURRENT"));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store directory " + directory, e);
        }
        LRUCache cache = new LRUCache(Math.max(options.blockCacheBytes(), 1 << 20));
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(fresh)
                .setCreateMissingColumnFamilies(fresh)
                .setParanoidChecks(true)
                .setAtomicFlush(true)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(5);
        List<String> names = List.of(new String(RocksDB.DEFAULT_COLUMN_FAMILY), Layout.CF_LATEST, Layout.CF_HISTORY,
                Layout.CF_KEY_INDEX, Layout.CF_LEASE, Layout.CF_LEASE_KEY);
        List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : names) {
            BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
            if (name.equals(Layout.CF_LATEST) || name.equals(Layout.CF_LEASE)) {
                // Point lookups: a Bloom filter per table, and a hash index inside each data block so that
                // a get finds its key without a binary search over the block's restart points.
                table.setFilterPolicy(new BloomFilter(10, false))
                        .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                        .setDataBlockHashTableUtilRatio(0.75);
            }
            ColumnFamilyOptions o = new ColumnFamilyOptions()
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(MEMTABLE_BYTES);
            if (name.equals(Layout.CF_LATEST)) {
                // A Bloom filter over the memtable's keys: a get or MultiGet of a key that was not written since
                // the last flush skips the memtable search. The apply path reads a put's previous version only
                // for keys RecentLatest does not hold, which are mostly such keys (see MEMTABLE_BYTES).
                o.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO).setMemtableWholeKeyFiltering(true);
            }
            cfOptions.add(o);
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), o));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            cfOptions.forEach(ColumnFamilyOptions::close);
            dbOptions.close();
            cache.close();
            throw new StorageException("cannot open store in " + directory + ": " + e.getMessage(), e);
        }
        RocksMvccStore store = new RocksMvccStore(directory, options, db, dbOptions, cfOptions, cache, handles);
        try {
            store.state = store.loadState(fresh);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        State s = store.state;
        log.info("opened store {} in {} ms: applied {} revision {} compact revision {}", directory,
                (System.nanoTime() - started) / 1_000_000, s.applied(), s.revision(), s.compactRevision());
        return store;
    }

    /**
     * Makes {@code dataDirectory} a copy of the checkpoint in {@code checkpointDirectory} (written by
     * {@link #checkpoint}), ready to be opened. {@code dataDirectory} must not exist or be empty.
     */
    public static void restoreCheckpoint(Path checkpointDirectory, Path dataDirectory) {
        try {
            if (Files.exists(dataDirectory)) {
                try (Stream<Path> s = Files.list(dataDirectory)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("restore target is not empty: " + dataDirectory);
                    }
                }
            }
            Files.createDirectories(dataDirectory);
            try (Stream<Path> files = Files.list(checkpointDirectory)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, dataDirectory.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore checkpoint " + checkpointDirectory + " into " + dataDirectory, e);
        }
    }

    private State loadState(boolean fresh) {
        try {
            byte[] format = db.get(cf.meta(), Layout.META_FORMAT);
            if (format == null) {
                if (!fresh) {
                    throw new StorageException("not a Caravel store (no format marker): " + directory);
                }
                try (WriteBatch b = new WriteBatch(); WriteOptions syncWrite = new WriteOptions().setSync(true)) {
                    b.put(cf.meta(), Layout.META_FORMAT, Layout.FORMAT_V1);
                    b.put(cf.meta(), Layout.META_APPLIED, Layout.position(LogPosition.NONE));
                    b.put(cf.meta(), Layout.META_REVISION, Layout.longBytes(1));
                    b.put(cf.meta(), Layout.META_COMPACT, Layout.longBytes(0));
                    db.write(syncWrite, b);
                }
                return new State(LogPosition.NONE, 1, 0);
            }
            if (!Arrays.equals(format, Layout.FORMAT_V1)) {
                throw new StorageException("unsupported store format '" + new String(format, java.nio.charset.StandardCharsets.US_ASCII)
                        + "' in " + directory);
            }
            byte[] applied = db.get(cf.meta(), Layout.META_APPLIED);
            byte[] revision = db.get(cf.meta(), Layout.META_REVISION);
            byte[] compact = db.get(cf.meta(), Layout.META_COMPACT);
            if (applied == null || applied.length != 16 || revision == null || revision.length != 8
                    || compact == null || compact.length != 8) {
                throw new StorageException("store meta data is missing or corrupt in " + directory);
            }
            State s = new State(Layout.position(applied), Layout.readLong(revision, 0), Layout.readLong(compact, 0));
            if (s.revision() < 1 || s.compactRevision() < 0 || s.compactRevision() > s.revision()) {
                throw new StorageException("store meta data is inconsistent in " + directory + ": " + s);
            }
            return s;
        } catch (RocksDBException e) {
            throw new StorageException("cannot read store meta data in " + directory, e);
        }
    }

    // ---- state --------------------------------------------------------------------------------

    @Override
    public LogPosition appliedPosition() {
        return state.applied();
    }

    @Override
    public long currentRevision() {
        return state.revision();
    }

    @Override
    public long compactRevision() {
        return state.compactRevision();
    }

    @Override
    public StoreOptions options() {
        return options;
    }

    // ---- reads ------------------------------------------------------------------------------

    /** A consistent read: a snapshot and the state it corresponds to. */
    private final class ReadContext implements AutoCloseable {
        final State state;
        final Snapshot snapshot;
        final ReadOptions readOptions;
        final StoreReader reader;

        ReadContext() {
            publish.readLock().lock();
            try {
                this.snapshot = db.getSnapshot();
                this.state = RocksMvccStore.this.state;
            } finally {
                publish.readLock().unlock();
            }
            this.readOptions = new ReadOptions().setSnapshot(snapshot);
            this.reader = new StoreReader(Source.of(db, readOptions), cf, state.revision(), options.maxRangeBytes());
        }

        @Override
        public void close() {
            readOptions.close();
            db.releaseSnapshot(snapshot);
        }
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new IllegalStateException("store is closed: " + directory);
        }
    }

    private void exit() {
        lifecycle.readLock().unlock();
    }

    @Override
    public RangeResult range(RangeRequest request) {
        validator.validateRange(request);
        enter();
        try {
            if (request.rangeEnd().isEmpty() && request.revision() <= 0) {
                return pointRead(request);
            }
            try (ReadContext rc = new ReadContext()) {
                return range(rc.reader, rc.state, request);
            }
        } finally {
            exit();
        }
    }

    /** A read of one key at the current revision: one get, consistent with the state under the publish lock. */
    private RangeResult pointRead(RangeRequest request) {
        byte[] v;
        State s;
        publish.readLock().lock();
        try {
            v = db.get(cf.latest(), plainRead, request.key().unsafeArray());
            s = state;
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        } finally {
            publish.readLock().unlock();
        }
        List<KeyValue> kvs = v == null ? List.of() : List.of(Layout.latestKv(request.key(), v));
        return RangeShaping.shape(request, new StoreReader.Scan(kvs, kvs.size()), s.revision());
    }

    private static RangeResult range(StoreReader reader, State s, RangeRequest r) {
        long rev = r.revision() <= 0 ? s.revision() : r.revision();
        checkReadRevision(rev, s);
        StoreReader.Scan scan = reader.scan(r.keyRange(), rev, r.fetchLimit(), r.countOnly());
        return RangeShaping.shape(r, scan, s.revision());
    }

    private static void checkReadRevision(long rev, State s) {
        if (rev > s.revision()) {
            throw KvError.FUTURE_REVISION.exception();
        }
        if (rev < s.compactRevision()) {
            throw KvError.COMPACTED.exception();
        }
    }

    @Override
    public TxnResult readTxn(TxnRequest request) {
        if (!request.isReadOnly()) {
            throw new IllegalArgumentException("readTxn takes read-only txns; this one writes");
        }
        validator.validateTxn(request);
        enter();
        try (ReadContext rc = new ReadContext();
             WriteBatchWithIndex scratch = new WriteBatchWithIndex(true)) {
            // A read-only txn runs through the apply logic against an empty batch that is never written.
            StoreReader reader = new StoreReader(Source.of(db, rc.readOptions, scratch), cf, rc.state.revision(),
                    options.maxRangeBytes());
            BatchApplier applier = new BatchApplier(scratch, cf, reader, validator, rc.state.revision(), rc.state.compactRevision());
            ApplyResult r = applier.apply(rc.state.applied(), request);
            return r.resultAs(TxnResult.class);
        } finally {
            exit();
        }
    }

    @Override
    public EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be >= 1: " + maxEvents);
        }
        enter();
        try (ReadContext rc = new ReadContext()) {
            if (fromRevision < rc.state.compactRevision()) {
                throw KvError.COMPACTED.exception();
            }
            long to = Math.min(toRevision, rc.state.revision());
            long[] next = new long[1];
            var events = rc.reader.events(Math.max(fromRevision, 1), to, maxEvents, withPrevKv, rc.state.compactRevision(), next);
            return new EventBatch(events, Math.max(next[0], fromRevision), rc.state.revision());
        } finally {
            exit();
        }
    }

    @Override
    public Optional<Lease> lease(long id) {
        enter();
        try (ReadContext rc = new ReadContext()) {
            return Optional.ofNullable(rc.reader.lease(id));
        } finally {
            exit();
        }
    }

    @Override
    public List<Lease> leases() {
        enter();
        try (ReadContext rc = new ReadContext()) {
            return rc.reader.leases();
        } finally {
            exit();
        }
    }

    @Override
    public List<Bytes> leaseKeys(long id) {
        enter();
        try (ReadContext rc = new ReadContext()) {
            return rc.reader.leaseKeys(id);
        } finally {
            exit();
        }
    }

    @Override
    public HashResult hashKv(long revision) {
        enter();
        try (ReadContext rc = new ReadContext()) {
            long rev = revision <= 0 ? rc.state.revision() : revision;
            checkReadRevision(rev, rc.state);
            long compact = rc.state.compactRevision();
            HashKvDigest digest = new HashKvDigest();
            try (RocksIterator it = db.newIterator(cf.history(), rc.readOptions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    long main = Layout.revMain(k);
                    if (main > rev) {
                        break;
                    }
                    Layout.HistoryRecord r = Layout.historyRecord(k, it.value());
                    if (main <= compact && !retainedAtOrBelowCompact(rc.reader, r, compact)) {
                        continue; // compacted, not yet physically removed
                    }
                    digest.add(main, r.sub(), r.kv(), r.tombstone());
                }
                StoreReader.checkIterator(it);
            }
            return new HashResult(digest.value(), compact, rev);
        } finally {
            exit();
        }
    }

    /**
     * A change at or below the compact revision C is retained iff it was made at C, or it is a put and its
     * key's newest change at or below C (see {@link HashKvDigest}).
     */
    private static boolean retainedAtOrBelowCompact(StoreReader reader, Layout.HistoryRecord r, long compact) {
        if (r.main() == compact) {
            return true;
        }
        return !r.tombstone() && reader.isNewestAtOrBelow(r.kv().key(), compact, r.main(), r.sub());
    }

    // ---- writes -----------------------------------------------------------------------------

    @Override
    public List<ApplyResult> applyAll(LogPosition position, List<Mutation> mutations) {
        Objects.requireNonNull(position, "position == null");
        Objects.requireNonNull(mutations, "mutations == null");
        enter();
        try {
            State before = state;
            if (position.isAtOrBelow(before.applied())) {
                List<ApplyResult> skipped = new ArrayList<>(mutations.size());
                for (int i = 0; i < mutations.size(); i++) {
                    skipped.add(new ApplyResult(position, before.revision(), new MutationResult.AlreadyApplied(), List.of()));
                }
                return skipped;
            }
            List<ApplyResult> results = new ArrayList<>(mutations.size());
            State after;
            // An entry of plain puts (the common case) reads nothing its batch writes except `latest`, which
            // the reader's write-through view answers: it needs no indexed batch (Source.underPlainPuts).
            boolean plainPuts = onlyPuts(mutations);
            try (AbstractWriteBatch batch = plainPuts ? new WriteBatch() : new WriteBatchWithIndex(true)) {
                Source source = plainPuts
                        ? Source.underPlainPuts(db, plainRead, cf)
                        : Source.of(db, plainRead, (WriteBatchWithIndex) batch);
                StoreReader reader = new StoreReader(source, cf, before.revision());
                reader.seedLatest(knownLatest(putKeys(mutations)));
                BatchApplier applier = new BatchApplier(batch, cf, reader, validator, before.revision(), before.compactRevision());
                for (Mutation m : mutations) {
                    results.add(applier.apply(position, m));
                }
                batch.put(cf.meta(), Layout.META_APPLIED, Layout.position(position));
                if (applier.revision() != before.revision()) {
                    batch.put(cf.meta(), Layout.META_REVISION, Layout.longBytes(applier.revision()));
                }
                if (applier.compactChanged()) {
                    batch.put(cf.meta(), Layout.META_COMPACT, Layout.longBytes(applier.compactRevision()));
                }
                after = new State(position, applier.revision(), applier.compactRevision());
                publish.writeLock().lock();
                try {
                    if (batch instanceof WriteBatch plain) {
                        db.write(writeOptions, plain);
                    } else {
                        db.write(writeOptions, (WriteBatchWithIndex) batch);
                    }
                    state = after;
                } finally {
                    publish.writeLock().unlock();
                }
                recentLatest.committed(reader.latestSeen());
            } catch (RocksDBException e) {
                throw new StorageException("applying entry " + position + " failed", e);
            }
            for (CommitListener l : listeners) {
                l.committed(results);
            }
            return results;
        } finally {
            exit();
        }
    }

    /** True when every mutation of the entry is a put (not a txn): see {@link Source#underPlainPuts}. */
    private static boolean onlyPuts(List<Mutation> mutations) {
        for (Mutation m : mutations) {
            if (!(m instanceof PutRequest)) {
                return false;
            }
        }
        return true;
    }

    /** The distinct keys of the top-level puts of one entry, whose previous versions are read ahead. */
    private static Collection<Bytes> putKeys(List<Mutation> mutations) {
        if (mutations.size() == 1) {
            return mutations.get(0) instanceof PutRequest p ? List.of(p.key()) : List.of();
        }
        Set<Bytes> keys = new LinkedHashSet<>();
        for (Mutation m : mutations) {
            if (m instanceof PutRequest p) {
                keys.add(p.key());
            }
        }
        return keys;
    }

    /**
     * The committed {@code latest} values of {@code keys} (null where a key does not exist): from
     * {@link #recentLatest}, the rest with one RocksDB MultiGet. Apply thread, before the batch is written.
     */
    private Map<Bytes, byte[]> knownLatest(Collection<Bytes> keys) throws RocksDBException {
        Map<Bytes, byte[]> known = new HashMap<>(Math.max(16, keys.size() * 2));
        List<Bytes> misses = new ArrayList<>(keys.size());
        List<byte[]> rawMisses = new ArrayList<>(keys.size());
        for (Bytes k : keys) {
            byte[] v = recentLatest.lookup(k);
            if (v != RecentLatest.UNKNOWN) {
                known.put(k, v);
            } else {
                misses.add(k);
                rawMisses.add(k.unsafeArray());
            }
        }
        if (!misses.isEmpty()) {
            List<byte[]> values = db.multiGetAsList(plainRead, Collections.nCopies(misses.size(), cf.latest()), rawMisses);
            for (int i = 0; i < misses.size(); i++) {
                known.put(misses.get(i), values.get(i));
            }
        }
        return known;
    }

    @Override
    public void addCommitListener(CommitListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener == null"));
    }

    /**
     * Removes compacted history in (revision) order from a persisted cursor. A change below the compact
     * revision C goes when a newer change of its key exists at or below C, and also when it is the newest
     * but a delete; changes at C stay. A later compaction rewinds to the start of the old C so that those
     * are looked at again; older leftovers of a key are removed when its newest change is looked at.
     */
    @Override
    public boolean compactStep() {
        enter();
        try {
            synchronized (compactionMonitor) {
                return compactStepLocked();
            }
        } finally {
            exit();
        }
    }

    private boolean compactStepLocked() {
        try (ReadContext rc = new ReadContext(); WriteBatch batch = new WriteBatch()) {
            long compact = rc.state.compactRevision();
            if (compact == 0) {
                return false;
            }
            // The cursor is (the compact revision it was made under, the last history key examined).
            // Changes made exactly at that compact revision must be looked at again under a later one
            // (a delete at C is retained, and is compacted away only below a later C), so a newer
            // compaction rewinds to the start of that revision.
            byte[] cursor = db.get(cf.meta(), rc.readOptions, Layout.META_COMPACT_CURSOR);
            byte[] start = Layout.revKey(0, 0);
            byte[] skip = null;
            if (cursor != null) {
                long cursorCompact = Layout.readLong(cursor, 0);
                byte[] lastKey = Arrays.copyOfRange(cursor, 8, 24);
                byte[] rewind = Layout.revKey(cursorCompact, 0);
                if (cursorCompact < compact && Arrays.compareUnsigned(rewind, lastKey) <= 0) {
                    start = rewind;
                } else {
                    start = lastKey;
                    skip = lastKey;
                }
            }
            int examined = 0;
            byte[] last = null;
            boolean more = false;
            // One key-index iterator for the whole step (it reads the step's snapshot): creating one per
            // history entry made compaction several times slower.
            try (RocksIterator it = db.newIterator(cf.history(), rc.readOptions);
                 RocksIterator idx = db.newIterator(cf.keyIndex(), rc.readOptions)) {
                for (it.seek(start); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    if (skip != null && Arrays.equals(k, skip)) {
                        continue; // examined by the previous step
                    }
                    if (Layout.revMain(k) > compact) {
                        break;
                    }
                    if (examined == options.compactionBatchSize()) {
                        more = true;
                        break;
                    }
                    examined++;
                    compactEntry(rc, idx, batch, Layout.historyRecord(k, it.value()), compact);
                    last = k;
                }
                StoreReader.checkIterator(it);
            }
            if (last != null) {
                byte[] c = new byte[24];
                System.arraycopy(Layout.longBytes(compact), 0, c, 0, 8);
                System.arraycopy(last, 0, c, 8, 16);
                batch.put(cf.meta(), Layout.META_COMPACT_CURSOR, c);
                db.write(writeOptions, batch);
            }
            return more;
        } catch (RocksDBException e) {
            throw new StorageException("compaction step failed", e);
        }
    }

    private void compactEntry(ReadContext rc, RocksIterator idx, WriteBatch batch, Layout.HistoryRecord r, long compact)
            throws RocksDBException {
        Bytes key = r.kv().key();
        byte[] prefix = Layout.indexPrefix(key);
        // Every change made at C is retained (so that events(C, ...) is complete); below C only a key's
        // newest change survives, and only when it is a put.
        boolean isNewest = r.main() == compact || StoreReader.isNewestAtOrBelow(idx, key, compact, r.main(), r.sub());
        if (!isNewest) {
            removeHistory(rc, batch, key, r.main(), r.sub());
            return;
        }
        // Leftovers of earlier compactions: every older change of the key is superseded by this one.
        for (idx.seek(Layout.indexKey(key, r.main() - 1)); idx.isValid() && Layout.hasPrefix(idx.key(), prefix); idx.next()) {
            removeHistory(rc, batch, key, Layout.indexMain(idx.key()), Layout.indexSub(idx.value()));
        }
        StoreReader.checkIterator(idx);
        if (r.tombstone() && r.main() < compact) {
            removeHistory(rc, batch, key, r.main(), r.sub());
        }
    }

    /**
     * Removes the change at (main, sub) of {@code key}. The key index holds one entry per key and main
     * revision, that of the key's last change in the revision (a put then a delete in one txn share a
     * main revision), so its entry is removed only when it names this very change.
     */
    private void removeHistory(ReadContext rc, WriteBatch batch, Bytes key, long main, long sub) throws RocksDBException {
        batch.delete(cf.history(), Layout.revKey(main, sub));
        byte[] indexKey = Layout.indexKey(key, main);
        byte[] entry = db.get(cf.keyIndex(), rc.readOptions, indexKey);
        if (entry != null && Layout.indexSub(entry) == sub) {
            batch.delete(cf.keyIndex(), indexKey);
        }
    }

    // ---- maintenance --------------------------------------------------------------------------

    @Override
    public void checkpoint(Path target) {
        Objects.requireNonNull(target, "target == null");
        enter();
        try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StorageException("checkpoint to " + target + " failed: " + e.getMessage(), e);
        } finally {
            exit();
        }
    }

    @Override
    public long sizeBytes() {
        enter();
        try {
            long total = 0;
            for (ColumnFamilyHandle h : handleList) {
                total += db.getLongProperty(h, "rocksdb.total-sst-files-size");
                total += db.getLongProperty(h, "rocksdb.cur-size-all-mem-tables");
            }
            return total;
        } catch (RocksDBException e) {
            throw new StorageException("size query failed", e);
        } finally {
            exit();
        }
    }

    @Override
    public StoreMemory memory() {
        enter();
        try {
            return new StoreMemory(db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables"), blockCache.getUsage(),
                    db.getAggregatedLongProperty("rocksdb.estimate-table-readers-mem"));
        } catch (RocksDBException e) {
            throw new StorageException("memory query failed", e);
        } finally {
            exit();
        }
    }

    @Override
    public void defragment() {
        enter();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handleList);
            for (ColumnFamilyHandle h : handleList) {
                db.compactRange(h);
            }
        } catch (RocksDBException e) {
            throw new StorageException("defragment failed", e);
        } finally {
            exit();
        }
    }

    /**
     * Makes everything applied so far durable: syncs RocksDB's WAL, then flushes every memtable to SST
     * files and waits for the flush. After it returns, {@link #appliedPosition()} as of the call survives
     * a power loss. Used by the replicated layer before it lets its log be purged up to that position.
     * Thread-safe; may run concurrently with reads and mutations (later mutations may or may not be
     * included).
     *
     * @throws StorageException when RocksDB fails
     */
    public void sync() {
        enter();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flushWal(true);
            db.flush(flush, handleList);
        } catch (RocksDBException e) {
            throw new StorageException("sync failed", e);
        } finally {
            exit();
        }
    }

    /**
     * Offline restore only: makes the store forget which log entries it has applied, so that it applies a
     * NEW log (one that starts over at low indexes) from its first entry. Sets the applied position to
     * {@link LogPosition#NONE} with a synced write; every key, its history and mod revisions, the current
     * and compact revisions and the leases are kept. Returns the position it had.
     *
     * <p>Contract: call it only on a store opened from a backup for seeding a new cluster, before any
     * log feeds it. On a store that a replicated member applies to, it would make the member apply its
     * own log a second time on top of the data (the applied-position guard of {@link #applyAll} is what
     * makes replays harmless); nothing else may write to the store concurrently.
     *
     * @throws StorageException when RocksDB fails
     */
    public LogPosition resetAppliedPosition() {
        enter();
        try (WriteBatch b = new WriteBatch(); WriteOptions syncWrite = new WriteOptions().setSync(true)) {
            State before = state;
            b.put(cf.meta(), Layout.META_APPLIED, Layout.position(LogPosition.NONE));
            publish.writeLock().lock();
            try {
                db.write(syncWrite, b);
                state = new State(LogPosition.NONE, before.revision(), before.compactRevision());
            } finally {
                publish.writeLock().unlock();
            }
            log.info("store {}: applied position reset from {} to {} (revision {}, compact revision {} kept)",
                    directory, before.applied(), LogPosition.NONE, before.revision(), before.compactRevision());
            return before.applied();
        } catch (RocksDBException e) {
            throw new StorageException("cannot reset the applied position in " + directory, e);
        } finally {
            exit();
        }
    }

    /** Flushes memtables to SST files (used before measuring open time and by tests). */
    void flush() {
        enter();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handleList);
        } catch (RocksDBException e) {
            throw new StorageException("flush failed", e);
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ColumnFamilyHandle h : handleList) {
                h.close();
            }
            db.close();
            writeOptions.close();
            plainRead.close();
            dbOptions.close();
            cfOptions.forEach(ColumnFamilyOptions::close);
            blockCache.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
