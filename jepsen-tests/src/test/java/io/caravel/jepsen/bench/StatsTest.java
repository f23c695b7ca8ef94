package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfOddAndEvenCountsIgnoringNonFiniteValues() {
    assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of(5.0))).isEqualTo(5.0);
    assertThat(Stats.median(Arrays.asList(1.0, Double.NaN, null, 9.0, Double.POSITIVE_INFINITY, 5.0))).isEqualTo(5.0);
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void ratioIsUndefinedForZeroOrMissingDenominators() {
    assertThat(Stats.ratio(3, 4)).isEqualTo(0.75);
    assertThat(Stats.ratio(3, 0)).isNaN();
    assertThat(Stats.ratio(Double.NaN, 1)).isNaN();
    assertThat(Stats.ratio(0, 5)).isZero();
  }

  @Test
  void perRoundRatiosAndTheirSpread() {
    List<Double> r = Stats.pairRatios(List.of(100.0, 90.0, 120.0), List.of(200.0, 100.0, 0.0));
    assertThat(r).containsExactly(0.5, 0.9); // the round with a zero denominator is skipped
    Stats.Range s = Stats.spread(r);
    assertThat(s.min()).isEqualTo(0.5);
    assertThat(s.max()).isEqualTo(0.9);
    assertThat(s.contains(0.7)).isTrue();
    assertThat(s.contains(1.0)).isFalse();
    assertThat(Stats.spread(List.of()).min()).isNaN();
    assertThatThrownBy(() -> Stats.pairRatios(List.of(1.0), List.of())).hasMessageContaining("unpaired");
  }

  @Test
  void ratioOfMediansLiesWithinTheSpreadOfRoundRatiosHere() {
    List<Double> a = List.of(1000.0, 1100.0, 900.0);
    List<Double> b = List.of(2000.0, 2100.0, 1900.0);
    double r = Stats.ratio(Stats.median(a), Stats.median(b));
    assertThat(r).isCloseTo(1000.0 / 2000.0, within(1e-12));
    assertThat(Stats.spread(Stats.pairRatios(a, b)).contains(r)).isTrue();
  }
}
