package io.caravel.store;

/**
 * Revokes lease {@code id} and deletes every key attached to it, in a single revision (none when no key
 * was attached). An unknown id is rejected with {@link KvError#LEASE_NOT_FOUND}.
 */
public record LeaseRevokeRequest(long id) implements Mutation {
}
