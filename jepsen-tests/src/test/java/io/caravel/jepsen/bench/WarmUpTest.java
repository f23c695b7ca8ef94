package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpTest {
  @Test
  void steadyOnlyWhenEveryFigureStaysWithinTheTolerance() {
    WarmUp w = new WarmUp();
    w.record("caravel", "put:16", 300);
    w.record("etcd", "put:16", 900);
    assertThat(w.endChunk()).as("a first chunk has nothing to compare with").isFalse();
    w.record("caravel", "put:16", 600);
    w.record("etcd", "put:16", 910);
    assertThat(w.endChunk()).as("caravel doubled").isFalse();
    w.record("caravel", "put:16", 640);
    w.record("etcd", "put:16", 870);
    assertThat(w.endChunk()).as("+6.7 % and -4.4 %").isTrue();
    w.record("caravel", "put:16", 720);
    w.record("etcd", "put:16", 870);
    assertThat(w.endChunk()).as("+12.5 % on one side").isFalse();
    assertThat(w.chunks()).isEqualTo(4);
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
