package io.caravel.jepsen.checker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of checking a whole history.
 *
 * <p>The overall verdict is {@link Verdict#NOT_LINEARIZABLE} if any partition is, otherwise {@link
 * Verdict#UNKNOWN} if any partition is unknown, otherwise {@link Verdict#LINEARIZABLE} (also for a
 * history with no operations).
 *
 * @param verdict the overall verdict
 * @param model the name of the model checked against
 * @param partitions one result per partition, in order of each partition's first operation
 * @param elapsed wall-clock time of the whole check
 */
public record CheckResult(Verdict verdict, String model, List<PartitionResult> partitions, Duration elapsed) {

  /** @throws NullPointerException if any argument is null */
  public CheckResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(model, "model");
    partitions = List.copyOf(partitions);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** The overall verdict implied by partition verdicts, as described in the class comment. */
  public static Verdict combine(List<PartitionResult> partitions) {
    boolean unknown = false;
    for (PartitionResult p : partitions) {
      if (p.verdict() == Verdict.NOT_LINEARIZABLE) {
        return Verdict.NOT_LINEARIZABLE;
      }
      unknown |= p.verdict() == Verdict.UNKNOWN;
    }
    return unknown ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
  }

  /** The first partition (in {@link #partitions()} order) that is not linearizable, if any. */
  public Optional<PartitionResult> firstViolation() {
    return partitions.stream().filter(p -> p.verdict() == Verdict.NOT_LINEARIZABLE).findFirst();
  }

  /** The total number of operations searched, over all partitions. */
  public int operations() {
    return partitions.stream().mapToInt(PartitionResult::operations).sum();
  }
}
