package io.caravel.store;

import java.util.Objects;

/** etcd's {@code DeleteRangeRequest}: delete every key of {@link KeyRange [key, rangeEnd)}. */
public record DeleteRangeRequest(Bytes key, Bytes rangeEnd, boolean prevKv) implements Op, Mutation {
    public DeleteRangeRequest {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(rangeEnd, "rangeEnd == null");
    }

    public static DeleteRangeRequest key(Bytes key) {
        return new DeleteRangeRequest(key, Bytes.EMPTY, false);
    }

    public static DeleteRangeRequest prefix(Bytes prefix) {
        return new DeleteRangeRequest(prefix, prefix.prefixEnd(), false);
    }

    public KeyRange keyRange() {
        return new KeyRange(key, rangeEnd);
    }
}
