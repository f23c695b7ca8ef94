package io.caravel.store;

/**
 * An opaque position in the log that feeds the store (for Caravel, a Raft (term, index)). The store
 * only compares positions by {@code index} and persists the last one applied in the same RocksDB write
 * batch as the data it produced, so that a restart knows exactly which entries are already applied.
 *
 * @param term the term of the entry (stored and reported, never interpreted)
 * @param index the index of the entry; strictly increasing across applied entries
 */
public record LogPosition(long term, long index) implements Comparable<LogPosition> {
    /** The position of an empty store: nothing applied. */
    public static final LogPosition NONE = new LogPosition(0, 0);

    public LogPosition {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("term and index must be >= 0: term=" + term + " index=" + index);
        }
    }

    @Override
    public int compareTo(LogPosition o) {
        return Long.compare(index, o.index);
    }

    /** True when an entry at this position was already applied by a store whose applied position is {@code applied}. */
    public boolean isAtOrBelow(LogPosition applied) {
        return index <= applied.index;
    }
}
