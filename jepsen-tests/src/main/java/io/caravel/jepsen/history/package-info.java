/**
 * Jepsen operation histories: reading them from EDN and pairing each invocation with its
 * completion.
 *
 * <p>A history file holds one op map per event, in real-time order, e.g. {@code {:process 0, :type
 * :invoke, :f :read, :value nil}}. {@link io.caravel.jepsen.history.HistoryParser} pairs each
 * {@code :invoke} with the next completion of the same process into an {@link
 * io.caravel.jepsen.history.Operation}, with Jepsen's meaning of the completion type: {@code :ok}
 * took effect, {@code :fail} did not, {@code :info} (or no completion at all) may have taken effect
 * at any moment after the invocation, or never. {@link io.caravel.jepsen.history.Recorder} writes
 * such files during a run, one {@link io.caravel.jepsen.history.Event} per line.
 */
package io.caravel.jepsen.history;
