/**
 * The workloads: register (per-key read/write/cas, linearizability), list-append (transactions,
 * strict serializability via {@link io.caravel.jepsen.elle}) and watch (watch guarantees via
 * {@link io.caravel.jepsen.watch}). Each records its operations through the run's recorder and
 * checks the resulting history.
 */
package io.caravel.jepsen.workload;
