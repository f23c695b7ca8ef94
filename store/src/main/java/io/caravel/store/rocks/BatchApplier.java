package io.caravel.store.rocks;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.Compare;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.Event;
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
import io.caravel.store.Op;
import io.caravel.store.OpResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.RequestValidator;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Applies the mutations of one log entry into one write batch, with etcd's semantics
 * ({@code server/etcdserver/txn/}, {@code server/storage/mvcc/kvstore_txn.go}). Every read sees the
 * batch, so a mutation sees the writes of those before it, and a txn op those of the ops before it:
 * in general the batch is a {@link WriteBatchWithIndex} and the reader reads through it; an entry of
 * plain puts only is written to a plain {@code WriteBatch}, since a put reads nothing the batch writes
 * except {@code latest}, which the reader's write-through view answers ({@code RocksMvccStore.applyAll},
 * {@code Source.underPlainPuts}). State errors are found before anything is written, so a rejected
 * mutation leaves the batch untouched. Not thread-safe: one instance per batch, on the apply thread.
 */
final class BatchApplier {
    private final AbstractWriteBatch batch;
    private final Handles cf;
    private final StoreReader reader;
    private final RequestValidator validator;

    private long revision;
    private long compactRevision;
    private boolean compactChanged;

    // Per mutation: the revision it started at and how many changes (sub-revisions) it made.
    private long beginRevision;
    private int changes;
    private List<Event> events;

    BatchApplier(AbstractWriteBatch batch, Handles cf, StoreReader reader, RequestValidator validator,
                 long revision, long compactRevision) {
        this.batch = batch;
        this.cf = cf;
        this.reader = reader;
        this.validator = validator;
        this.revision = revision;
        this.compactRevision = compactRevision;
    }

    long revision() {
        return revision;
    }

    long compactRevision() {
        return compactRevision;
    }

    boolean compactChanged() {
        return compactChanged;
    }

    ApplyResult apply(LogPosition position, Mutation mutation) {
        beginRevision = revision;
        changes = 0;
        events = new ArrayList<>();
        reader.currentRevision = revision;
        MutationResult result;
        try {
            validator.validate(mutation);
            result = applyValid(mutation);
        } catch (KvException e) {
            // Checks run before any write, so nothing of this mutation is in the batch.
            if (changes != 0) {
                throw new IllegalStateException("rejected after writing " + changes + " changes", e);
            }
            result = new MutationResult.Rejected(e.error());
        }
        if (changes > 0) {
            revision = beginRevision + 1;
        }
        return new ApplyResult(position, revision, result, events);
    }

    private MutationResult applyValid(Mutation m) {
        if (m instanceof PutRequest p) {
            checkPut(p);
            return put(p);
        } else if (m instanceof DeleteRangeRequest d) {
            return deleteRange(d);
        } else if (m instanceof TxnRequest t) {
            List<Boolean> path = new ArrayList<>();
            evaluatePath(t, path);
            checkTxn(t, path, new int[] {0});
            return executeTxn(t, path, new int[] {0});
        } else if (m instanceof CompactRequest c) {
            return compact(c);
        } else if (m instanceof LeaseGrantRequest g) {
            return grant(g);
        } else if (m instanceof LeaseRevokeRequest r) {
            return revoke(r);
        } else if (m instanceof LeaseCheckpointRequest c) {
            return checkpoint(c);
        }
        throw new IllegalArgumentException("unknown mutation " + m);
    }

    // ---- put / delete ---------------------------------------------------------------------------

    /** etcd's {@code checkRequestPut}: the state errors of a put, found before anything is written. */
    private void checkPut(PutRequest p) {
        // etcd checks the lease first (txn/put.go checkPut), then the ignore flags.
        if (p.lease() != 0 && reader.lease(p.lease()) == null) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        if ((p.ignoreValue() || p.ignoreLease()) && reader.latest(p.key()) == null) {
            throw KvError.KEY_NOT_FOUND.exception();
        }
    }

    private PutResult put(PutRequest p) {
        KeyValue prev = reader.latest(p.key());
        long rev = beginRevision + 1;
        Bytes value = p.ignoreValue() ? prev.value() : p.value();
        long lease = p.ignoreLease() ? prev.lease() : p.lease();
        KeyValue kv = prev == null
                ? new KeyValue(p.key(), rev, rev, 1, value, lease)
                : new KeyValue(p.key(), prev.createRevision(), rev, prev.version() + 1, value, lease);
        long sub = changes++;
        try {
            byte[] latest = Layout.latestValue(kv);
            batch.put(cf.latest(), p.key().unsafeArray(), latest);
            reader.cacheLatest(p.key(), latest);
            batch.put(cf.history(), Layout.revKey(rev, sub), Layout.historyValue(kv, false));
            batch.put(cf.keyIndex(), Layout.indexKey(p.key(), rev), Layout.indexValue(sub, false));
            if (prev != null && prev.lease() != 0 && prev.lease() != lease) {
                batch.delete(cf.leaseKey(), Layout.leaseKeyEntry(prev.lease(), p.key()));
            }
            if (lease != 0) {
                batch.put(cf.leaseKey(), Layout.leaseKeyEntry(lease, p.key()), new byte[0]);
            }
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        }
        reader.currentRevision = rev;
        events.add(new Event(Event.Type.PUT, kv, prev));
        return new PutResult(rev, p.prevKv() ? prev : null);
    }

    private DeleteRangeResult deleteRange(DeleteRangeRequest d) {
        List<KeyValue> existing = reader.current(d.keyRange());
        for (KeyValue prev : existing) {
            delete(prev);
        }
        return new DeleteRangeResult(existing.isEmpty() ? reader.currentRevision : beginRevision + 1,
                existing.size(), d.prevKv() ? existing : List.of());
    }

