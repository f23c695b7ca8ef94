package io.caravel.jepsen.history;

/**
 * A history that is syntactically valid EDN (or not) but cannot be read as a Jepsen history: a
 * missing {@code :type}, a completion without an invocation, an operation the model does not know,
 * and so on. The message always starts with {@code "line L: "}.
 */
public final class HistoryFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;

  /**
   * @param line 1-based line in the history file the problem is at
   * @param problem what is wrong, without the line number
   */
  public HistoryFormatException(int line, String problem) {
    super("line " + line + ": " + problem);
    this.line = line;
  }

  /** The 1-based line of the problem. */
  public int line() {
    return line;
  }
}
