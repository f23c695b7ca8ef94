package io.caravel.jepsen;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.edn.Keyword;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryParser;
import java.util.List;

/**
 * Builds small Jepsen histories as EDN text, one op map per line, for tests. Values are printed
 * with {@link Edn#print}, so {@code List.of(1L, 2L)} becomes {@code [1 2]}.
 */
public final class HistoryText {

  private final StringBuilder text = new StringBuilder();

  /** Appends {@code {:process p, :type :invoke, :f :f, :value v}}. */
  public HistoryText invoke(long process, String f, Object value) {
    return op(process, "invoke", f, null, value);
  }

  /** Appends an {@code :ok} completion. */
  public HistoryText ok(long process, String f, Object value) {
    return op(process, "ok", f, null, value);
  }

  /** Appends a {@code :fail} completion. */
  public HistoryText fail(long process, String f, Object value) {
    return op(process, "fail", f, null, value);
  }

  /** Appends an {@code :info} completion. */
  public HistoryText info(long process, String f, Object value) {
    return op(process, "info", f, null, value);
  }

  /** Appends an op map with a {@code :key} ({@code key} may be null to leave it out). */
  public HistoryText op(long process, String type, String f, Object key, Object value) {
    text.append("{:process ").append(process)
        .append(", :type ").append(Keyword.of(type))
        .append(", :f ").append(Keyword.of(f));
    if (key != null) {
      text.append(", :key ").append(Edn.print(key));
    }
    text.append(", :value ").append(Edn.print(value)).append("}\n");
    return this;
  }

  /** Appends an invocation and its {@code :ok} completion right after it. */
  public HistoryText sequential(long process, String f, Object invokeValue, Object okValue) {
    return invoke(process, f, invokeValue).ok(process, f, okValue);
  }

  /** Appends a raw line. */
  public HistoryText line(String raw) {
    text.append(raw).append('\n');
    return this;
  }

  /** A builder holding a copy of this one's text, to extend in another direction. */
  public HistoryText copy() {
    HistoryText other = new HistoryText();
    other.text.append(text);
    return other;
  }

  /** The EDN text. */
  public String edn() {
    return text.toString();
  }

  /** The parsed history. */
  public History history() {
    return HistoryParser.parse(edn());
  }

  /** {@code [a b]}, as a cas value. */
  public static List<Long> pair(long a, long b) {
    return List.of(a, b);
  }

  /**
   * A history the search needs about n·2^(n-1) configurations to refute: {@code n} concurrent
   * writes of distinct values, all completing, then a read of a value never written.
   * With n around 30 the search cannot finish in any reasonable time, so it exercises the time
   * bound.
   *
   * @param key the {@code :key} for every operation, or null for none
   */
  public static HistoryText hard(int n, Object key) {
    HistoryText h = new HistoryText();
    for (int p = 0; p < n; p++) {
      h.op(p, "invoke", "write", key, (long) p);
    }
    for (int p = 0; p < n; p++) {
      h.op(p, "ok", "write", key, (long) p);
    }
    h.op(n, "invoke", "read", key, null);
    h.op(n, "ok", "read", key, -1L);
    return h;
  }
}
