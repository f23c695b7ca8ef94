package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.List;

/** Made-up results for the tests of the non-timing parts. */
final class Fixtures {

  private Fixtures() {}

  /** A run of {@code ops} operations in 10 s with the given p99 and three nodes. */
  static RunResult run(String side, String point, int round, long ops, double p99) {
    List<double[]> cdf = new ArrayList<>();
    cdf.add(new double[] {0, p99 / 20});
    cdf.add(new double[] {50, p99 / 4});
    cdf.add(new double[] {90, p99 / 2});
    cdf.add(new double[] {99, p99});
    cdf.add(new double[] {100, p99 * 2});
    List<NodeUsage> nodes = List.of(
        new NodeUsage("n2", "follower", 3.0, 30.0, 200, 210),
        new NodeUsage("n1", "leader", 6.0, 60.0 + round, 250, 260),
        new NodeUsage("n3", "follower", 2.0, 20.0, 190, 195));
    return new RunResult(side, Point.parse(point), round, "2026-11-22T12:00:0" + round + "Z", 10.0, ops, 0, 0,
        new RunResult.Latency(p99 / 4, p99 / 2, p99, p99 * 1.5, p99 * 2, p99 / 3), cdf, List.of(), nodes, 40.0,
        "3.00 2.00 1.00", "4.00 2.50 1.10", "n1");
  }

  /** Three rounds of put:16 and range-lin:1 on both sides. */
  static List<RunResult> threeRounds() {
    List<RunResult> runs = new ArrayList<>();
    long[] caravelPut = {10_000, 12_000, 9_000};
    long[] etcdPut = {20_000, 20_000, 30_000};
    for (int r = 1; r <= 3; r++) {
      runs.add(run("caravel", "put:16", r, caravelPut[r - 1], 20 + r));
      runs.add(run("etcd", "put:16", r, etcdPut[r - 1], 10));
      runs.add(run("caravel", "range-lin:1", r, 5_000, 2));
      runs.add(run("etcd", "range-lin:1", r, 4_000 + 500L * r, 4));
    }
    return runs;
  }
}
