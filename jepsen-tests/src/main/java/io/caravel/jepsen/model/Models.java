package io.caravel.jepsen.model;

import java.util.List;
import java.util.Optional;

/** The models available by name, as used by {@code caravel-jepsen check --model NAME}. */
public final class Models {

  private static final List<Model<?>> ALL =
      List.of(RegisterModel.INSTANCE, CasRegisterModel.INSTANCE, KvModel.INSTANCE);

  private Models() {}

  /** Every model, in the order {@code register}, {@code cas-register}, {@code kv}. */
  public static List<Model<?>> all() {
    return ALL;
  }

  /** The model called {@code name}, if there is one. */
  public static Optional<Model<?>> byName(String name) {
    return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The model names joined with {@code |}, for usage messages. */
  public static String names() {
    return String.join("|", ALL.stream().map(Model::name).toList());
  }
}
