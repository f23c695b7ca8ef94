/**
 * Caravel's Jepsen-style verification tools: the command line {@link io.caravel.jepsen.Main}
 * ({@code ./caravel-jepsen check|run|campaign}); the linearizability checker in {@link
 * io.caravel.jepsen.checker} with its models ({@link io.caravel.jepsen.model}) and history reader
 * ({@link io.caravel.jepsen.history}); the Elle-style list-append checker ({@link
 * io.caravel.jepsen.elle}) and the watch checker ({@link io.caravel.jepsen.watch}); and the harness
 * that produces histories: local clusters ({@link io.caravel.jepsen.cluster}), faults ({@link
 * io.caravel.jepsen.nemesis}), workloads ({@link io.caravel.jepsen.workload}), runs ({@link
 * io.caravel.jepsen.run}) and reports ({@link io.caravel.jepsen.report}).
 */
package io.caravel.jepsen;
