package io.caravel.jepsen.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads EDN forms one after another from a text, tracking line and column numbers.
 *
 * <p>Typical use is a loop of {@link #hasNext()} and {@link #next()}. For a file that is one big
 * vector of maps (as some Jepsen tools write them) the caller can step into the vector with {@link
 * #peek()}, {@link #skip()} and read its elements one at a time, learning each element's line from
 * {@link #line()} just before reading it.
 *
 * <p>Not thread-safe. Every syntax error throws {@link EdnParseException} naming line and column;
 * after an error the reader's position is unspecified.
 */
public final class EdnReader {

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+N?");
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?\\d+(\\.\\d*)?([eE][+-]?\\d+)?M?");

  private final String text;
  private int pos;
  private int line = 1;
  private int column = 1;

  /** @param text the EDN text; never null */
  public EdnReader(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  /** Parses a text that must hold exactly one form, and returns it. */
  public static Object readOne(String text) {
    EdnReader reader = new EdnReader(text);
    if (!reader.hasNext()) {
      throw new EdnParseException(reader.line, reader.column, "no EDN form in input");
    }
    Object value = reader.next();
    if (reader.hasNext()) {
      throw new EdnParseException(reader.line, reader.column, "unexpected text after the form");
    }
    return value;
  }

  /** Whether another form follows; skips whitespace, commas and comments. */
  public boolean hasNext() {
    return peek() >= 0;
  }

  /**
   * Skips whitespace, commas and comments, then returns the next character without consuming it,
   * or -1 at the end of the text. (A {@code #_} discard is not skipped by this method.)
   */
  public int peek() {
    skipBlank();
    return pos < text.length() ? text.charAt(pos) : -1;
  }

  /** Consumes one character; use after {@link #peek()} returned a non-negative value. */
  public void skip() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    advance();
  }

  /** The 1-based line of the reader's position (after {@link #peek()}: of the next form). */
  public int line() {
    return line;
  }

  /** The 1-based column of the reader's position. */
  public int column() {
    return column;
  }

  /**
   * Reads the next form.
   *
   * @throws EdnParseException on malformed input or at the end of the text
   */
  public Object next() {
    while (true) {
      skipBlank();
      if (pos >= text.length()) {
        throw error("unexpected end of input, expected a form");
      }
      if (startsWith("#_")) {
        advance();
        advance();
        next(); // the discarded form
        continue;
      }
      return readForm();
    }
  }

  private Object readForm() {
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readMap();
      case '[':
        return readSequence(']');
      case '(':
        return readSequence(')');
      case '"':
        return readString();
      case '\\':
        return readCharacter();
      case '#':
        return readDispatch();
      case ')':
      case ']':
      case '}':
        throw error("unmatched '" + c + "'");
      default:
        return readAtom();
    }
  }

  private Map<Object, Object> readMap() {
    int startLine = line;
    int startColumn = column;
    advance(); // {
    Map<Object, Object> map = new LinkedHashMap<>();
    while (true) {
      if (skipToCloser('}', startLine, startColumn, "map")) {
        return Collections.unmodifiableMap(map);
      }
      int keyLine = line;
      int keyColumn = column;
      Object key = next();
      if (skipToCloser('}', startLine, startColumn, "map")) {
        throw new EdnParseException(
            keyLine, keyColumn, "map key " + Edn.print(key) + " has no value (odd number of forms)");
      }
      Object value = next();
      if (map.containsKey(key)) {
        throw new EdnParseException(keyLine, keyColumn, "duplicate map key " + Edn.print(key));
      }
      map.put(key, value);
    }
  }

  private List<Object> readSequence(char closer) {
    int startLine = line;
    int startColumn = column;
    advance();
    List<Object> items = new ArrayList<>();
    String what = closer == ']' ? "vector" : "list";
    while (!skipToCloser(closer, startLine, startColumn, what)) {
      items.add(next());
    }
    return Collections.unmodifiableList(items);
  }

  private Set<Object> readSet(int startLine, int startColumn) {
    Set<Object> items = new LinkedHashSet<>();
    while (!skipToCloser('}', startLine, startColumn, "set")) {
      int itemLine = line;
      int itemColumn = column;
      Object item = next();
      if (!items.add(item)) {
        throw new EdnParseException(itemLine, itemColumn, "duplicate set element " + Edn.print(item));
      }
    }
    return Collections.unmodifiableSet(items);
  }

  /**
   * Skips blanks and discards; if the closer follows, consumes it and returns true. Fails on end of
   * input or on a different closing bracket.
   */
  private boolean skipToCloser(char closer, int startLine, int startColumn, String what) {
    while (true) {
      skipBlank();
      if (pos >= text.length()) {
        throw error(
            "unexpected end of input: " + what + " opened at line " + startLine + ", column "
                + startColumn + " is not closed");
      }
      if (startsWith("#_")) {
        advance();
        advance();
        next();
        continue;
      }
      char c = text.charAt(pos);
      if (c == closer) {
        advance();
        return true;
      }
      if (c == ')' || c == ']' || c == '}') {
        throw error(
            "expected '" + closer + "' to close the " + what + " opened at line " + startLine
                + ", column " + startColumn + ", found '" + c + "'");
      }
      return false;
    }
  }

  private String readString() {
    int startLine = line;
    int startColumn = column;
    advance(); // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new EdnParseException(startLine, startColumn, "unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        advance();
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        advance();
        continue;
      }
      int escLine = line;
      int escColumn = column;
      advance();
      if (pos >= text.length()) {
        throw new EdnParseException(startLine, startColumn, "unterminated string");
      }
      char e = text.charAt(pos);
      advance();
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> sb.append(readHex4(escLine, escColumn));
        default -> throw new EdnParseException(
            escLine, escColumn, "unknown escape sequence '\\" + e + "' in string");
      }
    }
  }

  private char readHex4(int escLine, int escColumn) {
    if (pos + 4 > text.length()) {
      throw new EdnParseException(escLine, escColumn, "incomplete \\u escape");
    }
    String hex = text.substring(pos, pos + 4);
    for (int i = 0; i < 4; i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw new EdnParseException(escLine, escColumn, "bad \\u escape '\\u" + hex + "'");
      }
    }
    for (int i = 0; i < 4; i++) {
      advance();
    }
    return (char) Integer.parseInt(hex, 16);
  }

  private Character readCharacter() {
    int startLine = line;
    int startColumn = column;
    advance(); // backslash
    if (pos >= text.length()) {
      throw new EdnParseException(startLine, startColumn, "incomplete character literal");
    }
    // A character literal is the backslash plus at least one character, plus any token characters.
    StringBuilder sb = new StringBuilder();
    sb.append(text.charAt(pos));
    advance();
    while (pos < text.length() && isTokenChar(text.charAt(pos))) {
      sb.append(text.charAt(pos));
      advance();
    }
    String name = sb.toString();
    if (name.length() == 1) {
      return name.charAt(0);
    }
    switch (name) {
      case "newline":
        return '\n';
      case "space":
        return ' ';
      case "tab":
        return '\t';
      case "return":
        return '\r';
      case "formfeed":
        return '\f';
      case "backspace":
        return '\b';
      default:
        if (name.length() == 5 && name.charAt(0) == 'u') {
          try {
            return (char) Integer.parseInt(name.substring(1), 16);
          } catch (NumberFormatException e) {
            // fall through to the error below
          }
        }
        throw new EdnParseException(startLine, startColumn, "unknown character literal '\\" + name + "'");
    }
  }

  private Object readDispatch() {
    int startLine = line;
    int startColumn = column;
    advance(); // #
    if (pos >= text.length()) {
      throw new EdnParseException(startLine, startColumn, "'#' at end of input");
    }
    char c = text.charAt(pos);
    if (c == '{') {
      advance();
      return readSet(startLine, startColumn);
    }
    if (c == '#') {
      advance();
      String token = readToken();
      switch (token) {
        case "Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        case "NaN":
          return Double.NaN;
        default:
          throw new EdnParseException(startLine, startColumn, "unknown symbolic value '##" + token + "'");
      }
    }
    if (!Character.isLetter(c)) {
      throw new EdnParseException(startLine, startColumn, "unsupported dispatch '#" + c + "'");
    }
    String tag = readToken();
    skipBlank();
    if (pos >= text.length()) {
      throw new EdnParseException(startLine, startColumn, "tag #" + tag + " is not followed by a form");
    }
    return new Tagged(new Symbol(tag), next());
  }

  private Object readAtom() {
    int startLine = line;
    int startColumn = column;
    String token = readToken();
    if (token.isEmpty()) {
      throw new EdnParseException(startLine, startColumn, "unexpected character '" + text.charAt(pos) + "'");
    }
    char first = token.charAt(0);
    if (first == ':') {
      if (token.length() == 1 || token.equals("::")) {
        throw new EdnParseException(startLine, startColumn, "incomplete keyword '" + token + "'");
      }
      return new Keyword(token.substring(1));
    }
    boolean numeric =
        Character.isDigit(first)
            || ((first == '+' || first == '-') && token.length() > 1 && Character.isDigit(token.charAt(1)));
    if (numeric) {
      return parseNumber(token, startLine, startColumn);
    }
    switch (token) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        return new Symbol(token);
    }
  }

  private static Object parseNumber(String token, int line, int column) {
    if (INTEGER.matcher(token).matches()) {
      boolean big = token.endsWith("N");
      String digits = big ? token.substring(0, token.length() - 1) : token;
      BigInteger value = new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits);
      if (!big && value.bitLength() < 64) {
        return value.longValue();
      }
      return value;
    }
    if (FLOAT.matcher(token).matches()) {
      if (token.endsWith("M")) {
        return new BigDecimal(token.substring(0, token.length() - 1));
      }
      return Double.parseDouble(token);
    }
    throw new EdnParseException(line, column, "malformed number '" + token + "'");
  }

  private String readToken() {
    int start = pos;
    while (pos < text.length() && isTokenChar(text.charAt(pos))) {
      advance();
    }
    return text.substring(start, pos);
  }

  private static boolean isTokenChar(char c) {
    if (Character.isWhitespace(c)) {
      return false;
    }
    switch (c) {
      case ',':
      case '(':
      case ')':
      case '[':
      case ']':
      case '{':
      case '}':
      case '"':
      case ';':
      case '\\':
        return false;
      default:
        return true;
    }
  }

  private void skipBlank() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ';') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          advance();
        }
      } else if (Character.isWhitespace(c) || c == ',') {
        advance();
      } else {
        return;
      }
    }
  }

  private boolean startsWith(String prefix) {
    return text.startsWith(prefix, pos);
  }

  private void advance() {
    if (text.charAt(pos) == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    pos++;
  }

  private EdnParseException error(String problem) {
    return new EdnParseException(line, column, problem);
  }
}
