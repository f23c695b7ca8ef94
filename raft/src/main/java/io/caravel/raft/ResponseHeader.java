package io.caravel.raft;

/** etcd's {@code ResponseHeader}: who answered, and the store revision and Raft term it had then. */
public record ResponseHeader(long clusterId, long memberId, long revision, long raftTerm) {

    /** The same member and term at another store revision (the revision a result was made at). */
    public ResponseHeader withRevision(long atRevision) {
        return atRevision == revision ? this : new ResponseHeader(clusterId, memberId, atRevision, raftTerm);
    }
}
