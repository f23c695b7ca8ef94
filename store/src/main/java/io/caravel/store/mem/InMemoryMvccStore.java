package io.caravel.store.mem;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.CommitListener;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.Compare;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.Event;
import io.caravel.store.EventBatch;
import io.caravel.store.HashKvDigest;
import io.caravel.store.HashResult;
import io.caravel.store.KeyRange;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import io.caravel.store.Lease;
import io.caravel.store.LeaseCheckpointRequest;
import io.caravel.store.LeaseCheckpointResult;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeRequest;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.MvccStore;
import io.caravel.store.Op;
import io.caravel.store.OpResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeRequest.SortOrder;
import io.caravel.store.RangeRequest.SortTarget;
import io.caravel.store.RangeResult;
import io.caravel.store.RequestValidator;
import io.caravel.store.StoreOptions;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The reference model of {@link MvccStore}: etcd's MVCC semantics written as plainly as possible, to be
 * the oracle the RocksDB engine is tested against. It keeps, per key, the list of its retained changes
 * (a put's new version or a delete's tombstone, tagged with its (main, sub) revision) and a table of
 * leases; every read is a scan of that history.
 *
 * <p>Semantics (etcd's, {@code server/etcdserver/txn} and {@code server/storage/mvcc}):
 * <ul>
 *   <li>The revision starts at 1 and grows by one per mutation that changes at least one key.</li>
 *   <li>A txn decides every branch, nested ones included, on the state <em>before</em> it runs
 *       (etcd's {@code compareToPath}), then checks the ops of the chosen path against that state
 *       (etcd's {@code checkTxn}: a range at a future or compacted revision, a put with an unknown lease,
 *       {@code ignore_value}/{@code ignore_lease} on a missing key), and only then runs them; ops see the
 *       txn's earlier writes and write sub-revisions 0, 1, … in op order. A failed check rejects the
 *       whole txn and nothing changes.</li>
 *   <li>Inside a request, a result's revision is the request's revision so far: the revision it is
 *       writing once it has written something, else the revision it started at (etcd's
 *       {@code storeTxnWrite.Range/DeleteRange}).</li>
 *   <li>Compaction at C keeps, for every key, its changes at or above C and, when it has none at C, its
 *       newest change below C if that is a put (the retained history {@link HashKvDigest} defines); the
 *       model drops everything else at once, so {@link #compactStep()} has nothing to do.</li>
 *   <li>A key is attached to the lease of its current version: a put attaches (and detaches it from its
 *       previous lease), {@code ignore_lease} keeps the lease, a delete detaches.</li>
 * </ul>
 *
 * <p>Not supported: {@link #checkpoint} throws {@link UnsupportedOperationException} (nothing is on
 * disk); {@link #defragment} does nothing; {@link #sizeBytes} is the size of the retained keys and values.
 *
 * <p>Thread-safe: every method holds the store's monitor, so reads see whole batches. Commit listeners
 * are called on the applying thread after the monitor is released.
 */
public final class InMemoryMvccStore implements MvccStore {

    /** One change of one key: a put's new version, or a delete's {@link KeyValue#tombstone tombstone}. */
    private record Change(long main, long sub, KeyValue kv, boolean delete) {
        Bytes key() {
            return kv.key();
        }
    }

    private static final Comparator<Change> BY_REVISION =
            Comparator.comparingLong(Change::main).thenComparingLong(Change::sub);

    private final StoreOptions options;
    private final RequestValidator validator;
    /** Every key's retained changes, oldest first. Keys with no retained change are absent. */
    private final TreeMap<Bytes, List<Change>> history = new TreeMap<>();
    private final TreeMap<Long, Lease> leases = new TreeMap<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private long currentRevision = 1;
    private long compactRevision;
    private LogPosition appliedPosition = LogPosition.NONE;
    private boolean closed;

    public InMemoryMvccStore(StoreOptions options) {
        this.options = Objects.requireNonNull(options, "options == null");
        this.validator = new RequestValidator(options);
    }

    public InMemoryMvccStore() {
        this(StoreOptions.defaults());
    }

    // ---- state --------------------------------------------------------------------------------

    @Override
    public synchronized LogPosition appliedPosition() {
        ensureOpen();
        return appliedPosition;
    }

    @Override
    public synchronized long currentRevision() {
        ensureOpen();
        return currentRevision;
    }

    @Override
    public synchronized long compactRevision() {
        ensureOpen();
        return compactRevision;
    }

    @Override
    public StoreOptions options() {
        return options;
    }

    // ---- reads --------------------------------------------------------------------------------

    @Override
    public synchronized RangeResult range(RangeRequest request) {
        ensureOpen();
        validator.validateRange(request);
        checkReadRevision(request.revision(), currentRevision);
        return new Work(options.maxRangeBytes()).range(request);
    }

    @Override
    public synchronized TxnResult readTxn(TxnRequest request) {
        ensureOpen();
        if (!request.isReadOnly()) {
            throw new IllegalArgumentException("readTxn needs a read-only txn: " + request);
        }
        validator.validateTxn(request);
        return new Work(options.maxRangeBytes()).txn(request);
    }

    /** @throws IllegalArgumentException when {@code maxEvents < 1} */
    @Override
    public synchronized EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
        ensureOpen();
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be >= 1: " + maxEvents);
        }
        if (fromRevision < compactRevision) {
            throw KvError.COMPACTED.exception();
        }
        long last = Math.min(toRevision, currentRevision);
        List<Change> changes = new ArrayList<>();
        for (List<Change> perKey : history.values()) {
            for (Change c : perKey) {
                if (c.main() >= fromRevision && c.main() <= last) {
                    changes.add(c);
                }
            }
        }
        changes.sort(BY_REVISION);
        List<Event> events = new ArrayList<>();
        long next = Math.max(fromRevision, last + 1);
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            events.add(new Event(c.delete() ? Event.Type.DELETE : Event.Type.PUT, c.kv(),
                    withPrevKv ? previousVersion(c) : null));
            boolean revisionEnds = i + 1 == changes.size() || changes.get(i + 1).main() != c.main();
            if (revisionEnds && events.size() >= maxEvents) {
                next = c.main() + 1;
                break;
            }
        }
        return new EventBatch(events, next, currentRevision);
    }

    @Override
    public synchronized Optional<Lease> lease(long id) {
        ensureOpen();
        return Optional.ofNullable(leases.get(id));
    }

    @Override
    public synchronized List<Lease> leases() {
        ensureOpen();
        return List.copyOf(leases.values());
    }

    @Override
    public synchronized List<Bytes> leaseKeys(long id) {
        ensureOpen();
        List<Bytes> keys = new ArrayList<>();
        if (!leases.containsKey(id)) {
            return keys; // also for id 0, which means "no lease"
        }
        for (KeyValue kv : new Work().attachedTo(id)) {
            keys.add(kv.key());
        }
        return keys;
    }

    @Override
    public synchronized HashResult hashKv(long revision) {
        ensureOpen();
        long rev = revision <= 0 ? currentRevision : revision;
        checkReadRevision(rev, currentRevision);
        List<Change> changes = new ArrayList<>();
        for (List<Change> perKey : history.values()) {
            for (Change c : perKey) {
                if (c.main() <= rev) {
                    changes.add(c);
                }
            }
        }
        changes.sort(BY_REVISION);
        HashKvDigest digest = new HashKvDigest();
        for (Change c : changes) {
            digest.add(c.main(), c.sub(), c.kv(), c.delete());
        }
        return new HashResult(digest.value(), compactRevision, rev);
    }

    // ---- writes -------------------------------------------------------------------------------

    @Override
    public List<ApplyResult> applyAll(LogPosition position, List<Mutation> mutations) {
        Objects.requireNonNull(position, "position == null");
        Objects.requireNonNull(mutations, "mutations == null");
        List<ApplyResult> results = new ArrayList<>(mutations.size());
        synchronized (this) {
            ensureOpen();
            if (position.isAtOrBelow(appliedPosition)) {
                for (int i = 0; i < mutations.size(); i++) {
                    results.add(new ApplyResult(position, currentRevision, new MutationResult.AlreadyApplied(),
                            List.of()));
                }
                return results;
            }
            for (Mutation m : mutations) {
                results.add(applyOne(position, m));
            }
            appliedPosition = position;
        }
        List<ApplyResult> told = List.copyOf(results);
        for (CommitListener l : listeners) {
            l.committed(told);
        }
        return told;
    }

    /** Always false: {@link CompactRequest} drops compacted history at once. */
    @Override
    public boolean compactStep() {
        return false;
    }

    @Override
    public void addCommitListener(CommitListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener == null"));
    }

    // ---- maintenance --------------------------------------------------------------------------

    /** @throws UnsupportedOperationException always: the model keeps nothing on disk */
    @Override
    public void checkpoint(Path directory) {
        throw new UnsupportedOperationException("the in-memory model cannot write checkpoints");
    }

    @Override
    public synchronized long sizeBytes() {
        long size = 0;
        for (List<Change> perKey : history.values()) {
            for (Change c : perKey) {
                size += c.key().size() + c.kv().value().size();
            }
        }
        return size;
    }

    @Override
    public void defragment() {
        // Nothing to reclaim.
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    // ---- apply --------------------------------------------------------------------------------

    private ApplyResult applyOne(LogPosition position, Mutation m) {
        try {
            validator.validate(m);
            Work work = new Work();
            MutationResult result;
            if (m instanceof PutRequest p) {
                // etcd checks the lease before the ignore_* flags (txn/put.go checkPut), here and in txns.
                checkLease(p.lease());
                work.checkIgnoreFlags(p);
                result = work.put(p);
            } else if (m instanceof DeleteRangeRequest d) {
                result = work.deleteRange(d);
            } else if (m instanceof TxnRequest t) {
                result = work.txn(t);
            } else if (m instanceof LeaseRevokeRequest r) {
                result = work.revoke(r.id());
            } else if (m instanceof CompactRequest c) {
                result = compact(c.revision());
            } else if (m instanceof LeaseGrantRequest g) {
                result = grant(g);
            } else if (m instanceof LeaseCheckpointRequest c) {
                result = checkpointLeases(c);
            } else {
                throw new AssertionError("unknown mutation " + m);
            }
            work.commit();
            return new ApplyResult(position, currentRevision, result, work.events);
        } catch (KvException e) {
            return new ApplyResult(position, currentRevision, new MutationResult.Rejected(e.error()), List.of());
        }
    }

    private CompactResult compact(long revision) {
        if (revision <= compactRevision) {
            throw KvError.COMPACTED.exception();
        }
        if (revision > currentRevision) {
            throw KvError.FUTURE_REVISION.exception();
        }
        compactRevision = revision;
        for (Iterator<Map.Entry<Bytes, List<Change>>> it = history.entrySet().iterator(); it.hasNext(); ) {
            List<Change> changes = it.next().getValue();
            List<Change> kept = new ArrayList<>();
            Change newestBelow = null;
            boolean changedAtCompact = false;
            for (Change c : changes) {
                if (c.main() >= revision) {
                    kept.add(c);
                    changedAtCompact |= c.main() == revision;
                } else {
                    newestBelow = c;
                }
            }
            // Every change at the compact revision stays, so that events(compactRevision, ...) is complete;
            // below it, only the live version a read at the compact revision needs.
            if (newestBelow != null && !changedAtCompact && !newestBelow.delete()) {
                kept.add(0, newestBelow);
            }
            if (kept.isEmpty()) {
                it.remove();
            } else {
                changes.clear();
                changes.addAll(kept);
            }
        }
        return new CompactResult(currentRevision, compactRevision);
    }

    private LeaseGrantResult grant(LeaseGrantRequest g) {
        if (g.id() == 0) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        if (leases.containsKey(g.id())) {
            throw KvError.LEASE_EXISTS.exception();
        }
        Lease lease = new Lease(g.id(), g.ttlSeconds(), 0);
        leases.put(g.id(), lease);
        return new LeaseGrantResult(currentRevision, lease);
    }

    private LeaseCheckpointResult checkpointLeases(LeaseCheckpointRequest request) {
        int updated = 0;
        for (LeaseCheckpointRequest.Checkpoint cp : request.checkpoints()) {
            Lease lease = leases.get(cp.leaseId());
            if (lease != null) {
                leases.put(lease.id(), new Lease(lease.id(), lease.ttlSeconds(), cp.remainingTtlSeconds()));
                updated++;
            }
        }
        return new LeaseCheckpointResult(currentRevision, updated);
    }

    private void checkLease(long lease) {
        if (lease != 0 && !leases.containsKey(lease)) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
    }

    private void checkReadRevision(long revision, long current) {
        if (revision <= 0) {
            return;
        }
        if (revision > current) {
            throw KvError.FUTURE_REVISION.exception();
        }
        if (revision < compactRevision) {
            throw KvError.COMPACTED.exception();
        }
    }

    // ---- history ------------------------------------------------------------------------------

    /** The version of {@code key} visible at {@code revision}, or null when it did not exist then. */
    private KeyValue versionAt(Bytes key, long revision) {
        List<Change> changes = history.get(key);
        if (changes == null) {
            return null;
        }
        Change latest = null;
        for (Change c : changes) {
            if (c.main() <= revision) {
                latest = c;
            }
        }
        return latest == null || latest.delete() ? null : latest.kv();
    }

    /** The version a retained change replaced, when that version is retained too. */
    private KeyValue previousVersion(Change change) {
        List<Change> changes = history.get(change.key());
        int i = changes.indexOf(change);
        if (i <= 0) {
            return null;
        }
        Change prev = changes.get(i - 1);
        return prev.delete() ? null : prev.kv();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }

    // ---- one request --------------------------------------------------------------------------

    /**
     * The working state of one request: its writes so far on top of the committed state, which it
     * changes only on {@link #commit}. A request that throws leaves the store untouched.
     */
    private final class Work {
        private final long beginRevision = currentRevision;
        /** The keys this request wrote: their new version, or null when deleted. */
        private final TreeMap<Bytes, KeyValue> written = new TreeMap<>();
        private final List<Change> changes = new ArrayList<>();
        private final List<Event> events = new ArrayList<>();
        /** A client read's bound on the bytes its range ops fetch (0: none; see {@link StoreOptions#maxRangeBytes}). */
        private final long maxRangeBytes;
        private long rangeBytes;

        /** A write's work: its range ops are not bounded. */
        Work() {
            this(0);
        }

        Work(long maxRangeBytes) {
            this.maxRangeBytes = maxRangeBytes;
        }

        /** The request's revision so far: the one it writes once it has written, else the current one. */
        long revision() {
            return changes.isEmpty() ? beginRevision : beginRevision + 1;
        }

        void commit() {
            if (changes.isEmpty()) {
                return;
            }
            for (Change c : changes) {
                history.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            }
            currentRevision = beginRevision + 1;
        }

        // -- reading through the request's writes

        KeyValue current(Bytes key) {
            return written.containsKey(key) ? written.get(key) : versionAt(key, beginRevision);
        }

        /** The live versions of the keys in {@code range}, in key order, as this request sees them. */
        List<KeyValue> currentIn(KeyRange range) {
            TreeSet<Bytes> keys = new TreeSet<>();
            for (Bytes k : history.keySet()) {
                if (range.contains(k)) {
                    keys.add(k);
                }
            }
            for (Bytes k : written.keySet()) {
                if (range.contains(k)) {
                    keys.add(k);
                }
            }
            List<KeyValue> kvs = new ArrayList<>();
            for (Bytes k : keys) {
                KeyValue kv = current(k);
                if (kv != null) {
                    kvs.add(kv);
                }
            }
            return kvs;
        }

        /** The versions of the keys in {@code range} at a past {@code revision} (the request's writes excluded). */
        List<KeyValue> versionsAt(KeyRange range, long revision) {
            List<KeyValue> kvs = new ArrayList<>();
            for (Bytes k : history.keySet()) {
                if (range.contains(k)) {
                    KeyValue kv = versionAt(k, revision);
                    if (kv != null) {
                        kvs.add(kv);
                    }
                }
            }
            return kvs;
        }

        List<KeyValue> attachedTo(long leaseId) {
            List<KeyValue> kvs = new ArrayList<>();
            for (KeyValue kv : currentIn(new KeyRange(Bytes.ZERO, Bytes.ZERO))) {
                if (kv.lease() == leaseId) {
                    kvs.add(kv);
                }
            }
            return kvs;
        }

        // -- ops

        RangeResult range(RangeRequest r) {
            List<KeyValue> kvs = r.revision() <= 0 ? currentIn(r.keyRange()) : versionsAt(r.keyRange(), r.revision());
            long count = kvs.size();
            if (r.countOnly()) {
                return new RangeResult(List.of(), false, count, revision());
            }
            countFetched(r, kvs);
            List<KeyValue> kept = new ArrayList<>();
            for (KeyValue kv : kvs) {
                if ((r.minModRevision() == 0 || kv.modRevision() >= r.minModRevision())
                        && (r.maxModRevision() == 0 || kv.modRevision() <= r.maxModRevision())
                        && (r.minCreateRevision() == 0 || kv.createRevision() >= r.minCreateRevision())
                        && (r.maxCreateRevision() == 0 || kv.createRevision() <= r.maxCreateRevision())) {
                    kept.add(kv);
                }
            }
            SortOrder order = r.sortOrder();
            if (order == SortOrder.NONE && r.sortTarget() != SortTarget.KEY) {
                order = SortOrder.ASCEND;
            }
            if (order != SortOrder.NONE) {
                // List.sort is stable and kept is in key order, so ties stay in ascending key order.
                Comparator<KeyValue> c = sortKey(r.sortTarget());
                kept.sort(order == SortOrder.DESCEND ? c.reversed() : c);
            }
            boolean more = false;
            if (r.limit() > 0 && kept.size() > r.limit()) {
                kept = new ArrayList<>(kept.subList(0, (int) r.limit()));
                more = true;
            }
            if (r.keysOnly()) {
                kept.replaceAll(KeyValue::withoutValue);
            }
            return new RangeResult(kept, more, count, revision());
        }

        /** Counts what the RocksDB store's scan would fetch for {@code r} ({@link RangeRequest#fetchLimit}) against the bound. */
        private void countFetched(RangeRequest r, List<KeyValue> kvs) {
            if (maxRangeBytes == 0 || r.keyRange().isSingleKey()) {
                return;
            }
            long fetch = r.fetchLimit() == 0 ? kvs.size() : Math.min(r.fetchLimit(), kvs.size());
            for (int i = 0; i < fetch; i++) {
                rangeBytes += kvs.get(i).key().size() + kvs.get(i).value().size();
                if (rangeBytes > maxRangeBytes) {
                    throw KvError.RANGE_TOO_LARGE.exception();
                }
            }
        }

        PutResult put(PutRequest p) {
            KeyValue prev = current(p.key());
            if ((p.ignoreValue() || p.ignoreLease()) && prev == null) {
                // Only reachable when the txn itself deleted the key earlier (see checkIgnoreFlags).
                throw KvError.KEY_NOT_FOUND.exception();
            }
            long main = beginRevision + 1;
            KeyValue kv = new KeyValue(p.key(),
                    prev == null ? main : prev.createRevision(),
                    main,
                    prev == null ? 1 : prev.version() + 1,
                    p.ignoreValue() ? prev.value() : p.value(),
                    p.ignoreLease() ? prev.lease() : p.lease());
            write(p.key(), kv, prev);
            return new PutResult(main, p.prevKv() ? prev : null);
        }

        DeleteRangeResult deleteRange(DeleteRangeRequest d) {
            List<KeyValue> deleted = currentIn(d.keyRange());
            for (KeyValue kv : deleted) {
                write(kv.key(), null, kv);
            }
            return new DeleteRangeResult(revision(), deleted.size(), d.prevKv() ? deleted : List.of());
        }

        LeaseRevokeResult revoke(long leaseId) {
            if (!leases.containsKey(leaseId)) {
                throw KvError.LEASE_NOT_FOUND.exception();
            }
            List<KeyValue> attached = attachedTo(leaseId);
            for (KeyValue kv : attached) {
                write(kv.key(), null, kv);
            }
            leases.remove(leaseId); // nothing below can fail any more
            return new LeaseRevokeResult(revision(), attached.size());
        }

        TxnResult txn(TxnRequest t) {
            List<Boolean> path = new ArrayList<>();
            plan(t, path);
            return execute(t, path.iterator());
        }

        /**
         * etcd's {@code compareToPath} and {@code checkTxn}: decides the branch of this txn and of every
         * nested txn on the state before the txn writes anything (appending the decisions to {@code path}
         * in depth-first order), and checks each op of that path. Runs before any write.
         */
        private void plan(TxnRequest t, List<Boolean> path) {
            boolean succeeded = true;
            for (Compare c : t.compares()) {
                succeeded &= holds(c);
            }
            path.add(succeeded);
            for (Op op : succeeded ? t.success() : t.failure()) {
                if (op instanceof RangeRequest r) {
                    checkReadRevision(r.revision(), beginRevision);
                } else if (op instanceof PutRequest p) {
                    checkLease(p.lease());
                    checkIgnoreFlags(p);
                } else if (op instanceof TxnRequest nested) {
                    plan(nested, path);
                }
            }
        }

        private TxnResult execute(TxnRequest t, Iterator<Boolean> path) {
            boolean succeeded = path.next();
            List<OpResult> results = new ArrayList<>();
            for (Op op : succeeded ? t.success() : t.failure()) {
                if (op instanceof RangeRequest r) {
                    results.add(range(r));
                } else if (op instanceof PutRequest p) {
                    results.add(put(p));
                } else if (op instanceof DeleteRangeRequest d) {
                    results.add(deleteRange(d));
                } else if (op instanceof TxnRequest nested) {
                    results.add(execute(nested, path));
                }
            }
            return new TxnResult(revision(), succeeded, results);
        }

        /** etcd's rule for a compare: every key of the range must satisfy it; no key compares as zero values. */
        private boolean holds(Compare c) {
            List<KeyValue> kvs = currentIn(c.keyRange());
            if (kvs.isEmpty()) {
                return c.matches(null);
            }
            for (KeyValue kv : kvs) {
                if (!c.matches(kv)) {
                    return false;
                }
            }
            return true;
        }

        void checkIgnoreFlags(PutRequest p) {
            if ((p.ignoreValue() || p.ignoreLease()) && current(p.key()) == null) {
                throw KvError.KEY_NOT_FOUND.exception();
            }
        }

        private void write(Bytes key, KeyValue kv, KeyValue prev) {
            long main = beginRevision + 1;
            boolean delete = kv == null;
            Change change = new Change(main, changes.size(), delete ? KeyValue.tombstone(key, main) : kv, delete);
            changes.add(change);
            written.put(key, kv);
            events.add(new Event(delete ? Event.Type.DELETE : Event.Type.PUT, change.kv(), prev));
        }
    }

    private static Comparator<KeyValue> sortKey(SortTarget target) {
        return switch (target) {
            case KEY -> Comparator.comparing(KeyValue::key);
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> Comparator.comparing(KeyValue::value);
        };
    }
}
