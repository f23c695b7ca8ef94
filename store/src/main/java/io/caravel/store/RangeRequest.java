package io.caravel.store;

import java.util.Objects;

/**
 * etcd's {@code RangeRequest}: the keys of {@link KeyRange [key, rangeEnd)} as of {@code revision}
 * (0 or less: the current revision).
 *
 * @param limit at most this many kvs (0: no limit); {@code more} in the result says some were left out
 * @param sortOrder {@link SortOrder#NONE} returns keys in ascending key order
 * @param keysOnly leave values out
 * @param countOnly return only the count
 * @param minModRevision keep only kvs with mod revision &gt;= this (0: no bound); likewise the others
 */
public record RangeRequest(
        Bytes key,
        Bytes rangeEnd,
        long limit,
        long revision,
        SortOrder sortOrder,
        SortTarget sortTarget,
        boolean keysOnly,
        boolean countOnly,
        long minModRevision,
        long maxModRevision,
        long minCreateRevision,
        long maxCreateRevision) implements Op {

    public enum SortOrder { NONE, ASCEND, DESCEND }

    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    public RangeRequest {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(rangeEnd, "rangeEnd == null");
        Objects.requireNonNull(sortOrder, "sortOrder == null");
        Objects.requireNonNull(sortTarget, "sortTarget == null");
    }

    public KeyRange keyRange() {
        return new KeyRange(key, rangeEnd);
    }

    /** True when any min/max revision filter is set. */
    public boolean hasRevisionFilters() {
        return minModRevision != 0 || maxModRevision != 0 || minCreateRevision != 0 || maxCreateRevision != 0;
    }

    /**
     * How many kvs, in key order, a store fetches to answer this range (0: all of them): all when the
     * result is sorted by anything but the key or filtered by revision (the limit applies afterwards),
     * else one more than the limit so that {@code more} can be told. Deliberately unlike etcd, which for
     * order NONE with a non-key target sorts only the first limit + 1 keys ({@code txn/range.go}); "sort
     * by mod revision, limit 1" here returns the key with the lowest mod revision, as a user would
     * expect. What is fetched is what {@link StoreOptions#maxRangeBytes} bounds.
     */
    public long fetchLimit() {
        boolean sorted = sortOrder != SortOrder.NONE || sortTarget != SortTarget.KEY;
        if (limit <= 0 || sorted || hasRevisionFilters()) {
            return 0;
        }
        return limit + 1;
    }

    public static Builder builder(Bytes key) {
        return new Builder(key);
    }

    /** A read of the single key {@code key} at the current revision. */
    public static RangeRequest get(Bytes key) {
        return builder(key).build();
    }

    /** A read of every key with this prefix at the current revision. */
    public static RangeRequest prefix(Bytes prefix) {
        return builder(prefix).rangeEnd(prefix.prefixEnd()).build();
    }

    public Builder toBuilder() {
        return new Builder(key).rangeEnd(rangeEnd).limit(limit).revision(revision)
                .sort(sortOrder, sortTarget).keysOnly(keysOnly).countOnly(countOnly)
                .minModRevision(minModRevision).maxModRevision(maxModRevision)
                .minCreateRevision(minCreateRevision).maxCreateRevision(maxCreateRevision);
    }

    /** Builds a {@link RangeRequest}; unset fields take etcd's zero values. Not thread-safe. */
    public static final class Builder {
        private final Bytes key;
        private Bytes rangeEnd = Bytes.EMPTY;
        private long limit;
        private long revision;
        private SortOrder sortOrder = SortOrder.NONE;
        private SortTarget sortTarget = SortTarget.KEY;
        private boolean keysOnly;
        private boolean countOnly;
        private long minModRevision;
        private long maxModRevision;
        private long minCreateRevision;
        private long maxCreateRevision;

        private Builder(Bytes key) {
            this.key = Objects.requireNonNull(key, "key == null");
        }

        public Builder rangeEnd(Bytes v) { this.rangeEnd = v; return this; }
        public Builder limit(long v) { this.limit = v; return this; }
        public Builder revision(long v) { this.revision = v; return this; }
        public Builder sort(SortOrder order, SortTarget target) { this.sortOrder = order; this.sortTarget = target; return this; }
        public Builder keysOnly(boolean v) { this.keysOnly = v; return this; }
        public Builder countOnly(boolean v) { this.countOnly = v; return this; }
        public Builder minModRevision(long v) { this.minModRevision = v; return this; }
        public Builder maxModRevision(long v) { this.maxModRevision = v; return this; }
        public Builder minCreateRevision(long v) { this.minCreateRevision = v; return this; }
        public Builder maxCreateRevision(long v) { this.maxCreateRevision = v; return this; }

        public RangeRequest build() {
            return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, keysOnly, countOnly,
                    minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
        }
    }
}
