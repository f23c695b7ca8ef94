package io.caravel.raft;

import io.caravel.store.StoreOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of the replicated layer that are not etcd flags: defaults suit production; tests shorten the
 * intervals. Immutable.
 *
 * @param store the store's options
 * @param requestTimeout how long a request may wait for a leader, a quorum and its apply before it
 *                       fails with {@link ClusterError#TIMEOUT}
 * @param leaseTick how often the leader looks for expired leases
 * @param leaseCheckpointInterval how often the leader checkpoints remaining TTLs (etcd: 5 minutes);
 *                                only leases with more than this left are checkpointed
 * @param revisionCompactionInterval how often {@code --auto-compaction-mode=revision} checks (etcd: 5 minutes)
 * @param logSegmentSizeBytes the Ratis log segment size; only whole segments are purged
 * @param maxEntryBytes the largest log entry (a request) accepted
 * @param entriesInFlight how many entries of client writes (each possibly a batch of requests) one member
 *                        may have proposed and not yet seen applied; requests arriving meanwhile wait and
 *                        go together in the next entry (group commit, {@link ProposalBatcher}). Default 1: a
 *                        Ratis entry costs far more CPU than a request within it, so the biggest batches win
 *                        on a busy machine; each member still has its own entry in flight, and an entry that
 *                        hangs frees its slot at the request timeout at the latest
 * @param logRetention how long the Raft log is kept behind the store's durable position, so that after a
 *                     restart Ratis replays at least this much of it and its retry cache again knows every
 *                     request a client may still resend (a resend is then answered, never applied twice);
 *                     longer than the Raft client's whole retry span. Zero: the log is purged up to the
 *                     durable position (tests of snapshot catch-up)
 */
public record RaftTuning(StoreOptions store, Duration requestTimeout, Duration leaseTick,
                         Duration leaseCheckpointInterval, Duration revisionCompactionInterval,
                         long logSegmentSizeBytes, int maxEntryBytes, int entriesInFlight, Duration logRetention) {
    public RaftTuning {
        Objects.requireNonNull(store, "store == null");
        Objects.requireNonNull(requestTimeout, "requestTimeout == null");
        Objects.requireNonNull(leaseTick, "leaseTick == null");
        Objects.requireNonNull(leaseCheckpointInterval, "leaseCheckpointInterval == null");
        Objects.requireNonNull(revisionCompactionInterval, "revisionCompactionInterval == null");
        if (logSegmentSizeBytes < 1024) {
            throw new IllegalArgumentException("logSegmentSizeBytes must be >= 1024: " + logSegmentSizeBytes);
        }
        Objects.requireNonNull(logRetention, "logRetention == null");
        if (logRetention.isNegative()) {
            throw new IllegalArgumentException("logRetention must not be negative: " + logRetention);
        }
        if (entriesInFlight < 1) {
            throw new IllegalArgumentException("entriesInFlight must be >= 1: " + entriesInFlight);
        }
    }

    public static RaftTuning defaults() {
        return new RaftTuning(StoreOptions.defaults(), Duration.ofSeconds(10), Duration.ofMillis(250),
                Duration.ofMinutes(5), Duration.ofMinutes(5), 8L << 20, 4 << 20, 1, Duration.ofMinutes(2));
    }

    public RaftTuning withStore(StoreOptions v) {
        return new RaftTuning(v, requestTimeout, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, logSegmentSizeBytes, maxEntryBytes, entriesInFlight, logRetention);
    }

    public RaftTuning withRequestTimeout(Duration v) {
        return new RaftTuning(store, v, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, logSegmentSizeBytes, maxEntryBytes, entriesInFlight, logRetention);
    }

    public RaftTuning withLeaseCheckpointInterval(Duration v) {
        return new RaftTuning(store, requestTimeout, leaseTick, v, revisionCompactionInterval, logSegmentSizeBytes, maxEntryBytes, entriesInFlight, logRetention);
    }

    public RaftTuning withRevisionCompactionInterval(Duration v) {
        return new RaftTuning(store, requestTimeout, leaseTick, leaseCheckpointInterval, v, logSegmentSizeBytes, maxEntryBytes, entriesInFlight, logRetention);
    }

    public RaftTuning withLogSegmentSizeBytes(long v) {
        return new RaftTuning(store, requestTimeout, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, v, maxEntryBytes, entriesInFlight, logRetention);
    }

    public RaftTuning withMaxEntryBytes(int v) {
        return new RaftTuning(store, requestTimeout, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, logSegmentSizeBytes, v, entriesInFlight, logRetention);
    }

    public RaftTuning withEntriesInFlight(int v) {
        return new RaftTuning(store, requestTimeout, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, logSegmentSizeBytes, maxEntryBytes, v, logRetention);
    }

    public RaftTuning withLogRetention(Duration v) {
        return new RaftTuning(store, requestTimeout, leaseTick, leaseCheckpointInterval, revisionCompactionInterval, logSegmentSizeBytes, maxEntryBytes, entriesInFlight, v);
    }
}