    private void delete(KeyValue prev) {
        long rev = beginRevision + 1;
        long sub = changes++;
        KeyValue tombstone = KeyValue.tombstone(prev.key(), rev);
        try {
            batch.delete(cf.latest(), prev.key().unsafeArray());
            reader.cacheLatest(prev.key(), null);
            batch.put(cf.history(), Layout.revKey(rev, sub), Layout.historyValue(tombstone, true));
            batch.put(cf.keyIndex(), Layout.indexKey(prev.key(), rev), Layout.indexValue(sub, true));
            if (prev.lease() != 0) {
                batch.delete(cf.leaseKey(), Layout.leaseKeyEntry(prev.lease(), prev.key()));
            }
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        }
        reader.currentRevision = rev;
        events.add(new Event(Event.Type.DELETE, tombstone, prev));
    }

    // ---- txn ----------------------------------------------------------------------------------

    /**
     * etcd's {@code compareToPath}: every compare, nested txns' included, is evaluated against the
     * state before the txn runs. The branch taken by each txn is appended in execution (pre-)order.
     */
    private void evaluatePath(TxnRequest t, List<Boolean> path) {
        boolean ok = true;
        for (Compare c : t.compares()) {
            if (!holds(c)) {
                ok = false;
                break;
            }
        }
        path.add(ok);
        for (Op op : ok ? t.success() : t.failure()) {
            if (op instanceof TxnRequest nested) {
                evaluatePath(nested, path);
            }
        }
    }

    private boolean holds(Compare c) {
        List<KeyValue> kvs = reader.current(c.keyRange());
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

    /** etcd's {@code checkTxn}: state errors of the ops on the chosen path, before anything is written. */
    private void checkTxn(TxnRequest t, List<Boolean> path, int[] at) {
        boolean ok = path.get(at[0]++);
        for (Op op : ok ? t.success() : t.failure()) {
            if (op instanceof RangeRequest r) {
                checkRangeRevision(r.revision(), beginRevision);
            } else if (op instanceof PutRequest p) {
                checkPut(p);
            } else if (op instanceof TxnRequest nested) {
                checkTxn(nested, path, at);
            }
        }
    }

    private TxnResult executeTxn(TxnRequest t, List<Boolean> path, int[] at) {
        boolean ok = path.get(at[0]++);
        List<OpResult> responses = new ArrayList<>();
        for (Op op : ok ? t.success() : t.failure()) {
            if (op instanceof RangeRequest r) {
                responses.add(range(r));
            } else if (op instanceof PutRequest p) {
                responses.add(put(p));
            } else if (op instanceof DeleteRangeRequest d) {
                responses.add(deleteRange(d));
            } else if (op instanceof TxnRequest nested) {
                responses.add(executeTxn(nested, path, at));
            }
        }
        return new TxnResult(reader.currentRevision, ok, responses);
    }

    private RangeResult range(RangeRequest r) {
        long rev = r.revision() <= 0 ? reader.currentRevision : r.revision();
        StoreReader.Scan scan = reader.scan(r.keyRange(), rev, r.fetchLimit(), r.countOnly());
        return RangeShaping.shape(r, scan, reader.currentRevision);
    }

    /** etcd's {@code checkRequestRange}: a revision above {@code current} is in the future, one below the compact revision is gone. */
    void checkRangeRevision(long requested, long current) {
        if (requested > 0 && requested > current) {
            throw KvError.FUTURE_REVISION.exception();
        }
        if (requested > 0 && requested < compactRevision) {
            throw KvError.COMPACTED.exception();
        }
    }

    // ---- compaction and leases ----------------------------------------------------------------

    private CompactResult compact(CompactRequest c) {
        if (c.revision() <= compactRevision) {
            throw KvError.COMPACTED.exception();
        }
        if (c.revision() > revision) {
            throw KvError.FUTURE_REVISION.exception();
        }
        compactRevision = c.revision();
        compactChanged = true;
        return new CompactResult(revision, compactRevision);
    }

    private LeaseGrantResult grant(LeaseGrantRequest g) {
        if (g.id() == 0) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        if (reader.lease(g.id()) != null) {
            throw KvError.LEASE_EXISTS.exception();
        }
        Lease lease = new Lease(g.id(), g.ttlSeconds(), 0);
        writeLease(lease);
        return new LeaseGrantResult(revision, lease);
    }

    private LeaseRevokeResult revoke(LeaseRevokeRequest r) {
        if (reader.lease(r.id()) == null) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        List<Bytes> keys = reader.leaseKeys(r.id());
        for (Bytes key : keys) {
            KeyValue prev = reader.latest(key);
            if (prev == null) {
                throw new StorageException("lease " + r.id() + " lists key " + key + " which does not exist");
            }
            delete(prev);
        }
        try {
            batch.delete(cf.lease(), Layout.leaseKey(r.id()));
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        }
        return new LeaseRevokeResult(keys.isEmpty() ? revision : beginRevision + 1, keys.size());
    }

    private LeaseCheckpointResult checkpoint(LeaseCheckpointRequest c) {
        int updated = 0;
        for (LeaseCheckpointRequest.Checkpoint cp : c.checkpoints()) {
            Lease lease = reader.lease(cp.leaseId());
            if (lease != null) {
                writeLease(new Lease(lease.id(), lease.ttlSeconds(), cp.remainingTtlSeconds()));
                updated++;
            }
        }
        return new LeaseCheckpointResult(revision, updated);
    }

    private void writeLease(Lease lease) {
        try {
            batch.put(cf.lease(), Layout.leaseKey(lease.id()), Layout.leaseValue(lease));
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        }
    }
}
