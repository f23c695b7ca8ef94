package io.caravel.jepsen.edn;

import java.util.Objects;

/**
 * A tagged EDN element, {@code #tag value}, kept uninterpreted: for example {@code #inst
 * "2024-01-01T00:00:00Z"} or the record literal {@code #jepsen.history.Op{:type :ok, ...}}, whose
 * value is the map.
 *
 * @param tag the tag symbol
 * @param value the element that followed the tag; may be {@code null} for {@code #tag nil}
 */
public record Tagged(Symbol tag, Object value) {

  /** @throws NullPointerException if {@code tag} is null */
  public Tagged {
    Objects.requireNonNull(tag, "tag");
  }

  @Override
  public String toString() {
    return "#" + tag + " " + Edn.print(value);
  }
}
