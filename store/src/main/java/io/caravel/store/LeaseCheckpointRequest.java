package io.caravel.store;

import java.util.List;

/**
 * Records the remaining TTL of leases, as the leader saw it, so that a new leader does not restart them
 * at their full TTL (etcd's lease checkpoints). Unknown lease ids are ignored. No revision is made.
 */
public record LeaseCheckpointRequest(List<Checkpoint> checkpoints) implements Mutation {
    public record Checkpoint(long leaseId, long remainingTtlSeconds) {
    }

    public LeaseCheckpointRequest {
        checkpoints = List.copyOf(checkpoints);
    }
}
