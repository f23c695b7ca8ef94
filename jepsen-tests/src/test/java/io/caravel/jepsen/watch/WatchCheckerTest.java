package io.caravel.jepsen.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.history.HistoryParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made watch histories: writes to keys 0 and 1, watchers 100 and 101. */
class WatchCheckerTest {

  private final List<String> lines = new ArrayList<>();

  private WatchCheckerTest write(int p, int key, String value, String outcome, Long revision) {
    lines.add("{:process " + p + ", :type :invoke, :f :write, :key " + key + ", :value \"" + value + "\"}");
    String v = outcome.equals("ok") ? "[\"" + value + "\" " + revision + "]" : "\"" + value + "\"";
    lines.add("{:process " + p + ", :type :" + outcome + ", :f :write, :key " + key + ", :value " + v + "}");
    return this;
  }

  private WatchCheckerTest watch(int p, long from, String responses) {
    lines.add("{:process " + p + ", :type :invoke, :f :watch, :value " + from + "}");
    lines.add("{:process " + p + ", :type :ok, :f :watch, :value {:from " + from + ", :responses " + responses + ", :error nil}}");
    return this;
  }

  private WatchChecker.Result check() {
    return WatchChecker.check(HistoryParser.parse(String.join("\n", lines)));
  }

  private WatchCheckerTest threeWrites() {
    return write(0, 0, "a", "ok", 2L).write(1, 1, "b", "ok", 3L).write(0, 0, "c", "ok", 4L);
  }

  @Test
  void agreeingCompleteWatchersAreValid() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"]] [[3 1 \"b\"] [4 0 \"c\"]]]")
        .watch(101, 1, "[[[2 0 \"a\"] [3 1 \"b\"]]]")
        .watch(101, 4, "[[[4 0 \"c\"]]]");
    lines.add("{:process 9, :type :invoke, :f :final-read, :value nil}");
    lines.add("{:process 9, :type :ok, :f :final-read, :value [[0 \"c\" 4] [1 \"b\" 3]]}");
    var r = check();
    assertThat(r.valid()).as(r.violations().toString()).isTrue();
    assertThat(r.converged()).isEqualTo(2);
    assertThat(r.events()).isEqualTo(3);
  }

  @Test
  void aGapInOneWatcherIsAMissedEvent() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watch(101, 1, "[[[2 0 \"a\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("missed-event");
  }

  @Test
  void aResumeThatSkipsARevisionIsAMissedEvent() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watch(101, 1, "[[[2 0 \"a\"]]]")
        .watch(101, 3, "[[[4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("missed-event");
  }

  @Test
  void duplicatesAndReordering() {
    threeWrites().watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [3 1 \"b\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("duplicate-event");
    lines.clear();
    threeWrites().watch(100, 1, "[[[3 1 \"b\"] [2 0 \"a\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("out-of-order");
  }

  @Test
  void watchersThatDisagree() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watch(101, 1, "[[[2 0 \"a\"] [3 1 \"c\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsKey("disagreement");
  }

  @Test
  void aGapSharedByEveryWatcherIsCaughtByTheAcknowledgedWrites() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [4 0 \"c\"]]]")
        .watch(101, 1, "[[[2 0 \"a\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("acked-write-missing");
  }

  @Test
  void failedGarbageAndMisplacedWrites() {
    write(0, 0, "a", "ok", 2L).write(1, 1, "x", "fail", null).write(0, 0, "c", "ok", 4L)
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"x\"] [4 0 \"c\"] [5 1 \"zzz\"]]]");
    assertThat(check().counts()).containsOnlyKeys("failed-write-delivered", "garbage-event");
    lines.clear();
    write(0, 0, "a", "ok", 2L).watch(100, 1, "[[[3 0 \"a\"]]]");
    assertThat(check().counts()).containsOnlyKeys("revision-mismatch");
  }

  @Test
  void anInfoWriteMayAppearOnceButNotTwice() {
    write(0, 0, "a", "info", null).watch(100, 1, "[[[2 0 \"a\"]]]");
    assertThat(check().valid()).isTrue();
    lines.clear();
    write(0, 0, "a", "info", null).watch(100, 1, "[[[2 0 \"a\"] [5 0 \"a\"]]]");
    assertThat(check().counts()).containsOnlyKeys("duplicate-value");
  }

  @Test
  void sessionsMustStartWhereAskedAndKeepRevisionsWhole() {
    threeWrites().watch(100, 3, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsKey("before-start");
    lines.clear();
    write(0, 0, "a", "ok", 2L).write(1, 1, "b", "ok", 2L)
        .watch(100, 1, "[[[2 0 \"a\"]] [[2 1 \"b\"]]]");
    assertThat(check().counts()).containsOnlyKeys("split-revision");
  }

  @Test
  void theFinalReadMustMatchTheLastEvents() {
    threeWrites().watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]");
    lines.add("{:process 9, :type :invoke, :f :final-read, :value nil}");
    lines.add("{:process 9, :type :ok, :f :final-read, :value [[0 \"a\" 2] [1 \"b\" 3]]}");
    assertThat(check().counts()).containsOnlyKeys("final-state-mismatch");
  }

  private WatchCheckerTest watchFromNow(int p, long created, String responses) {
    lines.add("{:process " + p + ", :type :invoke, :f :watch, :value 0}");
    lines.add("{:process " + p + ", :type :ok, :f :watch, :value {:from 0, :responses " + responses
        + ", :error nil, :created " + created + "}}");
    return this;
  }

  @Test
  void aWatchFromRevisionZeroCoversWhatCameAfterItsCreation() {
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watchFromNow(101, 2, "[[[3 1 \"b\"] [4 0 \"c\"]]]");
    assertThat(check().valid()).as(check().violations().toString()).isTrue();
    lines.clear();
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watchFromNow(101, 2, "[[[4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("missed-event");
    lines.clear();
    threeWrites()
        .watch(100, 1, "[[[2 0 \"a\"] [3 1 \"b\"] [4 0 \"c\"]]]")
        .watchFromNow(101, 3, "[[[3 1 \"b\"] [4 0 \"c\"]]]");
    assertThat(check().counts()).containsOnlyKeys("before-start");
  }
}
