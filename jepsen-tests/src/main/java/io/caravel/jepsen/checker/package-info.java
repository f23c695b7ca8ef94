/**
 * The linearizability checker: Wing &amp; Gong's search with Lowe's memoisation ("WGL", the algorithm
 * behind Porcupine and Knossos' {@code wgl}), applied to each partition of a history (by key, via
 * P-compositionality), with partitions checked in parallel under one overall time bound.
 *
 * <p>Entry point: {@link io.caravel.jepsen.checker.LinearizabilityChecker}. Its result, {@link
 * io.caravel.jepsen.checker.CheckResult}, carries a {@link io.caravel.jepsen.checker.Verdict} and
 * per-partition details, including for a violation the longest linearizable prefix found and the
 * operation that could not be linearized after it ({@link
 * io.caravel.jepsen.checker.Counterexample}).
 */
package io.caravel.jepsen.checker;
