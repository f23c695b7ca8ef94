package io.caravel.store;

import java.util.Objects;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key the key, never empty
 * @param createRevision the main revision that created the current generation of the key (0 in a delete event)
 * @param modRevision the main revision of this version
 * @param version 1 for a new key, +1 on every put; 0 in a delete event
 * @param value the value (empty in a delete event, or when the read asked for keys only)
 * @param lease the lease id the key is attached to, 0 for none
 */
public record KeyValue(Bytes key, long createRevision, long modRevision, long version, Bytes value, long lease) {
    public KeyValue {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(value, "value == null");
    }

    /** The key-value of a DELETE event: only the key and the delete revision are set. */
    public static KeyValue tombstone(Bytes key, long modRevision) {
        return new KeyValue(key, 0, modRevision, 0, Bytes.EMPTY, 0);
    }

    /** This version without its value (for keys-only reads). */
    public KeyValue withoutValue() {
        return value.isEmpty() ? this : new KeyValue(key, createRevision, modRevision, version, Bytes.EMPTY, lease);
    }
}
