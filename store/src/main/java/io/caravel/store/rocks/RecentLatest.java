package io.caravel.store.rocks;

import io.caravel.store.Bytes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The committed {@code latest} column-family values of recently applied keys (null: the key does not
 * exist), so that a put whose key was written or read by a recent batch finds its previous version
 * without a RocksDB read. Least recently used entries go once the total exceeds the byte budget.
 *
 * <p>Contract: used by the apply thread only (not thread-safe). Every value it holds equals what the
 * database holds for the key as of the last committed batch, because the only writer of {@code latest}
 * is the apply path, which calls {@link #committed} with everything its batch read or wrote, after
 * {@code db.write} succeeded and before the next batch. A store that is replaced (snapshot install,
 * restore) comes with a new, empty instance.
 */
final class RecentLatest {
    /** A map entry's bookkeeping cost on top of key and value bytes (object headers, references). */
    private static final int ENTRY_OVERHEAD = 96;
    /** What {@link #lookup} returns for a key the cache does not know. */
    static final byte[] UNKNOWN = new byte[0];
    /** Stored for a key known not to exist (a map value cannot be null: a null from the map means "unknown"). */
    private static final byte[] ABSENT = new byte[0];

    private final long budgetBytes;
    private long usedBytes;
    private final LinkedHashMap<Bytes, byte[]> entries = new LinkedHashMap<>(1024, 0.75f, true);

    RecentLatest(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * One hash lookup: the key's committed value, null when the key is known not to exist, or
     * {@link #UNKNOWN} (compare by identity) when the cache does not know the key.
     */
    byte[] lookup(Bytes key) {
        byte[] v = entries.get(key);
        return v == null ? UNKNOWN : v == ABSENT ? null : v;
    }

    /** A batch was committed; {@code seen} holds its final view of every key it read or wrote in {@code latest}. */
    void committed(Map<Bytes, byte[]> seen) {
        if (budgetBytes <= 0) {
            return;
        }
        for (Map.Entry<Bytes, byte[]> e : seen.entrySet()) {
            Bytes key = e.getKey();
            byte[] value = e.getValue() == null ? ABSENT : e.getValue();
            byte[] old = entries.put(key, value);
            if (old != null) {
                usedBytes -= old.length;
            } else {
                usedBytes += ENTRY_OVERHEAD + key.size();
            }
            usedBytes += value.length;
        }
        var it = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && it.hasNext()) {
            Map.Entry<Bytes, byte[]> eldest = it.next();
            usedBytes -= ENTRY_OVERHEAD + eldest.getKey().size() + eldest.getValue().length;
            it.remove();
        }
    }

    int size() {
        return entries.size();
    }
}
