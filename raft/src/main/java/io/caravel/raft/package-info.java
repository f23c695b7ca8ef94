/**
 * The replicated node: an Apache Ratis state machine over the {@link io.caravel.store.MvccStore},
 * linearizable reads through ReadIndex, membership, snapshots, and the time-based decisions the leader
 * makes and replicates (lease expiry, auto-compaction). {@link io.caravel.raft.ReplicatedKv} is its
 * whole surface towards {@code server/}. This is the only module that imports {@code org.apache.ratis};
 * Ratis types never leave it. Must not depend on gRPC (unshaded), Vert.x or HTTP.
 */
package io.caravel.raft;
