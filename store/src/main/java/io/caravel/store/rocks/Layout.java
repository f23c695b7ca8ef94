package io.caravel.store.rocks;

import io.caravel.store.Bytes;
import io.caravel.store.KeyValue;
import io.caravel.store.Lease;
import io.caravel.store.LogPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The on-disk layout: column families and their key/value encodings. All integers are big-endian so
 * that RocksDB's bytewise order is numeric order.
 *
 * <pre>
 * default    meta: "format", "applied" (term, index), "revision", "compact", "compact.cursor"
 * latest     user key                          -&gt; create, mod, version, lease, value   (live keys only)
 * history    main(8) sub(8)                    -&gt; flags, create, version, lease, keyLen(4), key, value
 * key_index  esc(user key) 00 01 ~main(8)      -&gt; sub(8), flags                         (newest first)
 * lease      id ^ MIN(8)                       -&gt; ttl(8), remaining(8)
 * lease_key  id ^ MIN(8) user key              -&gt; (empty)
 * </pre>
 *
 * <p>{@code esc} doubles every 0x00 byte as {@code 00 FF} and ends the key with {@code 00 01}, which
 * keeps user-key order and lets a seek to {@code esc(k) 00 01 ~R} land on the newest version of
 * {@code k} at or below revision {@code R}; {@code esc(k) 00 02} is the first index key after every
 * version of {@code k}. Stateless; thread-safe.
 */
final class Layout {
    static final String CF_LATEST = "latest";
    static final String CF_HISTORY = "history";
    static final String CF_KEY_INDEX = "key_index";
    static final String CF_LEASE = "lease";
    static final String CF_LEASE_KEY = "lease_key";

    static final byte[] META_FORMAT = ascii("format");
    static final byte[] META_APPLIED = ascii("applied");
    static final byte[] META_REVISION = ascii("revision");
    static final byte[] META_COMPACT = ascii("compact");
    static final byte[] META_COMPACT_CURSOR = ascii("compact.cursor");
    /** Bumped on any incompatible change of this layout; a store of another format refuses to open. */
    static final byte[] FORMAT_V1 = ascii("caravel-store-v1");

    static final byte FLAG_TOMBSTONE = 1;

    private Layout() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- numbers ------------------------------------------------------------------------------

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    static byte[] position(LogPosition p) {
        return ByteBuffer.allocate(16).putLong(p.term()).putLong(p.index()).array();
    }

    static LogPosition position(byte[] b) {
        return new LogPosition(readLong(b, 0), readLong(b, 8));
    }

    // ---- history ------------------------------------------------------------------------------

    static byte[] revKey(long main, long sub) {
        return ByteBuffer.allocate(16).putLong(main).putLong(sub).array();
    }

    static long revMain(byte[] revKey) {
        return readLong(revKey, 0);
    }

    static long revSub(byte[] revKey) {
        return readLong(revKey, 8);
    }

    /** A history record: the version written at (main, sub), or a tombstone. */
    record HistoryRecord(long main, long sub, boolean tombstone, KeyValue kv) {
    }

    static byte[] historyValue(KeyValue kv, boolean tombstone) {
        byte[] key = kv.key().unsafeArray();
        byte[] value = kv.value().unsafeArray();
        return ByteBuffer.allocate(1 + 24 + 4 + key.length + value.length)
                .put(tombstone ? FLAG_TOMBSTONE : 0)
                .putLong(kv.createRevision()).putLong(kv.version()).putLong(kv.lease())
                .putInt(key.length).put(key).put(value)
                .array();
    }

    static HistoryRecord historyRecord(byte[] revKey, byte[] v) {
        long main = revMain(revKey);
        long sub = revSub(revKey);
        boolean tombstone = (v[0] & FLAG_TOMBSTONE) != 0;
        long create = readLong(v, 1);
        long version = readLong(v, 9);
        long lease = readLong(v, 17);
        int keyLen = ByteBuffer.wrap(v, 25, 4).getInt();
        Bytes key = Bytes.wrap(Arrays.copyOfRange(v, 29, 29 + keyLen));
        Bytes value = Bytes.wrap(Arrays.copyOfRange(v, 29 + keyLen, v.length));
        KeyValue kv = tombstone ? KeyValue.tombstone(key, main) : new KeyValue(key, create, main, version, value, lease);
        return new HistoryRecord(main, sub, tombstone, kv);
    }

