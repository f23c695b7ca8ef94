/**
 * Fault injection: the fault kinds and their variants (kill, pause, partition, member) and the
 * schedule that injects and heals them during a run, recording each as a nemesis event. Depends on
 * the cluster and history packages.
 */
package io.caravel.jepsen.nemesis;
