package io.caravel.jepsen.workload;

import java.util.Random;

/**
 * The keys a workload spreads its operations over: a window of {@code active} keys, each used for at
 * most {@code opsPerKey} operations and then replaced by a fresh key (Jepsen's {@code independent}
 * with {@code --ops-per-key}). Bounding the operations per key keeps every per-key linearizability
 * search small; many keys keep the history long. Keys are numbered 0, 1, 2, ... Thread-safe.
 */
public final class KeyPool {

  private final int opsPerKey;
  private final long[] keys;
  private final int[] used;
  private long next;

  /** A pool of {@code active} keys at a time, each for {@code opsPerKey} operations. */
  public KeyPool(int active, int opsPerKey) {
    if (active < 1 || opsPerKey < 1) {
      throw new IllegalArgumentException("active and opsPerKey must be positive");
    }
    this.opsPerKey = opsPerKey;
    this.keys = new long[active];
    this.used = new int[active];
    for (int i = 0; i < active; i++) {
      keys[i] = next++;
    }
  }

  /** A key for one more operation. */
  public synchronized long pick(Random random) {
    int slot = random.nextInt(keys.length);
    long key = keys[slot];
    if (++used[slot] >= opsPerKey) {
      keys[slot] = next++;
      used[slot] = 0;
    }
    return key;
  }

  /** How many distinct keys were handed out or are active (keys 0 .. count-1). */
  public synchronized long count() {
    return next;
  }
}
