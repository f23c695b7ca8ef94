package io.caravel.jepsen.checker;

import io.caravel.jepsen.history.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The verdict for one partition (one key, or the whole history when operations carry no key).
 *
 * @param key the partition key; {@code null} for the unkeyed partition
 * @param verdict this partition's verdict
 * @param operations the number of operations searched (after removing {@code :fail} operations
 *     and indeterminate reads)
 * @param reason for {@link Verdict#UNKNOWN}, why (e.g. {@code "timed out"}); otherwise {@code ""}
 * @param linearization for {@link Verdict#LINEARIZABLE}, a linearization: the operations in the
 *     order they take effect (indeterminate operations that never take effect are absent);
 *     otherwise empty
 * @param counterexample for {@link Verdict#NOT_LINEARIZABLE}, the evidence; otherwise {@code null}
 * @param elapsed time spent searching this partition
 */
public record PartitionResult(
    Object key,
    Verdict verdict,
    int operations,
    String reason,
    List<Operation> linearization,
    Counterexample counterexample,
    Duration elapsed) {

  /**
   * @throws NullPointerException if {@code verdict}, {@code reason}, {@code linearization} or
   *     {@code elapsed} is null
   * @throws IllegalArgumentException if a counterexample is present exactly when the verdict is
   *     not {@link Verdict#NOT_LINEARIZABLE}
   */
  public PartitionResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(reason, "reason");
    linearization = List.copyOf(linearization);
    Objects.requireNonNull(elapsed, "elapsed");
    if ((verdict == Verdict.NOT_LINEARIZABLE) != (counterexample != null)) {
      throw new IllegalArgumentException("a counterexample goes with NOT_LINEARIZABLE, and only with it");
    }
  }
}
