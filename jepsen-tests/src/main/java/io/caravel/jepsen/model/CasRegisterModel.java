package io.caravel.jepsen.model;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import java.util.List;
import java.util.Objects;

/**
 * A compare-and-set register, initially {@code nil}: the {@link RegisterModel register}'s {@code
 * :read} and {@code :write}, plus {@code :cas} with value {@code [expected new]}, as in Jepsen's
 * cas-register.
 *
 * <p>An {@code :ok} cas took effect, so it is legal only when the register holds {@code expected},
 * and then sets it to {@code new}. A cas whose comparison failed must be recorded as {@code :fail}
 * (Jepsen's convention), and is then removed as having had no effect. An {@code :info} cas may take
 * effect only where the register holds {@code expected}.
 *
 * <p>Thread-safe and stateless; a singleton is {@link #INSTANCE}.
 */
public final class CasRegisterModel extends RegisterModel {

  /** The shared instance. */
  public static final CasRegisterModel INSTANCE = new CasRegisterModel();

  private CasRegisterModel() {}

  @Override
  public String name() {
    return "cas-register";
  }

  @Override
  public String validate(Operation op) {
    if (!op.f().equals("cas")) {
      return super.validate(op);
    }
    Object arg = argument(op);
    if (!(arg instanceof List<?> pair) || pair.size() != 2) {
      return ":cas needs a value [expected new], found " + Edn.print(arg);
    }
    return null;
  }

  @Override
  protected String expectedFunctions() {
    return ":read, :write or :cas";
  }

  @Override
  public Value step(Value state, Operation op) {
    if (!op.f().equals("cas")) {
      return super.step(state, op);
    }
    List<?> pair = (List<?>) argument(op);
    if (!Objects.equals(state.value(), pair.get(0))) {
      // An :ok cas cannot have succeeded here; an :info cas that "took effect" here changed nothing,
      // which the checker covers by letting it never take effect.
      return null;
    }
    assert op.outcome() == Outcome.OK || op.outcome() == Outcome.INFO;
    return new Value(pair.get(1));
  }
}
