/**
 * Caravel's Jepsen-style verification tools. So far: the command line {@link io.caravel.jepsen.Main}
 * ({@code ./caravel-jepsen check}) over the linearizability checker in {@link
 * io.caravel.jepsen.checker}, which reads histories with {@link io.caravel.jepsen.history} and
 * checks them against the models in {@link io.caravel.jepsen.model}.
 */
package io.caravel.jepsen;
