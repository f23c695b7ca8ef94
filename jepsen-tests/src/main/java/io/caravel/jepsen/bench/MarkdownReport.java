package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a comparison (or a single-side run) as Markdown tables. Stateless. */
public final class MarkdownReport {

  private MarkdownReport() {}

  /**
   * The comparison report: what ran, the summary table, resources, and every round.
   *
   * @param meta the run's description ({@code command}, {@code date}, {@code machine}, {@code
   *     caravel}, {@code etcd}, {@code durability}, {@code settings}; missing keys are left out)
   * @param runs every measurement, both sides
   */
  public static String compare(Map<String, Object> meta, List<RunResult> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("### Caravel vs etcd\n\n");
    for (String k : List.of("command", "date", "machine", "caravel", "etcd", "durability", "settings", "warm-up")) {
      Object v = meta.get(k);
      if (v != null) {
        sb.append("- ").append(k).append(": ").append(k.equals("command") ? "`" + v + "`" : v).append('\n');
      }
    }
    sb.append("- load average (1 min) during the measurement windows: ").append(loadRange(runs)).append('\n');
    sb.append('\n');
    List<Comparison.Row> rows = Comparison.rows(runs);
    sb.append(summaryTable(rows)).append('\n');
    sb.append(resourceTable(rows)).append('\n');
    sb.append(roundsTable(runs));
    return sb.toString();
  }

