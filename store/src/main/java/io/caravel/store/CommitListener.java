package io.caravel.store;

import java.util.List;

/**
 * Told of every batch of mutations once it is written to the store (etcd's {@code watchableStore}
 * hook). Called on the single thread that applies mutations, in apply order, after the data is
 * readable; implementations must be quick and must not block or call back into {@code apply}.
 */
@FunctionalInterface
public interface CommitListener {
    /** {@code results} are the mutations of one {@link MvccStore#applyAll} call, in order. */
    void committed(List<ApplyResult> results);
}
