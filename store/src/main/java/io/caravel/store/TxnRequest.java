package io.caravel.store;

import java.util.List;
import java.util.Objects;

/**
 * etcd's {@code TxnRequest}: if every compare holds, run {@code success}, else {@code failure}. The
 * whole txn is one revision; its writes take sub-revisions 0, 1, … in op order. Ops read the txn's
 * own earlier writes. A txn that writes nothing makes no revision.
 */
public record TxnRequest(List<Compare> compares, List<Op> success, List<Op> failure) implements Op, Mutation {
    public TxnRequest {
        compares = List.copyOf(Objects.requireNonNull(compares, "compares == null"));
        success = List.copyOf(Objects.requireNonNull(success, "success == null"));
        failure = List.copyOf(Objects.requireNonNull(failure, "failure == null"));
    }

    /** True when no op in either branch, nested txns included, can write. */
    public boolean isReadOnly() {
        return readOnly(success) && readOnly(failure);
    }

    private static boolean readOnly(List<Op> ops) {
        for (Op op : ops) {
            if (op instanceof PutRequest || op instanceof DeleteRangeRequest) {
                return false;
            }
            if (op instanceof TxnRequest t && !t.isReadOnly()) {
                return false;
            }
        }
        return true;
    }
}