  /** The main table: medians, ratio of medians and the per-round ratio spread, for ops/s and p99. */
  public static String summaryTable(List<Comparison.Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| point | rounds | Caravel ops/s | etcd ops/s | Caravel/etcd ops/s (per-round min–max) "
        + "| Caravel p50 ms | etcd p50 ms | Caravel p99 ms | etcd p99 ms | Caravel/etcd p99 (min–max) |\n");
    sb.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---|\n");
    for (Comparison.Row r : rows) {
      sb.append("| ").append(label(r.point())).append(" | ").append(r.rounds())
          .append(" | ").append(ops(r.a().opsPerSecond())).append(errorsNote(r.a()))
          .append(" | ").append(ops(r.b().opsPerSecond())).append(errorsNote(r.b()))
          .append(" | **").append(ratio(r.opsRatio())).append("×** (").append(range(r.opsRatioSpread())).append(')')
          .append(" | ").append(latency(r.a().p50())).append(" | ").append(latency(r.b().p50()))
          .append(" | ").append(latency(r.a().p99())).append(" | ").append(latency(r.b().p99()))
          .append(" | ").append(ratio(r.p99Ratio())).append("× (").append(range(r.p99RatioSpread())).append(")")
          .append(" |\n");
    }
    return sb.toString();
  }

  /** CPU and memory per node (leader first), and server CPU per operation. */
  public static String resourceTable(List<Comparison.Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| point | Caravel CPU % per node | etcd CPU % per node | Caravel CPU µs/op | etcd CPU µs/op "
        + "| Caravel RSS MiB per node | etcd RSS MiB per node |\n");
    sb.append("|---|---|---|---:|---:|---|---|\n");
    for (Comparison.Row r : rows) {
      sb.append("| ").append(label(r.point()))
          .append(" | ").append(perNode(r.a().cpuPercentPerNode())).append(" | ").append(perNode(r.b().cpuPercentPerNode()))
          .append(" | ").append(fixed(r.a().cpuMicrosPerOp(), 0)).append(" | ").append(fixed(r.b().cpuMicrosPerOp(), 0))
          .append(" | ").append(perNode(r.a().rssMiBPerNode())).append(" | ").append(perNode(r.b().rssMiBPerNode()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** Every measurement, in the order taken. */
  public static String roundsTable(List<RunResult> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("| round | point | side | ops/s | p50 ms | p90 ms | p99 ms | max ms | errors | leader | load before → after |\n");
    sb.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (RunResult r : runs) {
      sb.append("| ").append(r.round()).append(" | ").append(r.point()).append(" | ").append(r.side())
          .append(" | ").append(ops(r.opsPerSecond())).append(" | ").append(latency(r.latencyMs().p50()))
          .append(" | ").append(latency(r.latencyMs().p90())).append(" | ").append(latency(r.latencyMs().p99()))
          .append(" | ").append(latency(r.latencyMs().max())).append(" | ").append(r.errors())
          .append(" | ").append(r.leader().isEmpty() ? "–" : r.leader())
          .append(" | ").append(first(r.loadBefore())).append(" → ").append(first(r.loadAfter())).append(" |\n");
    }
    return sb.toString();
  }

  /** A single-side run (no comparison): one line per point. */
  public static String single(List<RunResult> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("| point | ops/s | p50 ms | p90 ms | p99 ms | max ms | errors | CPU % per node | CPU µs/op | RSS MiB per node | client CPU % |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|\n");
    for (RunResult r : runs) {
      List<NodeUsage> nodes = Comparison.leaderFirst(r.nodes());
      sb.append("| ").append(r.point()).append(" | ").append(ops(r.opsPerSecond()))
          .append(" | ").append(latency(r.latencyMs().p50())).append(" | ").append(latency(r.latencyMs().p90()))
          .append(" | ").append(latency(r.latencyMs().p99())).append(" | ").append(latency(r.latencyMs().max()))
          .append(" | ").append(r.errors())
          .append(" | ").append(perNode(nodes.stream().map(NodeUsage::cpuPercent).toList()))
          .append(" | ").append(fixed(r.serverCpuMicrosPerOp(), 0))
          .append(" | ").append(perNode(nodes.stream().map(NodeUsage::rssMiB).toList()))
          .append(" | ").append(fixed(r.clientCpuPercent(), 0)).append(" |\n");
    }
    return sb.toString();
  }

  /** The lowest and highest 1-minute load average seen at the start or end of a window. */
  public static String loadRange(List<RunResult> runs) {
    List<Double> loads = new ArrayList<>();
    for (RunResult r : runs) {
      for (String l : List.of(r.loadBefore(), r.loadAfter())) {
        try {
          loads.add(Double.parseDouble(first(l)));
        } catch (NumberFormatException e) {
          // "?"
        }
      }
    }
    Stats.Range range = Stats.spread(loads);
    if (Double.isNaN(range.min())) {
      return "unknown";
    }
    return String.format(Locale.ROOT, "%.1f–%.1f (median %.1f) on %d cores", range.min(), range.max(),
        Stats.median(loads), Runtime.getRuntime().availableProcessors());
  }

  static String label(Point p) {
    return p.workload().cliName() + ", " + p.clients() + (p.workload() == Workload.WATCH_LATENCY ? " watchers" : p.clients() == 1 ? " client" : " clients");
  }

  private static String errorsNote(Comparison.Side s) {
    return s.errors() > 0 ? " (" + s.errors() + " errors)" : "";
  }

  private static String first(String load) {
    int sp = load.indexOf(' ');
    return sp < 0 ? load : load.substring(0, sp);
  }

  static String ops(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.0f", v) : "–";
  }

  static String latency(double ms) {
    if (!Double.isFinite(ms)) {
      return "–";
    }
    return ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : ms >= 10 ? String.format(Locale.ROOT, "%.1f", ms)
        : String.format(Locale.ROOT, "%.2f", ms);
  }

  static String ratio(double r) {
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "–";
  }

  static String range(Stats.Range r) {
    return Double.isFinite(r.min()) ? ratio(r.min()) + "–" + ratio(r.max()) : "–";
  }

  static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "–";
  }

  private static String perNode(List<Double> values) {
    if (values.isEmpty()) {
      return "–";
    }
    return values.stream().map(v -> fixed(v, 0)).collect(Collectors.joining(" / "));
  }
}
