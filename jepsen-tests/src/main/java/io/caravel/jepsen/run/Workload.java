package io.caravel.jepsen.run;

import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.Event;
import java.util.List;

/**
 * A workload: what the clients do, what they do at the end, and how the history is checked.
 *
 * <p>{@link #step} is called repeatedly by every worker's own thread during the main phase; it must
 * record exactly one operation (invoke, then ok / fail / info) through the context's recorder and
 * retire the worker's process after an {@code :info}. {@link #finish} runs once, after the faults
 * were healed and the cluster had time to recover.
 */
public interface Workload {

  /** The workload's name, as on the command line. */
  String name();

  /** Prepares the workload before the workers start (e.g. starts watchers). */
  default void setup(RunContext ctx) throws java.io.IOException, InterruptedException {}

  /** Performs one operation as {@code worker}. */
  void step(RunContext ctx, Worker worker) throws InterruptedException;

  /**
   * The final phase: final reads (or watch convergence), recorded in the history.
   *
   * @return whether the cluster served the final operations (liveness after healing)
   */
  boolean finish(RunContext ctx) throws InterruptedException;

  /**
   * Checks a history of this workload.
   *
   * @param history the parsed history (client operations)
   * @param events the raw events (for times and the report)
   */
  CheckSummary check(History history, List<Event> events, java.time.Duration timeout);
}
