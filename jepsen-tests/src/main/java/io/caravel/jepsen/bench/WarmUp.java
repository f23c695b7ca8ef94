package io.caravel.jepsen.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * When {@code compare} may stop warming up: a JVM's JIT keeps compiling for minutes under load, faster
 * or slower with the machine, so a fixed warm-up either wastes time or measures a half-compiled server.
 * After the fixed pass the points are run again in chunks, each (side, point) getting one throughput
 * figure per chunk; the servers are warm once every figure is within {@link #TOLERANCE} of the same
 * figure in the chunk before (a figure of 0, a stalled cluster, is never steady). Not thread-safe: one compare run feeds it.
 */
final class WarmUp {
  /** The largest relative change between two chunks that still counts as steady. */
  static final double TOLERANCE = 0.10;

  private Map<String, Double> previous = Map.of();
  private final Map<String, Double> current = new HashMap<>();
  private int chunks;

  /** Records one (side, point) throughput of the chunk under way. */
  void record(String side, String point, double opsPerSecond) {
    current.put(side + " " + point, opsPerSecond);
  }

  /**
   * Ends the chunk under way: true when every figure of it is within {@link #TOLERANCE} of its
   * figure in the chunk before (so never after the first chunk).
   */
  boolean endChunk() {
    chunks++;
    boolean steady = !previous.isEmpty() && previous.keySet().equals(current.keySet());
    for (Map.Entry<String, Double> e : current.entrySet()) {
      Double before = previous.get(e.getKey());
      if (before == null || e.getValue() <= 0 || !(Math.abs(e.getValue() - before) <= TOLERANCE * before)) {
        steady = false;
      }
    }
    previous = Map.copyOf(current);
    current.clear();
    return steady;
  }

  /** Chunks ended so far. */
  int chunks() {
    return chunks;
  }
}
