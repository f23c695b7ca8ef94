package io.caravel.store;

/**
 * A request that may change the store, applied through {@link MvccStore#apply}. Every mutation is
 * deterministic: the same sequence of mutations applied to the same state gives the same state and the
 * same results on every replica.
 */
public sealed interface Mutation
        permits PutRequest, DeleteRangeRequest, TxnRequest, CompactRequest,
                LeaseGrantRequest, LeaseRevokeRequest, LeaseCheckpointRequest {
}
