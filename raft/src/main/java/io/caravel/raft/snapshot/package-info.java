/**
 * Checkpoint shipping: the archive format of a store checkpoint and the service that streams it from
 * the leader to a follower that fell behind the leader's purged log (Ratis's snapshot notification
 * mode). Uses only Ratis's shaded gRPC, never unshaded {@code io.grpc}.
 */
package io.caravel.raft.snapshot;
