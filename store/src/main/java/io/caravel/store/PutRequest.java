package io.caravel.store;

import java.util.Objects;

/**
 * etcd's {@code PutRequest}.
 *
 * @param lease attach the key to this lease (0: none); the lease must exist
 * @param prevKv return the version this put replaces
 * @param ignoreValue keep the current value (the key must exist, {@code value} must be empty)
 * @param ignoreLease keep the current lease (the key must exist, {@code lease} must be 0)
 */
public record PutRequest(Bytes key, Bytes value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
        implements Op, Mutation {
    public PutRequest {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(value, "value == null");
    }

    public static PutRequest of(Bytes key, Bytes value) {
        return new PutRequest(key, value, 0, false, false, false);
    }

    public static PutRequest of(String key, String value) {
        return of(Bytes.of(key), Bytes.of(value));
    }

    public PutRequest withLease(long leaseId) {
        return new PutRequest(key, value, leaseId, prevKv, ignoreValue, ignoreLease);
    }

    public PutRequest withPrevKv() {
        return new PutRequest(key, value, lease, true, ignoreValue, ignoreLease);
    }
}
