package io.caravel.jepsen.model;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import java.util.Objects;

/**
 * A read/write register, initially {@code nil}, with operations {@code :read} (result: the value
 * read) and {@code :write} (argument: the value). With {@code :key} on the operations, every key
 * is an independent register (and its own partition).
 *
 * <p>A read is legal only if it returns exactly the current value; in particular a read that
 * returns {@code nil} claims that the register is still unwritten. (Knossos instead treats a
 * {@code nil} read result as "unknown", which accepts more histories.) Values compare with EDN
 * equality: {@code 1} and {@code "1"} differ; a vector equals a list with the same elements.
 *
 * <p>Thread-safe and stateless; a singleton is {@link #INSTANCE}.
 */
public class RegisterModel implements Model<RegisterModel.Value> {

  /** The shared instance. */
  public static final RegisterModel INSTANCE = new RegisterModel();

  /**
   * A register's content (possibly {@code nil}) as a model state.
   *
   * @param value the register's value; {@code null} for {@code nil}
   */
  public record Value(Object value) {
    /** The unwritten register. */
    public static final Value NIL = new Value(null);

    @Override
    public String toString() {
      return Edn.print(value);
    }
  }

  /** Subclasses add operations. */
  protected RegisterModel() {}

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Value initialState() {
    return Value.NIL;
  }

  @Override
  public String validate(Operation op) {
    return switch (op.f()) {
      case "read", "write" -> null;
      default -> "the " + name() + " model has no operation :" + op.f() + " (expected " + expectedFunctions() + ")";
    };
  }

  /** The {@code :f} values this model accepts, for error messages. */
  protected String expectedFunctions() {
    return ":read or :write";
  }

  @Override
  public boolean isReadOnly(Operation op) {
    return op.f().equals("read");
  }

  @Override
  public Value step(Value state, Operation op) {
    return switch (op.f()) {
      case "read" -> {
        if (op.outcome() == Outcome.INFO) {
          yield null; // an indeterminate read has no effect; the checker drops it anyway
        }
        yield Objects.equals(state.value(), op.output()) ? state : null;
      }
      case "write" -> new Value(argument(op));
      default -> throw new IllegalArgumentException("unvalidated operation " + op);
    };
  }

  /**
   * The operation's argument: the invocation's {@code :value}, or, when that is {@code nil}, the
   * completion's (Jepsen completions of writes repeat the argument).
   */
  protected static Object argument(Operation op) {
    return op.input() != null ? op.input() : op.output();
  }

  @Override
  public String describeState(Value state) {
    return Edn.print(state.value());
  }
}
