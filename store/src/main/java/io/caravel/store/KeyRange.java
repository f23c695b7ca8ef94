package io.caravel.store;

import java.util.Objects;

/**
 * etcd's key interval {@code [key, rangeEnd)}: an empty {@code rangeEnd} means the single key
 * {@code key}; {@code rangeEnd = "\0"} means every key {@code >= key} (so {@code key = rangeEnd = "\0"}
 * is every key); any other {@code rangeEnd} is an exclusive upper bound (a range whose end is at or
 * below its start is empty).
 */
public record KeyRange(Bytes key, Bytes rangeEnd) {
    public KeyRange {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(rangeEnd, "rangeEnd == null");
    }

    public static KeyRange single(Bytes key) {
        return new KeyRange(key, Bytes.EMPTY);
    }

    public static KeyRange prefix(Bytes prefix) {
        return new KeyRange(prefix, prefix.prefixEnd());
    }

    public boolean isSingleKey() {
        return rangeEnd.isEmpty();
    }

    /** True when the range has no upper bound ({@code rangeEnd = "\0"}). */
    public boolean isUnbounded() {
        return rangeEnd.equals(Bytes.ZERO);
    }

    public boolean contains(Bytes k) {
        if (isSingleKey()) {
            return key.equals(k);
        }
        return key.compareTo(k) <= 0 && (isUnbounded() || k.compareTo(rangeEnd) < 0);
    }

    /** True when the two ranges share at least one key. */
    public boolean intersects(KeyRange o) {
        if (isSingleKey()) {
            return o.contains(key);
        }
        if (o.isSingleKey()) {
            return contains(o.key);
        }
        // [a, b) and [c, d) intersect iff a < d and c < b, with an unbounded end as +infinity,
        // and neither range empty.
        if (!isUnbounded() && key.compareTo(rangeEnd) >= 0) {
            return false;
        }
        if (!o.isUnbounded() && o.key.compareTo(o.rangeEnd) >= 0) {
            return false;
        }
        boolean aBelowD = o.isUnbounded() || key.compareTo(o.rangeEnd) < 0;
        boolean cBelowB = isUnbounded() || o.key.compareTo(rangeEnd) < 0;
        return aBelowD && cBelowB;
    }
}
