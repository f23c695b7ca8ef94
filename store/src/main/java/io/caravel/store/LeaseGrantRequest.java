package io.caravel.store;

/**
 * Creates lease {@code id} with {@code ttlSeconds}. The id must be non-zero and unused
 * ({@link KvError#LEASE_EXISTS}); the TTL at most {@link #MAX_TTL_SECONDS}. No revision is made.
 */
public record LeaseGrantRequest(long id, long ttlSeconds) implements Mutation {
    /** etcd's {@code MaxLeaseTTL}: 9,000,000,000 seconds. */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;
}
