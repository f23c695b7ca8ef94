/**
 * Runs and campaigns: the {@code run} and {@code campaign} commands, the run's phases ({@link
 * io.caravel.jepsen.run.Runner}), the workers and their jetcd clients with Jepsen's outcome rules
 * ({@link io.caravel.jepsen.run.Clients}, {@link io.caravel.jepsen.run.Worker}), and the workload
 * contract. Depends on the cluster, history, nemesis, workload and report packages.
 */
package io.caravel.jepsen.run;
