package io.caravel.jepsen.checker;

import io.caravel.jepsen.history.Operation;
import java.util.List;
import java.util.Objects;

/**
 * Evidence that a partition is not linearizable, taken at the deepest point the search reached.
 *
 * <p>The search linearized {@code longestPrefix} (in that order, legally), reaching {@code
 * stateAfterPrefix}; it then had to linearize {@code blocking}, whose completion came next in real
 * time, but could not: each operation that could still go next was either illegal in that state
 * ({@code illegalCandidates}, which includes {@code blocking} itself when it is illegal) or led
 * only to configurations already shown to fail ({@code exhaustedCandidates}). Since every
 * linearization was tried, no ordering explains the history; the prefix is the longest the search
 * found, which a report can use to highlight the failing window.
 *
 * @param longestPrefix the longest linearizable prefix found, each step with the state after it
 * @param stateAfterPrefix the model state after the prefix (the initial state if it is empty)
 * @param blocking the operation whose completion was reached before it could be linearized
 * @param illegalCandidates pending operations that were illegal in {@code stateAfterPrefix}
 * @param exhaustedCandidates pending operations that were legal but led to dead ends
 */
public record Counterexample(
    List<Step> longestPrefix,
    Object stateAfterPrefix,
    Operation blocking,
    List<Operation> illegalCandidates,
    List<Operation> exhaustedCandidates) {

  /**
   * One linearized operation.
   *
   * @param op the operation
   * @param stateAfter the model state right after it
   */
  public record Step(Operation op, Object stateAfter) {}

  /** @throws NullPointerException if a list, the state or {@code blocking} is null */
  public Counterexample {
    longestPrefix = List.copyOf(longestPrefix);
    Objects.requireNonNull(stateAfterPrefix, "stateAfterPrefix");
    Objects.requireNonNull(blocking, "blocking");
    illegalCandidates = List.copyOf(illegalCandidates);
    exhaustedCandidates = List.copyOf(exhaustedCandidates);
  }

  /**
   * The first line of the failing window: the earliest invocation among the blocking operation
   * and the candidates that could have gone next.
   */
  public int windowFirstLine() {
    int first = blocking.invokeLine();
    for (Operation op : illegalCandidates) {
      first = Math.min(first, op.invokeLine());
    }
    for (Operation op : exhaustedCandidates) {
      first = Math.min(first, op.invokeLine());
    }
    return first;
  }

  /** The last line of the failing window: the completion of the blocking operation. */
  public int windowLastLine() {
    return blocking.completeLine();
  }
}
