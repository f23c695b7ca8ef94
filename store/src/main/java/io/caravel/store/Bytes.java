package io.caravel.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable byte string, ordered as etcd orders keys: unsigned lexicographic comparison.
 *
 * <p>Keys and values are arbitrary bytes. {@link #wrap(byte[])} takes ownership of the array without
 * a copy (the caller must not modify it afterwards); {@link #copyOf(byte[])} copies. Instances are
 * thread-safe.
 */
public final class Bytes implements Comparable<Bytes> {
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    /** The single zero byte: as a range end it means "every key &gt;= key" (etcd's {@code "\0"}). */
    public static final Bytes ZERO = new Bytes(new byte[] {0});

    private final byte[] bytes;
    private int hash;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps {@code bytes} without copying; the caller gives up the right to modify the array. */
    public static Bytes wrap(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes == null");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes);
    }

    /** Copies {@code bytes}. */
    public static Bytes copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes == null");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /** The UTF-8 encoding of {@code s}. */
    public static Bytes of(String s) {
        return wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public byte byteAt(int i) {
        return bytes[i];
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The backing array itself, for zero-copy hand-off; callers must never modify it. */
    public byte[] unsafeArray() {
        return bytes;
    }

    public String toStringUtf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The end of the range holding every key that starts with this prefix, as etcd's
     * {@code GetPrefixRangeEnd} computes it: the last byte below 0xff is incremented and what follows
     * it dropped; a prefix of only 0xff bytes (or empty) gives {@link #ZERO}, meaning "no upper bound".
     */
    public Bytes prefixEnd() {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if ((bytes[i] & 0xff) != 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return new Bytes(end);
            }
        }
        return ZERO;
    }

    public boolean startsWith(Bytes prefix) {
        return bytes.length >= prefix.bytes.length
                && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && bytes.length > 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** Printable form: ASCII as is, other bytes as {@code \xNN}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(bytes.length + 2).append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }
}
