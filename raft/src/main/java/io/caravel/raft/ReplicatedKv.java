package io.caravel.raft;

import io.caravel.store.CommitListener;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.EventBatch;
import io.caravel.store.HashResult;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member's view of the replicated key-value store: everything {@code server/} needs to serve etcd's
 * API, with no Raft type in sight. Any member accepts any request; writes are forwarded to the leader.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>All methods are thread-safe and non-blocking: they return futures completed on Caravel's own
 *       threads, never on the caller's. Futures complete exceptionally with {@link io.caravel.store.KvException}
 *       (etcd's store errors, e.g. a compacted revision), {@link ClusterException} (no leader, timeout,
 *       membership errors), or another exception for an internal failure.</li>
 *   <li>A write's future completes successfully only once the write is committed by a quorum and
 *       applied on this member; its result carries the revision it made. A write is proposed exactly
 *       once: it is never retried behind the caller's back in a way that could apply it twice, so a
 *       {@link ClusterError#TIMEOUT} or {@link ClusterError#LEADER_CHANGED} means "outcome unknown".</li>
 *   <li>A {@link Consistency#LINEARIZABLE} read reflects every write acknowledged before it was called
 *       (ReadIndex, on whichever member received it). A {@link Consistency#SERIALIZABLE} read is served
 *       from the local store without Raft.</li>
 *   <li>Validation of a request (etcd's {@code checkPutRequest}, {@code checkTxnRequest}, …) happens
 *       before it is proposed; a request that fails it is never replicated.</li>
 * </ul>
 */
public interface ReplicatedKv extends AutoCloseable {

    long clusterId();

    long memberId();

    /** The header for a response served now by this member. */
    ResponseHeader header();

    /**
     * The header for a response made at store revision {@code revision} by this member now: {@link #header()}
     * with that revision. Responses that carry their own revision (a put's, a range's, a watch event's) use
     * this; it does not read the store, so it costs no store lock per response.
     */
    default ResponseHeader header(long revision) {
        return header().withRevision(revision);
    }

    NodeStatus status();

    /** Counters of this member's group commit (zeros where there is none). */
    default ProposalCounts proposals() {
        return new ProposalCounts(0, 0, 0);
    }

    /** What this member's store holds in memory outside the Java heap; see {@link io.caravel.store.MvccStore#memory}. */
    default io.caravel.store.StoreMemory storeMemory() {
        return io.caravel.store.StoreMemory.NONE;
    }

    /**
     * True once this member's name and client URLs are in the applied cluster membership (etcd's
     * "published" member). A member is ready to serve only then: until it is, {@link #memberList()}
     * shows it unnamed, as etcdctl shows an unstarted member.
     */
    boolean published();

    // ---- KV ----------------------------------------------------------------------------------

    CompletableFuture<RangeResult> range(RangeRequest request, Consistency consistency);

    CompletableFuture<PutResult> put(PutRequest request);

    CompletableFuture<DeleteRangeResult> deleteRange(DeleteRangeRequest request);

    /** A read-only txn is served as a read with {@code consistency}; any other txn is a write. */
    CompletableFuture<TxnResult> txn(TxnRequest request, Consistency consistency);

    /**
     * Compacts the history up to {@code revision}. With {@code physical}, completes only once the space
     * has been reclaimed on this member (etcd's {@code physical} flag).
     */
    CompletableFuture<CompactResult> compact(long revision, boolean physical);

    // ---- leases --------------------------------------------------------------------------------

    /** Grants a lease; {@code id} 0 lets the leader choose a unique positive id. */
    CompletableFuture<LeaseGrantResult> leaseGrant(long id, long ttlSeconds);

    CompletableFuture<LeaseRevokeResult> leaseRevoke(long id);

    /** Renews a lease on the leader; completes with its TTL, or 0 when the lease does not exist (etcd). */
    CompletableFuture<Long> leaseKeepAlive(long id);

    /** The remaining TTL as the leader sees it; -1 for an unknown lease (etcd). */
    CompletableFuture<LeaseStatus> leaseTimeToLive(long id, boolean withKeys);

    CompletableFuture<List<Long>> leases();

    // ---- history, for watchers ----------------------------------------------------------------------

    /** This member's store revision (what it has applied). */
    long currentRevision();

    long compactRevision();

    /** This member's history; see {@link io.caravel.store.MvccStore#events}. */
    EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv);

    /**
     * Registers a listener told of every batch applied on this member, in order; it stays registered
     * when a snapshot from the leader replaces the local store (then {@code reset} is called first).
     */
    void addCommitListener(CommitListener listener, Runnable reset);

    // ---- cluster ---------------------------------------------------------------------------------

    CompletableFuture<List<Member>> memberList();

    /** Adds a member (not started yet: it has no name until it starts and publishes itself). */
    CompletableFuture<Member> memberAdd(List<String> peerUrls, boolean learner);

    /** Removes a member; returns the members left. */
    CompletableFuture<List<Member>> memberRemove(long id);

    CompletableFuture<List<Member>> memberUpdate(long id, List<String> peerUrls);

    CompletableFuture<List<Member>> memberPromote(long id);

    /** Transfers leadership to {@code targetId} (etcd's MoveLeader); must be called on the leader. */
    CompletableFuture<Void> moveLeader(long targetId);

    // ---- maintenance -----------------------------------------------------------------------------

    CompletableFuture<HashResult> hashKv(long revision);

    /** Writes a consistent snapshot of this member's store to {@code out} (etcd's Snapshot stream). */
    CompletableFuture<Void> snapshot(OutputStream out);

    CompletableFuture<Void> defragment();

    List<Alarm> alarms();

    CompletableFuture<List<Alarm>> alarmDisarm(Alarm alarm);

    /** Stops this member: no request is accepted afterwards; idempotent. */
    @Override
    void close();
}
