package io.caravel.server.testing;

import io.caravel.raft.Alarm;
import io.caravel.raft.ClusterError;
import io.caravel.raft.Consistency;
import io.caravel.raft.LeaseStatus;
import io.caravel.raft.Member;
import io.caravel.raft.NodeStatus;
import io.caravel.raft.ReplicatedKv;
import io.caravel.raft.ResponseHeader;
import io.caravel.store.CommitListener;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.EventBatch;
import io.caravel.store.HashResult;
import io.caravel.store.Lease;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeRequest;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import io.caravel.store.mem.InMemoryMvccStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A single-member {@link ReplicatedKv} without Raft, over the store's in-memory reference model: what the
 * server's unit tests run the gRPC services against. Writes apply on one thread in order, like a log.
 */
public final class LocalReplicatedKv implements ReplicatedKv {
    public static final long CLUSTER_ID = 0x1234;
    public static final long MEMBER_ID = 0x42;

    private final InMemoryMvccStore store = new InMemoryMvccStore();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-apply");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong index = new AtomicLong();
    private final AtomicLong nextLease = new AtomicLong(0x700);
    private volatile List<Alarm> alarms = List.of();
    private volatile boolean closed;

    @Override
    public long clusterId() {
        return CLUSTER_ID;
    }

    @Override
    public long memberId() {
        return MEMBER_ID;
    }

    @Override
    public ResponseHeader header() {
        return new ResponseHeader(CLUSTER_ID, MEMBER_ID, store.currentRevision(), 2);
    }

    @Override
    public boolean published() {
        return true;
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(header(), "3.5.0-caravel-test", MEMBER_ID, index.get(), 2, index.get(),
                store.sizeBytes(), store.sizeBytes(), false, List.of());
    }

    /** Raises an alarm, as the quota check of the real node would. */
    public void raise(Alarm alarm) {
        List<Alarm> a = new ArrayList<>(alarms);
        a.add(alarm);
        alarms = List.copyOf(a);
    }

    private <T> CompletableFuture<T> run(Supplier<T> s) {
        if (closed) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        return CompletableFuture.supplyAsync(s, applier);
    }

    private <T extends MutationResult> CompletableFuture<T> apply(Mutation m, Class<T> type) {
        return run(() -> store.apply(new LogPosition(2, index.incrementAndGet()), m).resultAs(type));
    }

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request, Consistency consistency) {
        return run(() -> store.range(request));
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return apply(request, PutResult.class);
    }

    @Override
    public CompletableFuture<DeleteRangeResult> deleteRange(DeleteRangeRequest request) {
        return apply(request, DeleteRangeResult.class);
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request, Consistency consistency) {
        if (request.isReadOnly()) {
            return run(() -> store.readTxn(request));
        }
        return apply(request, TxnResult.class);
    }

    @Override
    public CompletableFuture<CompactResult> compact(long revision, boolean physical) {
        return apply(new CompactRequest(revision), CompactResult.class);
    }

    @Override
    public CompletableFuture<LeaseGrantResult> leaseGrant(long id, long ttlSeconds) {
        long chosen = id != 0 ? id : nextLease.incrementAndGet();
        return apply(new LeaseGrantRequest(chosen, ttlSeconds), LeaseGrantResult.class);
    }

    @Override
    public CompletableFuture<LeaseRevokeResult> leaseRevoke(long id) {
        return apply(new LeaseRevokeRequest(id), LeaseRevokeResult.class);
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return run(() -> store.lease(id).map(Lease::ttlSeconds).orElse(0L));
    }

    @Override
    public CompletableFuture<LeaseStatus> leaseTimeToLive(long id, boolean withKeys) {
        return run(() -> store.lease(id)
                .map(l -> new LeaseStatus(id, l.ttlSeconds(), l.ttlSeconds(), withKeys ? store.leaseKeys(id) : List.of()))
                .orElse(new LeaseStatus(id, -1, 0, List.of())));
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return run(() -> store.leases().stream().map(Lease::id).toList());
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public long compactRevision() {
        return store.compactRevision();
    }

    @Override
    public EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
        return store.events(fromRevision, toRevision, maxEvents, withPrevKv);
    }

    @Override
    public void addCommitListener(CommitListener listener, Runnable reset) {
        store.addCommitListener(listener);
    }

    private Member self() {
        return new Member(MEMBER_ID, "local", List.of("http://127.0.0.1:2380"), List.of("http://127.0.0.1:2379"), false);
    }

    @Override
    public CompletableFuture<List<Member>> memberList() {
        return CompletableFuture.completedFuture(List.of(self()));
    }

    @Override
    public CompletableFuture<Member> memberAdd(List<String> peerUrls, boolean learner) {
        return CompletableFuture.failedFuture(ClusterError.MEMBER_NOT_ENOUGH_STARTED.exception());
    }

    @Override
    public CompletableFuture<List<Member>> memberRemove(long id) {
        return CompletableFuture.failedFuture(ClusterError.MEMBER_NOT_FOUND.exception());
    }

    @Override
    public CompletableFuture<List<Member>> memberUpdate(long id, List<String> peerUrls) {
        return CompletableFuture.failedFuture(ClusterError.MEMBER_NOT_FOUND.exception());
    }

    @Override
    public CompletableFuture<List<Member>> memberPromote(long id) {
        return CompletableFuture.failedFuture(ClusterError.MEMBER_NOT_LEARNER.exception());
    }

    @Override
    public CompletableFuture<Void> moveLeader(long targetId) {
        return CompletableFuture.failedFuture(ClusterError.BAD_LEADER_TRANSFEREE.exception());
    }

    @Override
    public CompletableFuture<HashResult> hashKv(long revision) {
        return run(() -> store.hashKv(revision));
    }

    /** Writes 100,000 bytes of a recognisable pattern (enough for several chunks). */
    @Override
    public CompletableFuture<Void> snapshot(OutputStream out) {
        return run(() -> {
            try {
                byte[] data = new byte[100_000];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i % 251);
                }
                out.write(data);
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return run(() -> null);
    }

    @Override
    public List<Alarm> alarms() {
        return alarms;
    }

    @Override
    public CompletableFuture<List<Alarm>> alarmDisarm(Alarm alarm) {
        List<Alarm> a = new ArrayList<>(alarms);
        a.removeIf(x -> x.equals(alarm) || (alarm.type() == Alarm.Type.NONE));
        alarms = List.copyOf(a);
        return CompletableFuture.completedFuture(alarms);
    }

    @Override
    public void close() {
        closed = true;
        applier.shutdown();
    }
}
