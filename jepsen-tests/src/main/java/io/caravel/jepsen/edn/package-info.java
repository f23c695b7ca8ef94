/**
 * A small reader (and printer) for EDN, the data notation Jepsen writes its histories in.
 *
 * <p>It covers what Jepsen histories use: maps, vectors, lists, sets, keywords, symbols, strings
 * with escapes, characters, integers, floating-point numbers, {@code nil}, {@code true}/{@code
 * false}, comments, {@code #_} discards and tagged elements (including record literals such as
 * {@code #jepsen.history.Op{...}}). Every syntax error is reported as an {@link
 * io.caravel.jepsen.edn.EdnParseException} naming the line and column.
 *
 * <p>Mapping to Java: {@code nil} is {@code null}; integers are {@link java.lang.Long} (or {@link
 * java.math.BigInteger} when they do not fit or carry the {@code N} suffix); vectors and lists are
 * unmodifiable {@link java.util.List}s (so {@code [1 2]} equals {@code (1 2)}, as in Clojure); maps
 * and sets keep their textual order; keywords and symbols are {@link
 * io.caravel.jepsen.edn.Keyword} and {@link io.caravel.jepsen.edn.Symbol}.
 */
package io.caravel.jepsen.edn;
