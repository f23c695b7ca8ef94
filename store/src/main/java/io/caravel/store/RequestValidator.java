package io.caravel.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on a request before it reaches Raft ({@code server/etcdserver/api/v3rpc/key.go}):
 * they depend on the request alone, never on the store's state, so the server runs them before proposing
 * and the store runs them again on apply (where a failure becomes a {@link MutationResult.Rejected}).
 * Stateless and thread-safe.
 */
public final class RequestValidator {
    private final int maxTxnOps;

    public RequestValidator(StoreOptions options) {
        this.maxTxnOps = options.maxTxnOps();
    }

    /** Validates any mutation; throws {@link KvException} with etcd's error when it is invalid. */
    public void validate(Mutation mutation) {
        if (mutation instanceof PutRequest p) {
            validatePut(p);
        } else if (mutation instanceof DeleteRangeRequest d) {
            validateDelete(d);
        } else if (mutation instanceof TxnRequest t) {
            validateTxn(t);
        } else if (mutation instanceof LeaseGrantRequest g) {
            validateLeaseGrant(g);
        }
        // Compact, lease revoke and lease checkpoint have nothing to check without state.
    }

    public void validateRange(RangeRequest r) {
        if (r.key().isEmpty()) {
            throw KvError.KEY_NOT_PROVIDED.exception();
        }
    }

    public void validatePut(PutRequest p) {
        if (p.key().isEmpty()) {
            throw KvError.KEY_NOT_PROVIDED.exception();
        }
        if (p.ignoreValue() && !p.value().isEmpty()) {
            throw KvError.VALUE_PROVIDED.exception();
        }
        if (p.ignoreLease() && p.lease() != 0) {
            throw KvError.LEASE_PROVIDED.exception();
        }
    }

    public void validateDelete(DeleteRangeRequest d) {
        if (d.key().isEmpty()) {
            throw KvError.KEY_NOT_PROVIDED.exception();
        }
    }

    public void validateLeaseGrant(LeaseGrantRequest g) {
        if (g.ttlSeconds() > LeaseGrantRequest.MAX_TTL_SECONDS) {
            throw KvError.LEASE_TTL_TOO_LARGE.exception();
        }
    }

    /**
     * etcd's {@code checkTxnRequest}: the txn fits the op budget (see {@link #validateOps}), every op is valid,
     * and no branch writes a key twice ({@code checkIntervals}): two puts of one key, or a put of a key a
     * delete of the same branch covers. Deletes may overlap each other; the success and failure branches
     * of a nested txn may write the same key, since only one of them runs.
     */
    public void validateTxn(TxnRequest t) {
        validateOps(t, maxTxnOps);
        checkIntervals(t.success());
        checkIntervals(t.failure());
    }

    /**
     * etcd's op budget: a txn's size is the largest of its compare count and its two branch lengths, it
     * must be within {@code budget}, and each nested txn gets what its parent left
     * ({@code budget - size}).
     */
    private void validateOps(TxnRequest t, int budget) {
        int size = Math.max(t.compares().size(), Math.max(t.success().size(), t.failure().size()));
        if (size > budget) {
            throw KvError.TOO_MANY_OPS.exception();
        }
        for (Compare c : t.compares()) {
            if (c.key().isEmpty()) {
                throw KvError.KEY_NOT_PROVIDED.exception();
            }
        }
        for (List<Op> branch : List.of(t.success(), t.failure())) {
            for (Op op : branch) {
                if (op instanceof RangeRequest r) {
                    validateRange(r);
                } else if (op instanceof PutRequest p) {
                    validatePut(p);
                } else if (op instanceof DeleteRangeRequest d) {
                    validateDelete(d);
                } else if (op instanceof TxnRequest nested) {
                    validateOps(nested, budget - size);
                }
            }
        }
    }

    /** The keys a branch puts and the ranges it deletes, nested txns included. */
    private record Writes(Set<Bytes> puts, List<KeyRange> deletes) {
        boolean deletes(Bytes key) {
            for (KeyRange d : deletes) {
                if (d.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Writes checkIntervals(List<Op> ops) {
        List<KeyRange> dels = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof DeleteRangeRequest d) {
                dels.add(d.keyRange());
            }
        }
        Writes level = new Writes(new HashSet<>(), dels);
        // Children first, so that this level's puts are checked against their deletes too. As in etcd's
        // checkIntervals, a nested txn's deletes count for the puts of the nested txns after it.
        for (Op op : ops) {
            if (!(op instanceof TxnRequest nested)) {
                continue;
            }
            Writes then = checkIntervals(nested.success());
            Writes otherwise = checkIntervals(nested.failure());
            for (Bytes k : then.puts()) {
                if (level.puts().contains(k) || level.deletes(k)) {
                    throw KvError.DUPLICATE_KEY.exception();
                }
                level.puts().add(k);
            }
            for (Bytes k : otherwise.puts()) {
                // A key both branches put is fine: only one branch runs.
                if ((level.puts().contains(k) && !then.puts().contains(k)) || level.deletes(k)) {
                    throw KvError.DUPLICATE_KEY.exception();
                }
                level.puts().add(k);
            }
            dels.addAll(then.deletes());
            dels.addAll(otherwise.deletes());
        }
        for (Op op : ops) {
            if (op instanceof PutRequest p) {
                if (level.puts().contains(p.key()) || level.deletes(p.key())) {
                    throw KvError.DUPLICATE_KEY.exception();
                }
                level.puts().add(p.key());
            }
        }
        return level;
    }
}
