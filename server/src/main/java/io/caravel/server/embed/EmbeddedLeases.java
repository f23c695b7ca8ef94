package io.caravel.server.embed;

import io.caravel.raft.LeaseStatus;
import io.caravel.raft.ReplicatedKv;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeResult;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Lease API in process. The leader decides expiry; keep a lease alive by calling
 * {@link #keepAliveOnce} more often than its TTL (etcd clients renew every TTL/3). Thread-safe.
 */
public final class EmbeddedLeases {
    private final ReplicatedKv kv;

    public EmbeddedLeases(ReplicatedKv kv) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
    }

    /** Grants a lease of {@code ttlSeconds} with an id the leader chooses. */
    public CompletableFuture<LeaseGrantResult> grant(long ttlSeconds) {
        return kv.leaseGrant(0, ttlSeconds);
    }

    /** Renews the lease; completes with its TTL, or 0 when it no longer exists. */
    public CompletableFuture<Long> keepAliveOnce(long id) {
        return kv.leaseKeepAlive(id);
    }

    /** Revokes the lease and deletes its keys; fails with etcd's "requested lease not found" when unknown. */
    public CompletableFuture<LeaseRevokeResult> revoke(long id) {
        return kv.leaseRevoke(id);
    }

    /** The remaining TTL (-1 for an unknown lease) and, with {@code withKeys}, the attached keys. */
    public CompletableFuture<LeaseStatus> timeToLive(long id, boolean withKeys) {
        return kv.leaseTimeToLive(id, withKeys);
    }

    public CompletableFuture<List<Long>> list() {
        return kv.leases();
    }
}
