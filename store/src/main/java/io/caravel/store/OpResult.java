package io.caravel.store;

/** The result of one {@link Op} inside a txn, as etcd's {@code ResponseOp}. */
public sealed interface OpResult permits RangeResult, PutResult, DeleteRangeResult, TxnResult {
}
