package io.caravel.apiserver.storage;

import java.util.Objects;

/**
 * One change seen by a watch: etcd's {@code mvccpb.Event}.
 *
 * @param type   PUT (creation or update) or DELETE
 * @param kv     for PUT the new key-value; for DELETE the key with {@code modRevision} = the deletion revision and
 *               an empty value
 * @param prevKv the key-value before the change, or {@code null} when the key did not exist (a creation) or the
 *               store no longer has it
 */
public record KvEvent(Type type, KeyValue kv, KeyValue prevKv) {
    public KvEvent {
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(kv, "kv == null");
    }

    /** etcd's event types. */
    public enum Type { PUT, DELETE }

    /** The revision of the change. */
    public long revision() {
        return kv.modRevision();
    }
}
