package io.caravel.jepsen.history;

import java.util.List;
import java.util.Objects;

/**
 * A parsed history: its client operations, in order of invocation.
 *
 * @param operations every client operation, including failed and indeterminate ones; operation
 *     {@code i} has {@code id() == i}
 * @param eventCount the number of client events (invocations and completions) in the file
 * @param skippedEvents events that were not client operations (e.g. {@code :process :nemesis})
 */
public record History(List<Operation> operations, int eventCount, int skippedEvents) {

  /** @throws NullPointerException if {@code operations} is null */
  public History {
    operations = List.copyOf(Objects.requireNonNull(operations, "operations"));
  }

  /** The number of operations whose outcome is {@code outcome}. */
  public long count(Outcome outcome) {
    return operations.stream().filter(op -> op.outcome() == outcome).count();
  }
}
