/**
 * The Ratis state machine over the store ({@link io.caravel.raft.statemachine.KvStateMachine}), the
 * replicated cluster meta file, and the leader's lease clock. Depends on the store, Ratis and the
 * command codec.
 */
package io.caravel.raft.statemachine;
