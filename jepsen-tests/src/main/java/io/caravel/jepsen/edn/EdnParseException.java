package io.caravel.jepsen.edn;

/**
 * Malformed EDN text. The message always starts with {@code "line L, column C: "}, where lines and
 * columns are counted from 1, so that a user can find the mistake in the file.
 */
public final class EdnParseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;

  /**
   * @param line 1-based line of the offending character
   * @param column 1-based column of the offending character
   * @param problem what is wrong, without position information
   */
  public EdnParseException(int line, int column, String problem) {
    super("line " + line + ", column " + column + ": " + problem);
    this.line = line;
    this.column = column;
  }

  /** The 1-based line of the error. */
  public int line() {
    return line;
  }

  /** The 1-based column of the error. */
  public int column() {
    return column;
  }
}
