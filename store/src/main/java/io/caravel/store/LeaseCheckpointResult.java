package io.caravel.store;

/** @param updated how many of the checkpointed leases exist and were updated */
public record LeaseCheckpointResult(long revision, int updated) implements MutationResult {
}
