package io.caravel.store;

/**
 * What applying one {@link Mutation} produced. Expected outcomes are values: a request that the state
 * made invalid (a lease that does not exist, a compacted revision) is a {@link Rejected}, and a log
 * position that was already applied is {@link AlreadyApplied}.
 */
public sealed interface MutationResult
        permits PutResult, DeleteRangeResult, TxnResult, CompactResult, LeaseGrantResult,
                LeaseRevokeResult, LeaseCheckpointResult, MutationResult.Rejected, MutationResult.AlreadyApplied {

    /** The mutation was refused with etcd's error; the store's data did not change. */
    record Rejected(KvError error) implements MutationResult {
    }

    /** The log position had already been applied; nothing was done and the original result is not known. */
    record AlreadyApplied() implements MutationResult {
    }
}
