package io.caravel.server.embed;

import io.caravel.raft.Member;
import io.caravel.raft.NodeStatus;
import io.caravel.raft.ReplicatedKv;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** etcd's Cluster API (and this member's status) in process. Thread-safe. */
public final class EmbeddedCluster {
    private final ReplicatedKv kv;

    public EmbeddedCluster(ReplicatedKv kv) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
    }

    public CompletableFuture<List<Member>> members() {
        return kv.memberList();
    }

    /** Adds a member by its peer URL; start it afterwards with the initial cluster state "existing". */
    public CompletableFuture<Member> add(String peerUrl, boolean learner) {
        return kv.memberAdd(List.of(peerUrl), learner);
    }

    public CompletableFuture<List<Member>> remove(long memberId) {
        return kv.memberRemove(memberId);
    }

    public CompletableFuture<List<Member>> promote(long memberId) {
        return kv.memberPromote(memberId);
    }

    /** This member's view: leader, term, indexes, sizes. */
    public NodeStatus status() {
        return kv.status();
    }

    public long memberId() {
        return kv.memberId();
    }
}
