package io.caravel.apiserver.storage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One key as an etcd v3 store holds it at some revision: etcd's {@code mvccpb.KeyValue}. Keys are UTF-8
 * strings (the API server's keys are {@code /registry/...} paths). The value array is owned by this record
 * and must not be modified.
 *
 * @param key            the key
 * @param value          the value bytes (empty for a deletion event)
 * @param createRevision the revision of the last creation of the key
 * @param modRevision    the revision of the last modification (or the deletion, in a DELETE event)
 * @param version        etcd's per-key version (1 on creation, +1 on each put; 0 in a DELETE event)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {
    public KeyValue {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(value, "value == null");
    }

    /** The value decoded as UTF-8 (for tests and logs). */
    public String valueUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && kv.key.equals(key) && java.util.Arrays.equals(kv.value, value)
                && kv.createRevision == createRevision && kv.modRevision == modRevision && kv.version == version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, java.util.Arrays.hashCode(value), createRevision, modRevision, version);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + ", " + value.length + " bytes, create " + createRevision + ", mod " + modRevision
                + ", version " + version + "]";
    }
}
