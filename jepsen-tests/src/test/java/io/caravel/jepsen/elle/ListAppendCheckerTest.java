package io.caravel.jepsen.elle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.HistoryParser;
import org.junit.jupiter.api.Test;

/** Each anomaly on a small hand-made history; keys are x = 1, y = 2. */
class ListAppendCheckerTest {

  private static ListAppendChecker.Result check(String... lines) {
    return ListAppendChecker.check(HistoryParser.parse(String.join("\n", lines)));
  }

  private static String inv(int p, String txn) {
    return "{:process " + p + ", :type :invoke, :f :txn, :value " + txn + "}";
  }

  private static String ok(int p, String txn) {
    return "{:process " + p + ", :type :ok, :f :txn, :value " + txn + "}";
  }

  private static String fail(int p, String txn) {
    return "{:process " + p + ", :type :fail, :f :txn, :value " + txn + "}";
  }

  private static String info(int p, String txn) {
    return "{:process " + p + ", :type :info, :f :txn, :value " + txn + "}";
  }

  @Test
  void aSerialHistoryIsValid() {
    var r = check(
        inv(0, "[[:append 1 1] [:r 1 nil]]"), ok(0, "[[:append 1 1] [:r 1 [1]]]"),
        inv(1, "[[:r 1 nil] [:append 1 2] [:r 2 nil]]"), ok(1, "[[:r 1 [1]] [:append 1 2] [:r 2 nil]]"),
        inv(0, "[[:r 1 nil]]"), ok(0, "[[:r 1 [1 2]]]"));
    assertThat(r.valid()).as(r.anomalies().toString()).isTrue();
    assertThat(r.transactions()).isEqualTo(3);
    assertThat(r.edges()).containsKeys("ww", "wr", "rt");
  }

  @Test
  void concurrentTransactionsInEitherOrderAreValid() {
    var r = check(
        inv(0, "[[:append 1 1]]"), inv(1, "[[:append 1 2]]"), inv(2, "[[:r 1 nil]]"),
        ok(1, "[[:append 1 2]]"), ok(2, "[[:r 1 [2]]]"), ok(0, "[[:append 1 1]]"),
        inv(2, "[[:r 1 nil]]"), ok(2, "[[:r 1 [2 1]]]"));
    assertThat(r.valid()).as(r.anomalies().toString()).isTrue();
  }

  @Test
  void g0WriteCycle() {
    var r = check(
        inv(0, "[[:append 1 1] [:append 2 1]]"), inv(1, "[[:append 1 2] [:append 2 2]]"), inv(2, "[[:r 1 nil] [:r 2 nil]]"),
        ok(0, "[[:append 1 1] [:append 2 1]]"), ok(1, "[[:append 1 2] [:append 2 2]]"), ok(2, "[[:r 1 [1 2]] [:r 2 [2 1]]]"));
    assertThat(r.types()).containsExactly("G0");
    assertThat(r.anomalies().get(0).explanation()).contains("G0 (write cycle)").contains("-ww->");
  }

  @Test
  void g1aAbortedRead() {
    var r = check(
        inv(0, "[[:append 1 1]]"), fail(0, "[[:append 1 1]]"),
        inv(1, "[[:r 1 nil]]"), ok(1, "[[:r 1 [1]]]"));
    assertThat(r.types()).containsExactly("G1a");
    assertThat(r.anomalies().get(0).ops()).hasSize(2);
  }

  @Test
  void g1bIntermediateRead() {
    var r = check(
        inv(0, "[[:append 1 1] [:append 1 2]]"), inv(1, "[[:r 1 nil]]"),
        ok(0, "[[:append 1 1] [:append 1 2]]"), ok(1, "[[:r 1 [1]]]"));
    assertThat(r.types()).contains("G1b");
  }

  @Test
  void g1cCyclicInformationFlow() {
    var r = check(
        inv(0, "[[:append 1 1] [:r 2 nil]]"), inv(1, "[[:append 2 1] [:r 1 nil]]"),
        ok(0, "[[:append 1 1] [:r 2 [1]]]"), ok(1, "[[:append 2 1] [:r 1 [1]]]"));
    assertThat(r.types()).containsExactly("G1c");
    assertThat(r.anomalies().get(0).explanation()).contains("-wr->").doesNotContain("-rw->");
  }

  @Test
  void gSingleReadSkew() {
    var r = check(
        inv(0, "[[:append 1 1] [:append 2 1]]"), inv(1, "[[:r 1 nil] [:r 2 nil]]"),
        ok(0, "[[:append 1 1] [:append 2 1]]"), ok(1, "[[:r 1 []] [:r 2 [1]]]"));
    assertThat(r.types()).containsExactly("G-single");
    assertThat(r.anomalies().get(0).explanation()).contains("-rw->").contains("-wr->");
  }

