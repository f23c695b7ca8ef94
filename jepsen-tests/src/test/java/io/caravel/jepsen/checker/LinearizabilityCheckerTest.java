package io.caravel.jepsen.checker;

import static io.caravel.jepsen.HistoryText.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.HistoryText;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.model.CasRegisterModel;
import io.caravel.jepsen.model.KvModel;
import io.caravel.jepsen.model.Model;
import io.caravel.jepsen.model.RegisterModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hand-made histories, small enough to reason about, covering every verdict. */
@Timeout(30)
class LinearizabilityCheckerTest {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckOptions.defaults().withTimeout(Duration.ofSeconds(10)));

  private static CheckResult check(Model<?> model, HistoryText h) {
    CheckResult result = CHECKER.check(model, h.history());
    if (result.verdict() == Verdict.LINEARIZABLE) {
      assertValidLinearization(model, h.history(), result);
    }
    return result;
  }

  private static Verdict register(HistoryText h) {
    return check(RegisterModel.INSTANCE, h).verdict();
  }

  private static Verdict cas(HistoryText h) {
    return check(CasRegisterModel.INSTANCE, h).verdict();
  }

  // ---- plain register: OK and ILLEGAL

  @Test
  void emptyHistoryIsLinearizable() {
    CheckResult r = check(RegisterModel.INSTANCE, new HistoryText());
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.partitions()).isEmpty();
  }

  @Test
  void sequentialHistories() {
    assertThat(register(new HistoryText()
        .sequential(0, "read", null, null)
        .sequential(0, "write", 1L, 1L)
        .sequential(1, "read", null, 1L)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(register(new HistoryText()
        .sequential(0, "write", 1L, 1L)
        .sequential(1, "read", null, 2L)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aReadConcurrentWithAWriteMayReturnEitherValue() {
    for (long seen : new long[] {0L, 1L}) {
      HistoryText h = new HistoryText()
          .sequential(0, "write", 0L, 0L)
          .invoke(0, "write", 1L)
          .invoke(1, "read", null)
          .ok(1, "read", seen)
          .ok(0, "write", 1L);
      assertThat(register(h)).as("read %d", seen).isEqualTo(Verdict.LINEARIZABLE);
    }
  }

  @Test
  void staleReadAfterACompletedWriteIsAViolationWithACounterexample() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)   // lines 1-2
        .sequential(0, "write", 1L, 1L)   // lines 3-4
        .sequential(1, "read", null, 0L); // lines 5-6
    CheckResult r = check(RegisterModel.INSTANCE, h);
    assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    PartitionResult p = r.firstViolation().orElseThrow();
    assertThat(p.key()).isNull();
    Counterexample c = p.counterexample();
    assertThat(c.longestPrefix()).extracting(s -> s.op().id()).containsExactly(0, 1);
    assertThat(c.stateAfterPrefix()).isEqualTo(new RegisterModel.Value(1L));
    assertThat(c.blocking().id()).isEqualTo(2);
    assertThat(c.illegalCandidates()).extracting(Operation::id).containsExactly(2);
    assertThat(c.windowFirstLine()).isEqualTo(5);
    assertThat(c.windowLastLine()).isEqualTo(6);
  }

  @Test
  void readsMustNotGoBackInTime() {
    // A write of 1 overlaps two reads; the first read sees 1, the later one sees the old 0.
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(0, "write", 1L)
        .invoke(1, "read", null)
        .ok(1, "read", 1L)
        .invoke(2, "read", null)
        .ok(2, "read", 0L)
        .ok(0, "write", 1L);
    assertThat(register(h)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void intervalsAreOrderedByLinePositionNotByProcess() {
    // Process 1's read starts after process 0's write completed, so it must see the write.
    HistoryText h = new HistoryText()
        .invoke(0, "write", 5L)
        .ok(0, "write", 5L)
        .invoke(1, "read", null)
        .ok(1, "read", null);
    assertThat(register(h)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  // ---- :info and :fail

  @Test
  void infoWriteThatMustHaveTakenEffect() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "write", 1L)
        .info(1, "write", 1L)
        .sequential(2, "read", null, 1L);
    assertThat(register(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void infoWriteThatMustNotHaveTakenEffectIsDropped() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "write", 1L)
        .info(1, "write", 1L)
        .sequential(2, "read", null, 0L)
        .sequential(2, "read", null, 0L);
    CheckResult r = check(RegisterModel.INSTANCE, h);
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    List<Integer> order = r.partitions().get(0).linearization().stream().map(Operation::id).toList();
    // The info write (op 1) never takes effect: it is left out, or placed last, which is the same.
    assertThat(order).isIn(List.of(0, 2, 3), List.of(0, 2, 3, 1));
  }

  @Test
  void infoWriteMayTakeEffectLongAfterItsProcessCrashed() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "write", 1L)
        .info(1, "write", 1L)
        .sequential(2, "read", null, 0L)
        .sequential(2, "write", 2L, 2L)
        .sequential(2, "read", null, 1L);
    assertThat(register(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void uncompletedInvocationIsLikeInfo() {
    HistoryText h = new HistoryText()
        .invoke(1, "write", 1L)
        .sequential(2, "read", null, null)
        .sequential(2, "read", null, 1L);
    assertThat(register(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void infoWriteCannotTakeEffectBeforeItsInvocation() {
    HistoryText h = new HistoryText()
        .sequential(2, "read", null, 1L)
        .invoke(1, "write", 1L)
        .info(1, "write", 1L);
    assertThat(register(h)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void infoWriteTakesEffectAtMostOnce() {
    HistoryText h = new HistoryText()
        .invoke(1, "write", 1L)
        .info(1, "write", 1L)
        .sequential(2, "read", null, 1L)
        .sequential(2, "write", 3L, 3L)
        .sequential(2, "read", null, 1L);
    assertThat(register(h)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void failedWriteHasNoEffect() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "write", 1L)
        .fail(1, "write", 1L);
    assertThat(register(h.copy().sequential(2, "read", null, 0L))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(register(h.copy().sequential(2, "read", null, 1L)))
        .as("a :fail write whose value is read").isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void indeterminateAndFailedReadsConstrainNothing() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "read", null)
        .info(1, "read", null)
        .invoke(2, "read", null)
        .fail(2, "read", null)
        .sequential(3, "read", null, 0L);
    CheckResult r = check(RegisterModel.INSTANCE, h);
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.operations()).as("the info and fail reads are not searched").isEqualTo(2);
  }

  // ---- cas-register

  @Test
  void casSemantics() {
    HistoryText base = new HistoryText().sequential(0, "write", 0L, 0L);
    assertThat(cas(base.copy().sequential(1, "cas", pair(0, 1), pair(0, 1)).sequential(2, "read", null, 1L)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(cas(base.copy().sequential(1, "cas", pair(5, 6), pair(5, 6))))
        .as("an ok cas whose expected value is not there").isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(cas(base.copy().sequential(1, "cas", pair(0, 1), pair(0, 1)).sequential(2, "read", null, 0L)))
        .as("a successful cas changes the value").isEqualTo(Verdict.NOT_LINEARIZABLE);
    HistoryText failedCas = base.copy().invoke(1, "cas", pair(0, 1)).fail(1, "cas", pair(0, 1));
    assertThat(cas(failedCas.copy().sequential(2, "read", null, 0L))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(cas(failedCas.copy().sequential(2, "read", null, 1L))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    HistoryText infoCas = base.copy().invoke(1, "cas", pair(0, 1)).info(1, "cas", pair(0, 1));
    assertThat(cas(infoCas.copy().sequential(2, "read", null, 1L))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(cas(infoCas.copy().sequential(2, "read", null, 0L))).isEqualTo(Verdict.LINEARIZABLE);
    HistoryText impossibleInfoCas = base.copy().invoke(1, "cas", pair(2, 3)).info(1, "cas", pair(2, 3));
    assertThat(cas(impossibleInfoCas.copy().sequential(2, "read", null, 3L))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void concurrentCasesSerialise() {
    // Two concurrent cas 0->1 and 1->2 both succeed: only the order 0->1->2 works, so a later read must see 2.
    HistoryText h = new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .invoke(1, "cas", pair(1, 2))
        .invoke(2, "cas", pair(0, 1))
        .ok(1, "cas", pair(1, 2))
        .ok(2, "cas", pair(0, 1));
    assertThat(cas(h.copy().sequential(3, "read", null, 2L))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(cas(h.copy().sequential(3, "read", null, 1L))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  // ---- partitions, kv

  @Test
  void kvPartitionsByKeyAndReadsUnwrittenKeysAsEmpty() {
    HistoryText h = new HistoryText()
        .op(0, "invoke", "get", "a", null).op(0, "ok", "get", "a", "")
        .op(0, "invoke", "append", "a", "x").op(0, "ok", "append", "a", "x")
        .op(1, "invoke", "append", "b", "y")
        .op(2, "invoke", "append", "a", "z")
        .op(2, "ok", "append", "a", "z")
        .op(1, "ok", "append", "b", "y")
        .op(0, "invoke", "get", "a", null).op(0, "ok", "get", "a", "xz")
        .op(0, "invoke", "get", "b", null).op(0, "ok", "get", "b", "y");
    CheckResult r = check(KvModel.INSTANCE, h);
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.partitions()).extracting(PartitionResult::key).containsExactly("a", "b");

    HistoryText bad = h.copy().op(0, "invoke", "get", "b", null).op(0, "ok", "get", "b", "yy");
    CheckResult rb = check(KvModel.INSTANCE, bad);
    assertThat(rb.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(rb.firstViolation().orElseThrow().key()).isEqualTo("b");
  }

  @Test
  void registerOperationsWithKeysArePartitionedToo() {
    HistoryText h = new HistoryText()
        .op(0, "invoke", "write", 1L, 10L).op(0, "ok", "write", 1L, 10L)
        .op(0, "invoke", "write", 2L, 20L).op(0, "ok", "write", 2L, 20L)
        .op(1, "invoke", "read", 1L, null).op(1, "ok", "read", 1L, 10L)
        .op(1, "invoke", "read", 2L, null).op(1, "ok", "read", 2L, 20L);
    CheckResult r = check(RegisterModel.INSTANCE, h);
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.partitions()).hasSize(2);
  }

  @Test
  void operationsTheModelDoesNotKnowAreRejectedWithTheirLine() {
    HistoryText h = new HistoryText()
        .sequential(0, "write", 1L, 1L)
        .sequential(0, "get", null, 1L);
    assertThatThrownBy(() -> CHECKER.check(RegisterModel.INSTANCE, h.history()))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageStartingWith("line 3: the register model has no operation :get");
    assertThatThrownBy(() -> CHECKER.check(KvModel.INSTANCE, new HistoryText().sequential(0, "get", null, "").history()))
        .hasMessageStartingWith("line 1: the kv model needs a :key");
  }

  // ---- UNKNOWN, cancellation

  @Test
  void hardHistoryWithATinyTimeoutIsUnknownPromptly() {
    LinearizabilityChecker quick = new LinearizabilityChecker(
        CheckOptions.defaults().withTimeout(Duration.ofMillis(200)));
    long start = System.nanoTime();
    CheckResult r = quick.check(RegisterModel.INSTANCE, HistoryText.hard(32, null).history());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.partitions().get(0).reason()).startsWith("timed out after");
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void hardHistoryIsDecidedWhenSmallEnough() {
    // The same shape with few writers is refuted quickly: the memo keeps it to n·2^(n-1) configurations.
    assertThat(register(HistoryText.hard(10, null))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aViolationInOnePartitionCancelsAHardOne() {
    HistoryText h = HistoryText.hard(32, "hard");
    h.op(100, "invoke", "write", "easy", 1L).op(100, "ok", "write", "easy", 1L)
        .op(100, "invoke", "read", "easy", null).op(100, "ok", "read", "easy", 2L);
    for (int threads : new int[] {1, 2}) {
      LinearizabilityChecker checker = new LinearizabilityChecker(
          new CheckOptions(Duration.ofSeconds(60), threads, true));
      long start = System.nanoTime();
      CheckResult r = checker.check(RegisterModel.INSTANCE, h.history());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(r.firstViolation().orElseThrow().key()).isEqualTo("easy");
      PartitionResult hard = r.partitions().get(0);
      assertThat(hard.key()).isEqualTo("hard");
      assertThat(hard.verdict()).isEqualTo(Verdict.UNKNOWN);
      assertThat(hard.reason()).startsWith("cancelled");
      assertThat(took).as("with %d thread(s)", threads).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void partitionsTakeTurnsSoAHardOneScheduledFirstDoesNotHoldUpAViolation() {
    // The hard partition is smaller, so it is scheduled first; with one thread the violation in the
    // larger, easy partition is still found, because searches are time-sliced.
    HistoryText h = HistoryText.hard(26, "hard");
    for (int i = 0; i < 30; i++) {
      h.op(100, "invoke", "write", "easy", (long) i).op(100, "ok", "write", "easy", (long) i);
    }
    h.op(100, "invoke", "read", "easy", null).op(100, "ok", "read", "easy", 3L);
    LinearizabilityChecker checker = new LinearizabilityChecker(new CheckOptions(Duration.ofSeconds(60), 1, true));
    long start = System.nanoTime();
    CheckResult r = checker.check(RegisterModel.INSTANCE, h.history());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.partitions()).extracting(PartitionResult::operations).containsExactly(27, 31);
    assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(r.partitions().get(0).verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.partitions().get(0).reason()).startsWith("cancelled");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void withoutStopAtFirstViolationEveryPartitionIsDecided() {
    HistoryText h = new HistoryText()
        .op(0, "invoke", "write", "a", 1L).op(0, "ok", "write", "a", 1L)
        .op(0, "invoke", "read", "a", null).op(0, "ok", "read", "a", 2L)
        .op(0, "invoke", "write", "b", 1L).op(0, "ok", "write", "b", 1L)
        .op(0, "invoke", "read", "b", null).op(0, "ok", "read", "b", 3L)
        .op(0, "invoke", "read", "c", null).op(0, "ok", "read", "c", null);
    CheckResult r = new LinearizabilityChecker(CheckOptions.defaults().withStopAtFirstViolation(false))
        .check(RegisterModel.INSTANCE, h.history());
    assertThat(r.partitions()).extracting(PartitionResult::verdict)
        .containsExactly(Verdict.NOT_LINEARIZABLE, Verdict.NOT_LINEARIZABLE, Verdict.LINEARIZABLE);
  }

  @Test
  void combiningVerdicts() {
    PartitionResult ok = new PartitionResult("a", Verdict.LINEARIZABLE, 1, "", List.of(), null, Duration.ZERO);
    PartitionResult unknown = new PartitionResult("b", Verdict.UNKNOWN, 1, "timed out", List.of(), null, Duration.ZERO);
    assertThat(CheckResult.combine(List.of())).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(CheckResult.combine(List.of(ok))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(CheckResult.combine(List.of(ok, unknown))).isEqualTo(Verdict.UNKNOWN);
    assertThatThrownBy(() -> new CheckOptions(Duration.ZERO, 1, true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CheckOptions(Duration.ofSeconds(1), 0, true)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A linearization must respect real time (an operation that completed before another was
   * invoked comes first), contain every :ok operation, and replay legally through the model.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void assertValidLinearization(Model model, History history, CheckResult result) {
    for (PartitionResult p : result.partitions()) {
      Object state = model.initialState();
      List<Operation> order = p.linearization();
      for (int i = 0; i < order.size(); i++) {
        Operation op = order.get(i);
        state = model.step(state, op);
        assertThat(state).as("step %d of partition %s: %s", i, p.key(), op).isNotNull();
        for (int j = i + 1; j < order.size(); j++) {
          Operation later = order.get(j);
          assertThat(later.completePosition() >= 0 && later.completePosition() < op.invokePosition()
              && later.outcome() == io.caravel.jepsen.history.Outcome.OK)
              .as("%s linearized after %s, which completed before it began", later, op).isFalse();
        }
      }
      for (Operation op : history.operations()) {
        if (op.outcome() == io.caravel.jepsen.history.Outcome.OK
            && java.util.Objects.equals(model.partitionKey(op), p.key())) {
          assertThat(order).as("every :ok operation is linearized").contains(op);
        }
      }
    }
  }
}
