package io.caravel.store;

import java.util.Objects;

/**
 * etcd's {@code Compare}: a condition of a txn on one key (or, with a non-empty {@code rangeEnd}, on
 * every key of a range: true only when it holds for each of them).
 *
 * <p>A missing key compares as zero values: version, create and mod revision 0, lease 0, and an
 * empty value never compares equal to a missing key's value — etcd's rule is that a VALUE compare on
 * a missing key is false whatever the operator. That is how "create if absent" is written:
 * {@code CREATE == 0}.
 *
 * @param operand for VERSION/CREATE/MOD/LEASE compares
 * @param value for VALUE compares
 */
public record Compare(Bytes key, Bytes rangeEnd, Target target, Operator operator, long operand, Bytes value) {
    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

    /** etcd's {@code CompareResult}. */
    public enum Operator { EQUAL, GREATER, LESS, NOT_EQUAL }

    public Compare {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(rangeEnd, "rangeEnd == null");
        Objects.requireNonNull(target, "target == null");
        Objects.requireNonNull(operator, "operator == null");
        Objects.requireNonNull(value, "value == null");
    }

    public static Compare version(Bytes key, Operator op, long version) {
        return new Compare(key, Bytes.EMPTY, Target.VERSION, op, version, Bytes.EMPTY);
    }

    public static Compare createRevision(Bytes key, Operator op, long revision) {
        return new Compare(key, Bytes.EMPTY, Target.CREATE, op, revision, Bytes.EMPTY);
    }

    public static Compare modRevision(Bytes key, Operator op, long revision) {
        return new Compare(key, Bytes.EMPTY, Target.MOD, op, revision, Bytes.EMPTY);
    }

    public static Compare value(Bytes key, Operator op, Bytes value) {
        return new Compare(key, Bytes.EMPTY, Target.VALUE, op, 0, value);
    }

    public static Compare lease(Bytes key, Operator op, long lease) {
        return new Compare(key, Bytes.EMPTY, Target.LEASE, op, lease, Bytes.EMPTY);
    }

    public KeyRange keyRange() {
        return new KeyRange(key, rangeEnd);
    }

    /**
     * Evaluates this compare against one version of a key ({@code kv} null when the key is absent), with
     * etcd's rules ({@code server/etcdserver/txn/txn.go compareKV}).
     */
    public boolean matches(KeyValue kv) {
        int c;
        switch (target) {
            case VALUE -> {
                if (kv == null) {
                    return false;
                }
                c = kv.value().compareTo(value);
            }
            case VERSION -> c = Long.compare(kv == null ? 0 : kv.version(), operand);
            case CREATE -> c = Long.compare(kv == null ? 0 : kv.createRevision(), operand);
            case MOD -> c = Long.compare(kv == null ? 0 : kv.modRevision(), operand);
            case LEASE -> c = Long.compare(kv == null ? 0 : kv.lease(), operand);
            default -> throw new AssertionError(target);
        }
        return switch (operator) {
            case EQUAL -> c == 0;
            case NOT_EQUAL -> c != 0;
            case GREATER -> c > 0;
            case LESS -> c < 0;
        };
    }
}