    // ---- latest -------------------------------------------------------------------------------

    static byte[] latestValue(KeyValue kv) {
        byte[] value = kv.value().unsafeArray();
        return ByteBuffer.allocate(32 + value.length)
                .putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version()).putLong(kv.lease())
                .put(value)
                .array();
    }

    static KeyValue latestKv(Bytes key, byte[] v) {
        return new KeyValue(key, readLong(v, 0), readLong(v, 8), readLong(v, 16),
                Bytes.wrap(Arrays.copyOfRange(v, 32, v.length)), readLong(v, 24));
    }

    // ---- key index ----------------------------------------------------------------------------

    /** {@code esc(key) 00 01}: the common prefix of every index entry of {@code key}. */
    static byte[] indexPrefix(Bytes key) {
        byte[] k = key.unsafeArray();
        int zeros = 0;
        for (byte b : k) {
            if (b == 0) {
                zeros++;
            }
        }
        byte[] out = new byte[k.length + zeros + 2];
        int j = 0;
        for (byte b : k) {
            out[j++] = b;
            if (b == 0) {
                out[j++] = (byte) 0xff;
            }
        }
        out[j++] = 0;
        out[j] = 1;
        return out;
    }

    /** The first index key at or after every version of every key &gt;= {@code key}: {@code esc(key)}. */
    static byte[] indexSeekFrom(Bytes key) {
        byte[] p = indexPrefix(key);
        return Arrays.copyOf(p, p.length - 2);
    }

    /** The first index key after every version of {@code key}: {@code esc(key) 00 02}. */
    static byte[] indexAfter(Bytes key) {
        byte[] p = indexPrefix(key);
        p[p.length - 1] = 2;
        return p;
    }

    /** The index entry of {@code key} at main revision {@code main}; also the seek target for "newest at or below main". */
    static byte[] indexKey(Bytes key, long main) {
        byte[] p = indexPrefix(key);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(~main).array();
    }

    /** The user key of an index entry. */
    static Bytes indexUserKey(byte[] indexKey) {
        int end = indexKey.length - 10; // strip 00 01 and the 8-byte revision
        byte[] out = new byte[end];
        int j = 0;
        for (int i = 0; i < end; i++) {
            out[j++] = indexKey[i];
            if (indexKey[i] == 0) {
                i++; // skip the escape byte 0xff
            }
        }
        return Bytes.wrap(j == out.length ? out : Arrays.copyOf(out, j));
    }

    static long indexMain(byte[] indexKey) {
        return ~readLong(indexKey, indexKey.length - 8);
    }

    static byte[] indexValue(long sub, boolean tombstone) {
        return ByteBuffer.allocate(9).putLong(sub).put(tombstone ? FLAG_TOMBSTONE : 0).array();
    }

    static long indexSub(byte[] v) {
        return readLong(v, 0);
    }

    static boolean indexTombstone(byte[] v) {
        return (v[8] & FLAG_TOMBSTONE) != 0;
    }

    static boolean hasPrefix(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    // ---- leases -------------------------------------------------------------------------------

    static byte[] leaseKey(long id) {
        return longBytes(id ^ Long.MIN_VALUE);
    }

    static long leaseId(byte[] leaseKey) {
        return readLong(leaseKey, 0) ^ Long.MIN_VALUE;
    }

    static byte[] leaseValue(Lease lease) {
        return ByteBuffer.allocate(16).putLong(lease.ttlSeconds()).putLong(lease.remainingTtlSeconds()).array();
    }

    static Lease lease(long id, byte[] v) {
        return new Lease(id, readLong(v, 0), readLong(v, 8));
    }

    static byte[] leaseKeyEntry(long id, Bytes key) {
        byte[] k = key.unsafeArray();
        return ByteBuffer.allocate(8 + k.length).putLong(id ^ Long.MIN_VALUE).put(k).array();
    }

    static Bytes leaseKeyEntryKey(byte[] entry) {
        return Bytes.wrap(Arrays.copyOfRange(entry, 8, entry.length));
    }
}
