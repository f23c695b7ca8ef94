package io.caravel.jepsen.edn;

import java.util.Objects;

/**
 * An EDN keyword such as {@code :invoke} or {@code :jepsen/op}.
 *
 * <p>Two keywords are equal when their names are equal. {@link #toString()} prints the keyword in
 * EDN form, with its leading colon.
 *
 * @param name the keyword without its leading colon, e.g. {@code "invoke"}; never empty
 */
public record Keyword(String name) {

  /**
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public Keyword {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty keyword");
    }
  }

  /** Returns the keyword with the given name (without the colon). */
  public static Keyword of(String name) {
    return new Keyword(name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
