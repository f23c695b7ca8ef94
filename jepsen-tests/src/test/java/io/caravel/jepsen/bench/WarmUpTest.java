package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpTest {
  @Test
  void steadyOnlyWhenEveryFigureStaysWithinTheTolerance() {
    WarmUp w = new WarmUp();
    assertThat(chunk(w, 300, 900)).as("a first chunk has nothing to compare with").isFalse();
    assertThat(chunk(w, 600, 910)).as("caravel doubled").isFalse();
    assertThat(chunk(w, 640, 870)).as("+6.7 % and -4.4 %").isTrue();
    assertThat(chunk(w, 720, 870)).as("+12.5 % on one side").isFalse();
    assertThat(w.chunks()).isEqualTo(4);
  }

  /** One chunk of put:16 on both sides; whether it ended steady. */
  private static boolean chunk(WarmUp w, double caravel, double etcd) {
    w.record("caravel", "put:16", caravel);
    w.record("etcd", "put:16", etcd);
    return w.endChunk();
  }

  @Test
  void aFigureMissingFromEitherChunkIsNotSteady() {
    WarmUp w = new WarmUp();
    w.record("caravel", "put:16", 100);
    w.endChunk();
    w.record("caravel", "put:16", 100);
    w.record("caravel", "range-lin:16", 100);
    assertThat(w.endChunk()).isFalse();
    w.record("caravel", "put:16", 100);
    w.record("caravel", "range-lin:16", 100);
    assertThat(w.endChunk()).isTrue();
  }

  @Test
  void aSideThatCompletesNothingIsNotSteady() {
    WarmUp w = new WarmUp();
    w.record("caravel", "put:16", 0);
    w.endChunk();
    w.record("caravel", "put:16", 0);
    assertThat(w.endChunk()).as("0 ops/s twice: a stalled cluster, not a warm one").isFalse();
  }
}