  @Test
  void g2WriteSkew() {
    var r = check(
        inv(0, "[[:r 1 nil] [:append 2 1]]"), inv(1, "[[:r 2 nil] [:append 1 1]]"),
        ok(0, "[[:r 1 []] [:append 2 1]]"), ok(1, "[[:r 2 []] [:append 1 1]]"),
        inv(2, "[[:r 1 nil] [:r 2 nil]]"), ok(2, "[[:r 1 [1]] [:r 2 [1]]]"));
    assertThat(r.types()).containsExactly("G2");
    String text = r.anomalies().get(0).explanation();
    assertThat(text.split("-rw->", -1)).hasSize(3);
  }

  @Test
  void staleReadAfterACompletedAppendIsGSingleRealtime() {
    var r = check(
        inv(0, "[[:append 1 1]]"), ok(0, "[[:append 1 1]]"),
        inv(1, "[[:r 1 nil]]"), ok(1, "[[:r 1 []]]"),
        inv(2, "[[:r 1 nil]]"), ok(2, "[[:r 1 [1]]]"));
    assertThat(r.types()).containsExactly("G-single-realtime");
    assertThat(r.anomalies().get(0).explanation()).contains("-rt->").contains("-rw->");
  }

  @Test
  void lostAppendAcrossRealTimeIsG0Realtime() {
    // T0 then T1 in real time, but the version order puts T1's append first
    var r = check(
        inv(0, "[[:append 1 1]]"), ok(0, "[[:append 1 1]]"),
        inv(1, "[[:append 1 2]]"), ok(1, "[[:append 1 2]]"),
        inv(2, "[[:r 1 nil]]"), ok(2, "[[:r 1 [2 1]]]"));
    assertThat(r.types()).containsExactly("G0-realtime");
  }

  @Test
  void internalInconsistency() {
    var r = check(inv(0, "[[:append 1 1] [:r 1 nil]]"), ok(0, "[[:append 1 1] [:r 1 []]]"));
    assertThat(r.types()).contains("internal");
    var r2 = check(
        inv(1, "[[:append 1 5]]"), ok(1, "[[:append 1 5]]"),
        inv(0, "[[:r 1 nil] [:r 1 nil]]"), ok(0, "[[:r 1 [5]] [:r 1 []]]"));
    assertThat(r2.types()).contains("internal");
  }

  @Test
  void incompatibleOrdersDuplicatesAndGarbage() {
    var r = check(
        inv(0, "[[:append 1 1]]"), inv(1, "[[:append 1 2]]"), ok(0, "[[:append 1 1]]"), ok(1, "[[:append 1 2]]"),
        inv(2, "[[:r 1 nil]]"), ok(2, "[[:r 1 [1 2]]]"),
        inv(3, "[[:r 1 nil]]"), ok(3, "[[:r 1 [2 1]]]"),
        inv(4, "[[:r 1 nil]]"), ok(4, "[[:r 1 [1 1]]]"),
        inv(5, "[[:r 2 nil]]"), ok(5, "[[:r 2 [9]]]"));
    assertThat(r.types()).contains("incompatible-order", "duplicate-elements", "garbage-read");
  }

  @Test
  void anInfoAppendCountsOnceObservedAndNeverOtherwise() {
    var observed = check(
        inv(0, "[[:append 1 1]]"), info(0, "[[:append 1 1]]"),
        inv(1, "[[:r 1 nil]]"), ok(1, "[[:r 1 [1]]]"));
    assertThat(observed.valid()).isTrue();
    assertThat(observed.transactions()).isEqualTo(2);
    var unobserved = check(
        inv(0, "[[:append 1 1]]"), info(0, "[[:append 1 1]]"),
        inv(1, "[[:r 1 nil]]"), ok(1, "[[:r 1 []]]"));
    assertThat(unobserved.valid()).isTrue();
    assertThat(unobserved.transactions()).isEqualTo(1);
  }

  @Test
  void anInfoAppendSeenBeforeAnEarlierCompletedAppendIsFine() {
    // the info transaction may have committed at any time after its invocation
    var r = check(
        inv(0, "[[:append 1 1]]"), info(0, "[[:append 1 1]]"),
        inv(1, "[[:append 1 2]]"), ok(1, "[[:append 1 2]]"),
        inv(2, "[[:r 1 nil]]"), ok(2, "[[:r 1 [1 2]]]"));
    assertThat(r.valid()).as(r.anomalies().toString()).isTrue();
  }

  @Test
  void malformedTransactionsAreRejected() {
    assertThatThrownBy(() -> check(inv(0, "[[:put 1 1]]"), ok(0, "[[:put 1 1]]")))
        .isInstanceOf(HistoryFormatException.class).hasMessageContaining("unknown micro-operation");
    assertThatThrownBy(() -> check("{:process 0, :type :invoke, :f :read, :value nil}"))
        .isInstanceOf(HistoryFormatException.class).hasMessageContaining(":txn");
  }
}
