package io.caravel.jepsen.bench;

import io.etcd.jetcd.ByteSequence;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The benchmark's keys and values: key {@code i} is {@code bench/} followed by {@code i} zero-padded
 * to the key size (just the padded number when the prefix does not fit), so every key has exactly
 * {@code keySize} bytes and sorts in index order; values are random bytes generated once (etcd's
 * tool does the same), so they do not compress.
 */
public final class KeySpace {

  /** The prefix of every benchmark key. */
  public static final String PREFIX = "bench/";

  private final ByteSequence[] keys;
  private final byte[] value;
  private final ByteSequence valueSeq;

  /** Builds {@code keySpace} keys of {@code keySize} bytes and one value of {@code valueSize} bytes. */
  public KeySpace(int keySpace, int keySize, int valueSize) {
    keys = new ByteSequence[keySpace];
    for (int i = 0; i < keySpace; i++) {
      keys[i] = ByteSequence.from(keyText(i, keySpace, keySize), StandardCharsets.US_ASCII);
    }
    value = new byte[valueSize];
    new Random(0x5eed).nextBytes(value);
    valueSeq = ByteSequence.from(value);
  }

  /** The number of keys. */
  public int size() {
    return keys.length;
  }

  /** Key {@code i}. */
  public ByteSequence key(int i) {
    return keys[i];
  }

  /** The shared value. */
  public ByteSequence value() {
    return valueSeq;
  }

  /** The value with its first 8 bytes replaced by {@code seq} (big-endian), for watch-latency. */
  public ByteSequence valueWithSequence(long seq) {
    byte[] v = value.clone();
    ByteBuffer.wrap(v).putLong(seq);
    return ByteSequence.from(v);
  }

  /** The sequence number {@link #valueWithSequence} put into a value, or -1 if it is too short. */
  public static long sequenceOf(ByteSequence v) {
    byte[] b = v.getBytes();
    return b.length < 8 ? -1 : ByteBuffer.wrap(b).getLong();
  }

  /** The decimal digits needed to number {@code keySpace} keys. */
  public static int digits(int keySpace) {
    return Integer.toString(Math.max(0, keySpace - 1)).length();
  }

  /** The text of key {@code i} of {@code keySpace} keys of {@code keySize} bytes. */
  public static String keyText(int i, int keySpace, int keySize) {
    int digits = digits(keySpace);
    if (keySize < digits) {
      throw new IllegalArgumentException("keys of " + keySize + " bytes cannot number " + keySpace + " keys");
    }
    boolean prefixed = keySize >= PREFIX.length() + digits;
    int width = prefixed ? keySize - PREFIX.length() : keySize;
    String n = Integer.toString(i);
    StringBuilder sb = new StringBuilder(keySize);
    if (prefixed) {
      sb.append(PREFIX);
    }
    sb.append("0".repeat(width - n.length())).append(n);
    return sb.toString();
  }
}
