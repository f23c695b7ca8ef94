package io.caravel.jepsen.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * When {@code compare} may stop warming Caravel up: a JVM's JIT keeps compiling for minutes under load,
 * faster or slower with the machine, so a fixed warm-up either wastes time or measures a half-compiled
 * server. After the fixed pass the points are run again in chunks, each point getting one throughput
 * figure per chunk; the server is warm once every figure is within {@link #TOLERANCE} of the same
 * point's figure in the chunk before (a figure of 0, a stalled cluster, is never steady). Not
 * thread-safe: one compare run feeds it.
 */
final class WarmUp {
  /** The largest relative change between two chunks that still counts as steady. */
  static final double TOLERANCE = 0.10;

  private Map<String, Double> previous = Map.of();
  private final Map<String, Double> current = new HashMap<>();

  /** Records one point's throughput in the chunk under way. */
  void record(String point, double opsPerSecond) {
    current.put(point, opsPerSecond);
  }

  /**
   * Ends the chunk under way: true when it has the same points as the chunk before and every figure is
   * within {@link #TOLERANCE} of that chunk's (so never after the first chunk).
   */
  boolean endChunk() {
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
}
