package io.caravel.store;

import java.util.Objects;

/**
 * A change made by one write, as etcd's {@code mvccpb.Event}: a PUT carries the new version, a DELETE
 * carries {@link KeyValue#tombstone a tombstone} with the delete revision. {@code prevKv} is the
 * version the change replaced, or null when there was none or it was not asked for.
 */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {
    public enum Type { PUT, DELETE }

    public Event {
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(kv, "kv == null");
    }

    /** The main revision of the change. */
    public long revision() {
        return kv.modRevision();
    }

    public Event withoutPrevKv() {
        return prevKv == null ? this : new Event(type, kv, null);
    }
}
