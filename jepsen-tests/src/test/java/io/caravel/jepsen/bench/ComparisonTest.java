package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  @Test
  void rowsHoldMediansTheirRatioAndThePerRoundSpread() {
    List<Comparison.Row> rows = Comparison.rows(Fixtures.threeRounds());
    assertThat(rows).extracting(r -> r.point().toString()).containsExactly("put:16", "range-lin:1");

    Comparison.Row put = rows.get(0);
    assertThat(put.rounds()).isEqualTo(3);
    // ops/s over 10 s windows: Caravel 1000, 1200, 900; etcd 2000, 2000, 3000
    assertThat(put.a().opsPerSecond()).isEqualTo(1000.0);
    assertThat(put.b().opsPerSecond()).isEqualTo(2000.0);
    assertThat(put.opsRatio()).isEqualTo(0.5);
    // per round: 0.5, 0.6, 0.3
    assertThat(put.opsRatioSpread().min()).isCloseTo(0.3, within(1e-12));
    assertThat(put.opsRatioSpread().max()).isCloseTo(0.6, within(1e-12));
    // p99: Caravel 21, 22, 23 (median 22), etcd 10
    assertThat(put.a().p99()).isEqualTo(22.0);
    assertThat(put.p99Ratio()).isCloseTo(2.2, within(1e-12));
    assertThat(put.p99RatioSpread().min()).isCloseTo(2.1, within(1e-12));
    assertThat(put.p99RatioSpread().max()).isCloseTo(2.3, within(1e-12));

    Comparison.Row range = rows.get(1);
    // etcd 450, 500, 550 -> median 500; Caravel 500
    assertThat(range.opsRatio()).isEqualTo(1.0);
    assertThat(range.opsRatioSpread().min()).isCloseTo(500.0 / 550, within(1e-12));
    assertThat(range.opsRatioSpread().max()).isCloseTo(500.0 / 450, within(1e-12));
    assertThat(range.p99Ratio()).isEqualTo(0.5);
  }

  @Test
  void resourcesArePerNodeLeaderFirst() {
    Comparison.Row put = Comparison.rows(Fixtures.threeRounds()).get(0);
    // leader CPU 61, 62, 63 -> 62; then n2 (30) and n3 (20)
    assertThat(put.a().cpuPercentPerNode()).containsExactly(62.0, 30.0, 20.0);
    assertThat(put.a().rssMiBPerNode()).containsExactly(250.0, 200.0, 190.0);
    // 11 CPU seconds over 10,000 ops = 1,100 us/op; over 9,000 and 12,000 ops: median 1,100
    assertThat(put.a().cpuMicrosPerOp()).isCloseTo(1100.0, within(1e-9));
  }

  @Test
  void aRoundMeasuredOnOneSideOnlyIsNotPaired() {
    List<RunResult> runs = new java.util.ArrayList<>(Fixtures.threeRounds());
    runs.add(Fixtures.run("caravel", "put:16", 4, 50_000, 1));
    Comparison.Row put = Comparison.rows(runs).get(0);
    assertThat(put.rounds()).isEqualTo(3);
    assertThat(put.opsRatioSpread().max()).isCloseTo(0.6, within(1e-12));
  }
}
