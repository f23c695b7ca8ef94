package io.caravel.store;

/**
 * A lease as the store keeps it. The store never decides expiry: it only records what the leader
 * decided (grant, revoke, checkpoints of the remaining TTL).
 *
 * @param id the lease id, chosen by the caller
 * @param ttlSeconds the TTL the lease was granted with
 * @param remainingTtlSeconds the remaining TTL at the last checkpoint, or 0 when never checkpointed
 */
public record Lease(long id, long ttlSeconds, long remainingTtlSeconds) {
}
