package io.caravel.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * etcd's MVCC key-value store ({@code server/storage/mvcc/kv.go}), fed by a log.
 *
 * <h2>Revisions</h2>
 * The store has one revision, starting at 1 for an empty store (etcd's convention), incremented once
 * by every mutation that changes at least one key; a put always does, a delete-range or lease revoke
 * only when it deletes something, a txn only when its branch writes. Leases and compaction make no
 * revision.
 *
 * <h2>Applying</h2>
 * Mutations come with the {@link LogPosition} of the log entry that carried them. {@link #applyAll}
 * writes the changes of every mutation of one entry and that position in ONE atomic RocksDB write
 * batch, so after a crash the data and {@link #appliedPosition()} are always in step. An entry at or
 * below the applied position is skipped ({@link MutationResult.AlreadyApplied}): re-applying after a
 * restart is harmless. A mutation the state makes invalid is a {@link MutationResult.Rejected} value and
 * changes nothing; the position still advances. {@link RuntimeException}s other than {@link KvException}
 * from {@code apply} mean storage failure: the caller must stop using the store.
 *
 * <h2>Threads</h2>
 * Mutations must come from one thread at a time (the log's apply thread). Reads are thread-safe, may run
 * concurrently with mutations and {@link #compactStep}, and see a consistent state: a read never sees
 * half of a batch, and its result's revision matches the data it returned.
 *
 * <h2>Determinism</h2>
 * The store reads no clock and has no threads of its own; the same mutations at the same positions
 * give the same state, the same results and the same {@link #hashKv hash} on every replica.
 */
public interface MvccStore extends AutoCloseable {

    // ---- state --------------------------------------------------------------------------------

    /** The position of the last applied log entry ({@link LogPosition#NONE} for a new store). */
    LogPosition appliedPosition();

    /** The current revision (1 for an empty store). */
    long currentRevision();

    /** The compact revision: reads below it fail with {@link KvError#COMPACTED} (0 when never compacted). */
    long compactRevision();

    StoreOptions options();

    // ---- reads ------------------------------------------------------------------------------

    /**
     * Reads a range with etcd's semantics (see {@link RangeRequest}).
     *
     * @throws KvException {@link KvError#KEY_NOT_PROVIDED} for an empty key, {@link KvError#COMPACTED}
     *         for a revision below the compact revision, {@link KvError#FUTURE_REVISION} above the current one
     */
    RangeResult range(RangeRequest request);

    /**
     * Runs a txn that only reads ({@link TxnRequest#isReadOnly()}) against the current state, without a
     * log position. Errors as {@link #range}, plus the txn validation errors.
     *
     * @throws IllegalArgumentException when the txn can write
     */
    TxnResult readTxn(TxnRequest request);

    /**
     * The history from {@code fromRevision} on, for watchers catching up: every event with revision in
     * [{@code fromRevision}, {@code toRevision}], in order, stopping after the revision that makes the
     * batch reach {@code maxEvents} (a revision is never split). With {@code withPrevKv}, each event
     * carries its previous version when that is still retained.
     *
     * @throws KvException {@link KvError#COMPACTED} when {@code fromRevision} is below the compact revision
     */
    EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv);

    Optional<Lease> lease(long id);

    /** Every lease, ordered by id. */
    List<Lease> leases();

    /** The keys attached to a lease, in key order (empty for an unknown lease). */
    List<Bytes> leaseKeys(long id);

    /**
     * The hash of the retained history up to {@code revision} (0: the current revision), as defined by
     * {@link HashKvDigest}.
     *
     * @throws KvException {@link KvError#COMPACTED} / {@link KvError#FUTURE_REVISION} as for reads
     */
    HashResult hashKv(long revision);

    // ---- writes -----------------------------------------------------------------------------

    /** Applies one mutation at {@code position}; see {@link #applyAll}. */
    default ApplyResult apply(LogPosition position, Mutation mutation) {
        return applyAll(position, List.of(mutation)).get(0);
    }

    /**
     * Applies the mutations of one log entry, in order, each making its own revision, and records
     * {@code position}, all in one atomic write. Returns one result per mutation. When {@code position}
     * is at or below {@link #appliedPosition()}, nothing is done and every result is
     * {@link MutationResult.AlreadyApplied}. Registered {@link CommitListener}s are told after the
     * write, before this method returns.
     */
    List<ApplyResult> applyAll(LogPosition position, List<Mutation> mutations);

    /**
     * Reclaims space of compacted history: removes at most {@link StoreOptions#compactionBatchSize}
     * entries no longer readable since the last {@link CompactRequest}. Returns true when more remain.
     * Safe to call from any one thread concurrently with mutations and reads; progress survives restarts.
     * Observable state, including {@link #hashKv}, does not depend on it.
     */
    boolean compactStep();

    /** Registers a listener told of every applied batch. */
    void addCommitListener(CommitListener listener);

    // ---- maintenance --------------------------------------------------------------------------

    /**
     * Writes a consistent, self-contained copy of the store to {@code directory} (which must not exist),
     * from which a store can be opened. Thread-safe; does not block mutations for long.
     */
    void checkpoint(Path directory);

    /** The bytes the store occupies on disk (approximately). */
    long sizeBytes();

    /** What the store holds in memory outside the Java heap right now; thread-safe and cheap (no I/O). */
    default StoreMemory memory() {
        return StoreMemory.NONE;
    }

    /** Rewrites storage to reclaim space (etcd's defragment). May take long; reads and writes go on. */
    void defragment();

    /** Releases every resource; the store is unusable afterwards. Idempotent. */
    @Override
    void close();
}
