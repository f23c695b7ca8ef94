package io.caravel.raft;

import io.caravel.store.Bytes;
import java.util.List;

/**
 * etcd's {@code LeaseTimeToLiveResponse}: {@code remainingTtlSeconds} is -1 for an unknown lease.
 *
 * @param keys the attached keys, when asked for
 */
public record LeaseStatus(long id, long remainingTtlSeconds, long grantedTtlSeconds, List<Bytes> keys) {
    public LeaseStatus {
        keys = List.copyOf(keys);
    }
}
