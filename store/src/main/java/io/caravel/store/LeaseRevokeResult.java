package io.caravel.store;

/**
 * @param revision the revision of the deletes, or the current revision when no key was attached
 * @param deleted how many keys were deleted
 */
public record LeaseRevokeResult(long revision, long deleted) implements MutationResult {
}
