package io.caravel.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.Json;

/**
 * An object as read from the store: its key, the decoded tree with {@code metadata.resourceVersion} set to the
 * key's mod revision, and its compact JSON (computed once, on first use). The tree is shared between readers
 * (the watch cache hands the same instance to every watcher) and must never be modified: use {@link #copy()}.
 */
public final class StoredObject {
    private final String key;
    private final ObjectNode object;
    private final long modRevision;
    private volatile byte[] json;

    public StoredObject(String key, ObjectNode object, long modRevision) {
        this.key = key;
        this.object = object;
        this.modRevision = modRevision;
    }

    /** Decodes a stored key-value (the stored bytes never carry a resourceVersion; it is the mod revision). */
    public static StoredObject decode(KeyValue kv) {
        ObjectNode o = Json.parseStored(kv.value());
        o.withObject("/metadata").put("resourceVersion", Long.toString(kv.modRevision()));
        return new StoredObject(kv.key(), o, kv.modRevision());
    }

    /** The same object as it was at a deletion revision (a DELETED event carries the deletion's revision). */
    public StoredObject atRevision(long revision) {
        ObjectNode o = object.deepCopy();
        o.withObject("/metadata").put("resourceVersion", Long.toString(revision));
        return new StoredObject(key, o, revision);
    }

    public String key() {
        return key;
    }

    /** The shared, read-only tree. */
    public ObjectNode object() {
        return object;
    }

    /** A private, modifiable copy of the tree. */
    public ObjectNode copy() {
        return object.deepCopy();
    }

    public long modRevision() {
        return modRevision;
    }

    /** Compact JSON of the object. */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            j = Json.bytes(object);
            json = j;
        }
        return j;
    }
}
