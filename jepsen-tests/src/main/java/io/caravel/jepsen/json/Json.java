package io.caravel.jepsen.json;

import java.util.Iterator;
import java.util.Map;

/**
 * A minimal JSON writer for results files and the data embedded in HTML reports: maps (keys printed
 * with {@link String#valueOf}), iterables, arrays of objects, strings, numbers, booleans and
 * {@code null}; anything else prints as its {@code toString()} string. Stateless.
 */
public final class Json {

  private Json() {}

  /** The value as compact JSON. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, -1, 0);
    return sb.toString();
  }

  /** The value as indented JSON (two spaces), for files people read. */
  public static String pretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, 2, 0);
    return sb.append('\n').toString();
  }

  private static void write(Object v, StringBuilder sb, int indent, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(s, sb);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      sb.append("null");
    } else if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
      sb.append("null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, depth + 1);
        string(String.valueOf(e.getKey()), sb);
        sb.append(indent >= 0 ? ": " : ":");
        write(e.getValue(), sb, indent, depth + 1);
      }
      if (!first) {
        newline(sb, indent, depth);
      }
      sb.append('}');
    } else if (v instanceof Iterable<?> it) {
      array(it.iterator(), sb, indent, depth);
    } else if (v instanceof Object[] arr) {
      array(java.util.Arrays.asList(arr).iterator(), sb, indent, depth);
    } else {
      string(v.toString(), sb);
    }
  }

  private static void array(Iterator<?> it, StringBuilder sb, int indent, int depth) {
    sb.append('[');
    boolean first = true;
    boolean scalars = true;
    StringBuilder inner = new StringBuilder();
    while (it.hasNext()) {
      Object x = it.next();
      scalars &= !(x instanceof Map || x instanceof Iterable || x instanceof Object[]);
      if (!first) {
        inner.append(scalars && indent >= 0 ? ", " : ",");
      }
      first = false;
      if (!scalars) {
        newline(inner, indent, depth + 1);
      }
      write(x, inner, indent, depth + 1);
    }
    sb.append(inner);
    if (!first && !scalars) {
      newline(sb, indent, depth);
    }
    sb.append(']');
  }

  private static void newline(StringBuilder sb, int indent, int depth) {
    if (indent >= 0) {
      sb.append('\n');
      sb.append(" ".repeat(indent * depth));
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<' -> sb.append("\\u003c"); // safe inside an HTML <script> element
        case '>' -> sb.append("\\u003e");
        case '&' -> sb.append("\\u0026");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
