package io.caravel.jepsen.edn;

import java.util.Objects;

/**
 * An EDN symbol other than {@code nil}, {@code true} and {@code false}, for example {@code foo} or
 * the tag {@code jepsen.history.Op}.
 *
 * @param name the symbol's text; never empty
 */
public record Symbol(String name) {

  /**
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public Symbol {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty symbol");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
