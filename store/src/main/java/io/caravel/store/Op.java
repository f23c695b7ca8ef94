package io.caravel.store;

/** One operation inside a {@link TxnRequest} branch, as etcd's {@code RequestOp}. */
public sealed interface Op permits RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest {
}
