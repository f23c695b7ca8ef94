package io.caravel.store;

import java.util.List;

/**
 * etcd's {@code TxnResponse}.
 *
 * @param revision the main revision of the txn when it wrote, else the current revision
 * @param succeeded true when the compares held and the success branch ran
 * @param responses one result per op of the branch that ran, in order
 */
public record TxnResult(long revision, boolean succeeded, List<OpResult> responses) implements OpResult, MutationResult {
    public TxnResult {
        responses = List.copyOf(responses);
    }
}
