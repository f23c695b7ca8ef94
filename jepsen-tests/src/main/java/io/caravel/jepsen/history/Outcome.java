package io.caravel.jepsen.history;

/** How an operation completed, in Jepsen's sense. */
public enum Outcome {
  /** Completed with {@code :type :ok}: the operation took effect, once, within its interval. */
  OK,
  /** Completed with {@code :type :fail}: the operation certainly had no effect. */
  FAIL,
  /**
   * Completed with {@code :type :info}, or never completed: the operation may have taken effect at
   * any moment after its invocation, or never; its result is unknown.
   */
  INFO
}
