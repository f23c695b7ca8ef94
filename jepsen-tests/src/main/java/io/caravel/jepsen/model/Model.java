package io.caravel.jepsen.model;

import io.caravel.jepsen.history.Operation;

/**
 * A sequential specification: a state machine that says which operations, with which results, are
 * legal in which state.
 *
 * <p>Contract, relied upon by the checker:
 *
 * <ul>
 *   <li>States are immutable values with consistent {@link Object#equals(Object)} and {@link
 *       Object#hashCode()}: the checker memoises (linearized set, state) pairs. States are never
 *       {@code null}.
 *   <li>{@link #step} is a pure, deterministic function of its arguments, and may be called from
 *       several threads at once (one per partition).
 *   <li>For an operation with a known result ({@link io.caravel.jepsen.history.Outcome#OK}), {@code
 *       step} returns the state after the operation took effect with that result, or {@code null}
 *       if that result is impossible in {@code state}.
 *   <li>For an indeterminate operation ({@link io.caravel.jepsen.history.Outcome#INFO}, output
 *       unknown), {@code step} returns the state after the operation <em>took effect</em>, or
 *       {@code null} if it cannot take effect in {@code state}. The checker separately allows every
 *       indeterminate operation never to take effect, so a model may return {@code null} wherever
 *       taking effect would leave the state unchanged (e.g. a cas whose comparison fails).
 *   <li>{@link io.caravel.jepsen.history.Outcome#FAIL} operations are never passed to {@code step}:
 *       they had no effect and are removed before the search.
 * </ul>
 *
 * @param <S> the state type
 */
public interface Model<S> {

  /** The model's name, as on the command line ({@code register}, {@code cas-register}, ...). */
  String name();

  /** The state before any operation. */
  S initialState();

  /**
   * Checks that the model understands the operation (its {@code :f}, the shape of its values, a
   * {@code :key} where one is required), so that malformed histories are rejected up front with a
   * line number rather than judged.
   *
   * @return {@code null} if the operation is acceptable, otherwise a message saying what is wrong
   */
  String validate(Operation op);

  /**
   * Whether the operation never changes the state (a read): for every state {@code s}, {@code
   * step(s, op)} is either {@code null} or equal to {@code s}. The checker relies on this to drop
   * indeterminate read-only operations (they constrain nothing) and to linearize a legal read-only
   * operation as soon as it may go next. Answering {@code false} is always safe, only slower.
   */
  boolean isReadOnly(Operation op);

  /**
   * Applies an operation; see the interface documentation for the contract.
   *
   * @param state the state before the operation; never {@code null}
   * @param op a validated operation whose outcome is OK or INFO
   * @return the state after it, or {@code null} if the operation (with its result) is illegal here
   */
  S step(S state, Operation op);

  /**
   * The partition an operation belongs to. Operations in different partitions must not interact,
   * so that the history is linearizable if and only if every partition is (P-compositionality).
   *
   * @return the partition key; {@code null} puts the operation in the single unkeyed partition
   */
  default Object partitionKey(Operation op) {
    return op.key();
  }

  /** A human-readable rendering of a state, for reports. */
  String describeState(S state);
}
