package io.caravel.store;

/** The granted lease; {@code revision} is the store's current revision (a grant makes none). */
public record LeaseGrantResult(long revision, Lease lease) implements MutationResult {
}
