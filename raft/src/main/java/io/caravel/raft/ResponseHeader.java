package io.caravel.raft;

/** etcd's {@code ResponseHeader}: who answered, and the store revision and Raft term it had then. */
public record ResponseHeader(long clusterId, long memberId, long revision, long raftTerm) {
}
