package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The rows of a comparison: for each point, the medians of each side over the rounds, the ratio of
 * the medians (side A over side B, Caravel over etcd) and the spread of the per-round ratios.
 */
public final class Comparison {

  /** The label of side A. */
  public static final String A = "caravel";
  /** The label of side B. */
  public static final String B = "etcd";

  private Comparison() {}

  /**
   * One point's summary.
   *
   * @param point the point
   * @param rounds the number of rounds in which both sides were measured
   * @param a side A's medians
   * @param b side B's medians
   * @param opsRatio median ops/s of A over median ops/s of B
   * @param opsRatioSpread min–max of the per-round ratios A/B of ops/s
   * @param p99Ratio median p99 of A over median p99 of B (below 1: A's tail is shorter)
   * @param p99RatioSpread min–max of the per-round p99 ratios
   */
  public record Row(Point point, int rounds, Side a, Side b, double opsRatio, Stats.Range opsRatioSpread,
      double p99Ratio, Stats.Range p99RatioSpread) {}

  /**
   * One side's medians over the rounds.
   *
   * @param opsPerSecond median ops/s
   * @param p50 median p50 latency, ms
   * @param p99 median p99 latency, ms
   * @param max median max latency, ms
   * @param errors errors summed over the rounds
   * @param cpuPercentPerNode median CPU percent of each node, leader first
   * @param rssMiBPerNode median resident memory of each node, leader first
   * @param cpuMicrosPerOp median server CPU microseconds per operation (all nodes)
   */
  public record Side(double opsPerSecond, double p50, double p99, double max, long errors,
      List<Double> cpuPercentPerNode, List<Double> rssMiBPerNode, double cpuMicrosPerOp) {}

  /** The rows for all points in {@code runs}, in the order points first appear. */
  public static List<Row> rows(List<RunResult> runs) {
    Map<Point, List<RunResult>> byPoint = new LinkedHashMap<>();
    for (RunResult r : runs) {
      byPoint.computeIfAbsent(r.point(), k -> new ArrayList<>()).add(r);
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Point, List<RunResult>> e : byPoint.entrySet()) {
      rows.add(row(e.getKey(), e.getValue()));
    }
    return rows;
  }

  /** The row of one point from its runs (both sides, any rounds). */
  public static Row row(Point point, List<RunResult> runs) {
    Map<Integer, RunResult> a = new TreeMap<>();
    Map<Integer, RunResult> b = new TreeMap<>();
    for (RunResult r : runs) {
      if (r.side().equals(A)) {
        a.put(r.round(), r);
      } else if (r.side().equals(B)) {
        b.put(r.round(), r);
      }
    }
    List<Double> aOps = new ArrayList<>();
    List<Double> bOps = new ArrayList<>();
    List<Double> aP99 = new ArrayList<>();
    List<Double> bP99 = new ArrayList<>();
    for (int round : a.keySet()) {
      RunResult rb = b.get(round);
      if (rb == null) {
        continue;
      }
      RunResult ra = a.get(round);
      aOps.add(ra.opsPerSecond());
      bOps.add(rb.opsPerSecond());
      aP99.add(ra.latencyMs().p99());
      bP99.add(rb.latencyMs().p99());
    }
    Side sa = side(new ArrayList<>(a.values()));
    Side sb = side(new ArrayList<>(b.values()));
    return new Row(point, aOps.size(), sa, sb, Stats.ratio(sa.opsPerSecond(), sb.opsPerSecond()),
        Stats.spread(Stats.pairRatios(aOps, bOps)), Stats.ratio(sa.p99(), sb.p99()),
        Stats.spread(Stats.pairRatios(aP99, bP99)));
  }

  static Side side(List<RunResult> runs) {
    return new Side(med(runs, RunResult::opsPerSecond), med(runs, r -> r.latencyMs().p50()),
        med(runs, r -> r.latencyMs().p99()), med(runs, r -> r.latencyMs().max()),
        runs.stream().mapToLong(RunResult::errors).sum(), perNode(runs, NodeUsage::cpuPercent),
        perNode(runs, NodeUsage::rssMiB), med(runs, RunResult::serverCpuMicrosPerOp));
  }

  private static double med(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
    return Stats.median(runs.stream().map(r -> f.applyAsDouble(r)).toList());
  }

  /** The leader first, then the others by name. */
  static List<NodeUsage> leaderFirst(List<NodeUsage> nodes) {
    return nodes.stream().sorted(Comparator.comparing((NodeUsage n) -> !n.role().equals("leader"))
        .thenComparing(NodeUsage::name)).toList();
  }

  private static List<Double> perNode(List<RunResult> runs, ToDoubleFunction<NodeUsage> f) {
    int n = runs.stream().mapToInt(r -> r.nodes().size()).max().orElse(0);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Double> v = new ArrayList<>();
      for (RunResult r : runs) {
        List<NodeUsage> ordered = leaderFirst(r.nodes());
        if (i < ordered.size()) {
          v.add(f.applyAsDouble(ordered.get(i)));
        }
      }
      out.add(Stats.median(v));
    }
    return out;
  }
}
