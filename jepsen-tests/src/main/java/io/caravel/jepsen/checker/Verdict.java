package io.caravel.jepsen.checker;

/** The answer of a linearizability check, with the exit code the command line uses for it. */
public enum Verdict {
  /** A linearization exists (for every partition). Exit code 0. */
  LINEARIZABLE(0, "LINEARIZABLE"),
  /** No linearization exists (for at least one partition). Exit code 1. */
  NOT_LINEARIZABLE(1, "NOT LINEARIZABLE"),
  /**
   * The search did not finish: it hit the time bound, ran out of memory, or was cancelled. No
   * violation was found, but none was ruled out either. Exit code 2.
   */
  UNKNOWN(2, "UNKNOWN");

  private final int exitCode;
  private final String label;

  Verdict(int exitCode, String label) {
    this.exitCode = exitCode;
    this.label = label;
  }

  /** The process exit code of {@code caravel-jepsen check} for this verdict. */
  public int exitCode() {
    return exitCode;
  }

  /** The verdict as printed, e.g. {@code "NOT LINEARIZABLE"}. */
  public String label() {
    return label;
  }
}
