package io.caravel.jepsen.checker;

import java.util.Arrays;

/**
 * Lowe's memo: the set of configurations (linearized-operation bitset, model state) the search has
 * already visited. An open-addressing hash set; the bitset's hash is supplied by the caller
 * (maintained incrementally), so a lookup costs a state hash plus, on a hash match, an array and a
 * state comparison. Not thread-safe: one per partition search.
 */
final class ConfigCache {

  /** Table sizes stop doubling here; beyond it the search is hopeless anyway. */
  private static final int MAX_CAPACITY = 1 << 29;

  private long[] hashes;
  private long[][] bitsets;
  private Object[] states;
  private int size;

  ConfigCache() {
    allocate(1 << 10);
  }

  /** Number of configurations stored. */
  int size() {
    return size;
  }

  /**
   * Adds the configuration unless present.
   *
   * @param bits the linearized set (copied if stored; the caller may keep mutating it)
   * @param bitsHash the hash of {@code bits}, consistent with {@link java.util.Arrays#equals}
   * @param state the model state, with consistent equals/hashCode
   * @return true if it was new and has been added, false if it had been visited
   * @throws SearchSpaceExhaustedException if the table cannot grow any further
   */
  boolean add(long[] bits, long bitsHash, Object state) {
    long h = mix(bitsHash ^ (state.hashCode() * 0x9E3779B97F4A7C15L));
    int mask = bitsets.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (bitsets[i] != null) {
      if (hashes[i] == h && Arrays.equals(bitsets[i], bits) && states[i].equals(state)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    hashes[i] = h;
    bitsets[i] = bits.clone();
    states[i] = state;
    if (++size * 2 > bitsets.length) {
      grow();
    }
    return true;
  }

  private void grow() {
    if (bitsets.length >= MAX_CAPACITY) {
      throw new SearchSpaceExhaustedException(size);
    }
    long[] oldHashes = hashes;
    long[][] oldBitsets = bitsets;
    Object[] oldStates = states;
    allocate(bitsets.length * 2);
    int mask = bitsets.length - 1;
    for (int j = 0; j < oldBitsets.length; j++) {
      if (oldBitsets[j] != null) {
        long h = oldHashes[j];
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (bitsets[i] != null) {
          i = (i + 1) & mask;
        }
        hashes[i] = h;
        bitsets[i] = oldBitsets[j];
        states[i] = oldStates[j];
      }
    }
  }

  private void allocate(int capacity) {
    hashes = new long[capacity];
    bitsets = new long[capacity][];
    states = new Object[capacity];
  }

  /** SplitMix64's finaliser: a good 64-bit mixing function. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The memo reached its maximum size. */
  static final class SearchSpaceExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SearchSpaceExhaustedException(int size) {
      super("memo full at " + size + " configurations", null, false, false);
    }
  }
}
