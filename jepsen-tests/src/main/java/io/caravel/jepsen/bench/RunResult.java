package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurement of one point against one side in one round.
 *
 * @param side which system was driven ({@code caravel}, {@code etcd}, or {@code endpoints} for a
 *     user-given endpoint list)
 * @param point the workload and client count
 * @param round 1-based round number (0 outside {@code compare})
 * @param started when the measurement window opened (ISO-8601)
 * @param seconds the window's length
 * @param ops operations completed in the window (for watch-latency: events received)
 * @param errors operations failed in the window
 * @param warmupErrors operations failed during the warm-up
 * @param latencyMs p50, p90, p99, p99.9 and max latency in ms, and the mean
 * @param cdf the latency distribution as {@code [percentile, ms]} pairs, ascending
 * @param errorSamples up to a few distinct error messages
 * @param nodes per server process: CPU and memory in the window (empty when no process is known)
 * @param clientCpuPercent the load generator's own CPU use in the window, percent of one core
 * @param loadBefore the 1-, 5-, 15-minute load averages at the start of the window
 * @param loadAfter the same at its end
 * @param leader the leader's name at the start (empty when unknown) and whether it changed
 */
public record RunResult(
    String side,
    Point point,
    int round,
    String started,
    double seconds,
    long ops,
    long errors,
    long warmupErrors,
    Latency latencyMs,
    List<double[]> cdf,
    List<String> errorSamples,
    List<NodeUsage> nodes,
    double clientCpuPercent,
    String loadBefore,
    String loadAfter,
    String leader) {

  /** Latency summary in milliseconds. */
  public record Latency(double p50, double p90, double p99, double p999, double max, double mean) {}

  /** Completed operations per second. */
  public double opsPerSecond() {
    return seconds > 0 ? ops / seconds : 0;
  }

  /** The sum of the nodes' CPU seconds over the operations: server CPU microseconds per op. */
  public double serverCpuMicrosPerOp() {
    double cpu = nodes.stream().mapToDouble(NodeUsage::cpuSeconds).sum();
    return ops > 0 && !nodes.isEmpty() ? cpu * 1e6 / ops : Double.NaN;
  }

  /** As a JSON object. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("side", side);
    m.put("point", point.toString());
    m.put("round", round);
    m.put("started", started);
    m.put("seconds", seconds);
    m.put("ops", ops);
    m.put("ops-per-second", opsPerSecond());
    m.put("errors", errors);
    m.put("warmup-errors", warmupErrors);
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("p50", latencyMs.p50());
    l.put("p90", latencyMs.p90());
    l.put("p99", latencyMs.p99());
    l.put("p99.9", latencyMs.p999());
    l.put("max", latencyMs.max());
    l.put("mean", latencyMs.mean());
    m.put("latency-ms", l);
    m.put("server-cpu-us-per-op", serverCpuMicrosPerOp());
    m.put("client-cpu-percent", clientCpuPercent);
    m.put("load-before", loadBefore);
    m.put("load-after", loadAfter);
    m.put("leader", leader);
    m.put("nodes", nodes.stream().map(NodeUsage::toMap).toList());
    m.put("error-samples", errorSamples);
    List<List<Double>> c = new ArrayList<>();
    for (double[] p : cdf) {
      c.add(List.of(round4(p[0]), round4(p[1])));
    }
    m.put("cdf", c);
    return m;
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /** From {@link #toMap()}'s shape (as {@link JsonReader} returns it). */
  @SuppressWarnings("unchecked")
  public static RunResult fromMap(Map<String, Object> m) {
    Map<String, Object> l = (Map<String, Object>) m.get("latency-ms");
    Latency lat = new Latency(NodeUsage.num(l, "p50"), NodeUsage.num(l, "p90"), NodeUsage.num(l, "p99"),
        NodeUsage.num(l, "p99.9"), NodeUsage.num(l, "max"), NodeUsage.num(l, "mean"));
    List<double[]> cdf = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("cdf", List.of())) {
      List<Object> pair = (List<Object>) o;
      cdf.add(new double[] {((Number) pair.get(0)).doubleValue(), ((Number) pair.get(1)).doubleValue()});
    }
    List<NodeUsage> nodes = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("nodes", List.of())) {
      nodes.add(NodeUsage.fromMap((Map<String, Object>) o));
    }
    List<String> errs = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("error-samples", List.of())) {
      errs.add(String.valueOf(o));
    }
    return new RunResult((String) m.get("side"), Point.parse((String) m.get("point")),
        ((Number) m.get("round")).intValue(), String.valueOf(m.get("started")), NodeUsage.num(m, "seconds"),
        ((Number) m.get("ops")).longValue(), ((Number) m.get("errors")).longValue(),
        ((Number) m.getOrDefault("warmup-errors", 0L)).longValue(), lat, cdf, errs, nodes,
        NodeUsage.num(m, "client-cpu-percent"), String.valueOf(m.getOrDefault("load-before", "?")),
        String.valueOf(m.getOrDefault("load-after", "?")), String.valueOf(m.getOrDefault("leader", "")));
  }
}
