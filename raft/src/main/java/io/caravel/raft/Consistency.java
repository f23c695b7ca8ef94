package io.caravel.raft;

/** How fresh a read must be (etcd's {@code serializable} flag). */
public enum Consistency {
    /** Reflects every write acknowledged before the read began (Raft ReadIndex); needs a quorum. */
    LINEARIZABLE,
    /** Served from this member's local store with no Raft round; may be stale; works without a leader. */
    SERIALIZABLE
}
