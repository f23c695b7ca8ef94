package io.caravel.jepsen.history;

import io.caravel.jepsen.edn.Edn;
import java.util.Objects;

/**
 * One client operation: an invocation paired with its completion.
 *
 * <p>Real time is the order of events in the history: {@code invokePosition} and {@code
 * completePosition} are 0-based positions among the history's client events, so an operation
 * precedes another in real time exactly when its completion position is smaller than the other's
 * invocation position. Line numbers refer to the history file, for reports.
 *
 * @param id 0-based number of this operation, in order of invocation; unique within a history
 * @param process the Jepsen process (client) that ran the operation
 * @param f the operation's function, e.g. {@code "read"} (the keyword's name, without colon)
 * @param key the {@code :key} of the operation, or {@code null} when it has none
 * @param input the {@code :value} of the invocation (e.g. {@code nil} for a read, {@code 3} for a
 *     write, {@code [1 2]} for a cas)
 * @param output the {@code :value} of the completion (e.g. the value a read returned); {@code null}
 *     when {@code outcome} is {@link Outcome#INFO}, since the result is then unknown
 * @param outcome how the operation completed
 * @param invokePosition position of the invocation event
 * @param completePosition position of the completion event, or -1 if it never completed
 * @param invokeLine 1-based line of the invocation in the history file
 * @param completeLine 1-based line of the completion, or -1 if it never completed
 * @param time the invocation's {@code :time} (nanoseconds), or {@code null} when absent
 */
public record Operation(
    int id,
    long process,
    String f,
    Object key,
    Object input,
    Object output,
    Outcome outcome,
    int invokePosition,
    int completePosition,
    int invokeLine,
    int completeLine,
    Long time) {

  /**
   * @throws NullPointerException if {@code f} or {@code outcome} is null
   */
  public Operation {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether the operation's result is unknown ({@link Outcome#INFO}). */
  public boolean isIndeterminate() {
    return outcome == Outcome.INFO;
  }

  /** The file lines the operation spans, e.g. {@code "lines 3–7"}, or {@code "line 3–end"}. */
  public String lines() {
    return completeLine < 0
        ? "line " + invokeLine + " (never completed)"
        : "lines " + invokeLine + "–" + completeLine;
  }

  /**
   * A short human-readable description, e.g. {@code "process 3 :read → 2"}, {@code "process 1
   * :write 4"}, {@code "process 2 :cas [1 2] → ? (info)"}, with the key when there is one.
   */
  public String describe() {
    return describe(Integer.MAX_VALUE);
  }

  /**
   * Like {@link #describe()}, with every value abbreviated to about {@code maxValueChars} (see
   * {@link Edn#printAbbreviated}).
   */
  public String describe(int maxValueChars) {
    StringBuilder sb = new StringBuilder();
    sb.append("process ").append(process).append(" :").append(f);
    if (key != null) {
      sb.append(" key ").append(print(key, maxValueChars));
    }
    if (input != null) {
      sb.append(' ').append(print(input, maxValueChars));
    }
    switch (outcome) {
      case OK -> {
        if (output != null && !output.equals(input)) {
          sb.append(" → ").append(print(output, maxValueChars));
        } else if (output == null && input == null) {
          sb.append(" → nil");
        }
      }
      case FAIL -> sb.append(" → fail");
      case INFO -> sb.append(" → ? (info)");
    }
    return sb.toString();
  }

  /** {@link #toString()} with values abbreviated to about {@code maxValueChars}. */
  public String toString(int maxValueChars) {
    return "op " + id + " (" + describe(maxValueChars) + ", " + lines() + ")";
  }

  private static String print(Object value, int maxChars) {
    return maxChars == Integer.MAX_VALUE ? Edn.print(value) : Edn.printAbbreviated(value, maxChars);
  }

  @Override
  public String toString() {
    return toString(Integer.MAX_VALUE);
  }
}
