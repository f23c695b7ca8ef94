package io.caravel.jepsen.model;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;

/**
 * Porcupine's key-value model: string values per key, with {@code :get}, {@code :put} and {@code
 * :append}. Every operation must carry a {@code :key}; keys are independent and each is its own
 * partition, so the state is just the string of one key, initially {@code ""}.
 *
 * <table>
 *   <caption>Sequential specification of one key</caption>
 *   <tr><th>operation</th><th>legal when</th><th>new state</th></tr>
 *   <tr><td>{@code get} returning {@code out}</td><td>{@code out} equals the state</td><td>unchanged</td></tr>
 *   <tr><td>{@code put(v)}</td><td>always</td><td>{@code v}</td></tr>
 *   <tr><td>{@code append(v)}</td><td>always</td><td>state followed by {@code v}</td></tr>
 * </table>
 *
 * <p>A never-written key reads as {@code ""}; a {@code get} returning {@code nil} is taken to mean
 * {@code ""} too. Arguments of put and append must be strings.
 *
 * <p>Thread-safe and stateless; a singleton is {@link #INSTANCE}.
 */
public final class KvModel implements Model<String> {

  /** The shared instance. */
  public static final KvModel INSTANCE = new KvModel();

  private KvModel() {}

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public String initialState() {
    return "";
  }

  @Override
  public String validate(Operation op) {
    if (op.key() == null) {
      return "the kv model needs a :key on every operation";
    }
    switch (op.f()) {
      case "get":
        if (op.outcome() == Outcome.OK && op.output() != null && !(op.output() instanceof String)) {
          return ":get must return a string, found " + Edn.print(op.output());
        }
        return null;
      case "put":
      case "append":
        Object arg = argument(op);
        if (!(arg instanceof String)) {
          return ":" + op.f() + " needs a string value, found " + Edn.print(arg);
        }
        return null;
      default:
        return "the kv model has no operation :" + op.f() + " (expected :get, :put or :append)";
    }
  }

  @Override
  public boolean isReadOnly(Operation op) {
    return op.f().equals("get");
  }

  @Override
  public String step(String state, Operation op) {
    switch (op.f()) {
      case "get": {
        if (op.outcome() == Outcome.INFO) {
          return null; // no effect; the checker drops indeterminate gets anyway
        }
        Object out = op.output() == null ? "" : op.output();
        return state.equals(out) ? state : null;
      }
      case "put":
        return (String) argument(op);
      case "append":
        return state.concat((String) argument(op));
      default:
        throw new IllegalArgumentException("unvalidated operation " + op);
    }
  }

  @Override
  public Object partitionKey(Operation op) {
    return op.key();
  }

  @Override
  public String describeState(String state) {
    return Edn.print(state);
  }

  private static Object argument(Operation op) {
    return op.input() != null ? op.input() : op.output();
  }
}
