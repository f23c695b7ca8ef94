package io.caravel.jepsen.edn;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Printing values in EDN syntax, for messages and reports. */
public final class Edn {

  private Edn() {}

  /**
   * Prints a value as EDN: {@code null} as {@code nil}, strings quoted with escapes, lists as
   * vectors, maps and sets in their iteration order. Values of other types print with {@link
   * Object#toString()}.
   */
  public static String print(Object value) {
    StringBuilder sb = new StringBuilder();
    print(value, sb);
    return sb.toString();
  }

  /**
   * Prints a value as {@link #print} does, but when the text is longer than {@code maxChars}
   * keeps its beginning and end around {@code " … "}, e.g. {@code "x 0 0 yx 1 0 y … x 9 9 y"}.
   *
   * @param maxChars the longest text returned unabbreviated; at least 10
   */
  public static String printAbbreviated(Object value, int maxChars) {
    if (maxChars < 10) {
      throw new IllegalArgumentException("maxChars must be at least 10: " + maxChars);
    }
    String text = print(value);
    if (text.length() <= maxChars) {
      return text;
    }
    int tail = (maxChars - 3) / 3;
    int head = maxChars - 3 - tail;
    return text.substring(0, head) + " … " + text.substring(text.length() - tail);
  }

  private static void print(Object value, StringBuilder sb) {
    if (value == null) {
      sb.append("nil");
    } else if (value instanceof String s) {
      printString(s, sb);
    } else if (value instanceof Character c) {
      printCharacter(c, sb);
    } else if (value instanceof List<?> list) {
      sb.append('[');
      printAll(list.iterator(), sb);
      sb.append(']');
    } else if (value instanceof Set<?> set) {
      sb.append("#{");
      printAll(set.iterator(), sb);
      sb.append('}');
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        print(e.getKey(), sb);
        sb.append(' ');
        print(e.getValue(), sb);
      }
      sb.append('}');
    } else {
      sb.append(value);
    }
  }

  private static void printAll(Iterator<?> items, StringBuilder sb) {
    boolean first = true;
    while (items.hasNext()) {
      if (!first) {
        sb.append(' ');
      }
      first = false;
      print(items.next(), sb);
    }
  }

  private static void printString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void printCharacter(char c, StringBuilder sb) {
    switch (c) {
      case '\n' -> sb.append("\\newline");
      case ' ' -> sb.append("\\space");
      case '\t' -> sb.append("\\tab");
      case '\r' -> sb.append("\\return");
      default -> sb.append('\\').append(c);
    }
  }
}
