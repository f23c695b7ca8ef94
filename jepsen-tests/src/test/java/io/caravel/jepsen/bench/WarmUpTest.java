package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpTest {
  @Test
  void steadyOnlyWhenEveryPointStaysWithinTheTolerance() {
    WarmUp w = new WarmUp();
    assertThat(chunk(w, 300, 900)).as("a first chunk has nothing to compare with").isFalse();
    assertThat(chunk(w, 600, 910)).as("put:1 doubled").isFalse();
    assertThat(chunk(w, 640, 870)).as("+6.7 % and -4.4 %").isTrue();
    assertThat(chunk(w, 720, 870)).as("+12.5 % on one point").isFalse();
  }

  @Test
  void aPointMissingFromEitherChunkIsNotSteady() {
    WarmUp w = new WarmUp();
    w.record("put:16", 100);
    w.endChunk();
    assertThat(chunk(w, 100, 100)).as("range-lin:16 is new").isFalse();
    assertThat(chunk(w, 100, 100)).isTrue();
  }

  @Test
  void aPointThatCompletesNothingIsNotSteady() {
    WarmUp w = new WarmUp();
    assertThat(chunk(w, 0, 100)).isFalse();
    assertThat(chunk(w, 0, 100)).as("0 ops/s twice: a stalled cluster, not a warm one").isFalse();
  }

  /** One chunk of two points, put:16 and range-lin:16; whether it ended steady. */
  private static boolean chunk(WarmUp w, double put, double rangeLin) {
    w.record("put:16", put);
    w.record("range-lin:16", rangeLin);
    return w.endChunk();
  }
}
