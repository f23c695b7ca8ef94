package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.Bytes;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** etcd membership calls mapped onto Ratis configuration changes, and leader transfer. */
@Timeout(180)
class MembershipIT {
    @TempDir
    Path dir;

    @Test
    void addLearnerThenPromoteIt() {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            await(c.kv(0).put(PutRequest.of("a", "1")));
            MiniCluster.Node joiner = c.newJoiner("m1");
            // etcd's order: add the member first, then start it.
            Member added = await(c.kv(0).memberAdd(List.of(joiner.config.advertisePeerUrl()), true));
            assertThat(added.learner()).isTrue();
            assertThat(await(c.kv(0).memberList())).extracting(Member::id).contains(added.id());
            c.startNode(joiner);
            assertThat(joiner.kv.memberId()).isEqualTo(added.id());
            waitUntil(() -> joiner.kv.currentRevision() == 2, WAIT, "learner replicates");
            assertThat(joiner.kv.raftRunning()).isTrue();
            assertThat(await(joiner.kv.range(RangeRequest.get(Bytes.of("a")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
            waitUntil(() -> await(c.kv(0).memberList()).stream().anyMatch(m -> m.id() == added.id() && m.learner()
                    && m.name().equals("m1")), WAIT, "learner listed with its name");

            List<Member> after = await(c.kv(0).memberPromote(added.id()));
            assertThat(after).hasSize(2).allMatch(m -> !m.learner());
            waitUntil(joiner.kv::raftRunning, WAIT, "promoted member runs as a follower");
            await(c.kv(0).put(PutRequest.of("b", "2")));
            assertThat(await(joiner.kv.range(RangeRequest.get(Bytes.of("b")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
        }
    }

    @Test
    void addVoterThatStartsAfterwards() {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            await(c.kv(0).put(PutRequest.of("a", "1")));
            MiniCluster.Node joiner = c.newJoiner("m1");
            Member added = await(c.kv(0).memberAdd(List.of(joiner.config.advertisePeerUrl()), false));
            assertThat(added.learner()).isFalse();
            c.startNode(joiner);
            waitUntil(() -> await(c.kv(0).memberList()).stream().filter(m -> !m.learner()).count() == 2, WAIT, "voter added");
            waitUntil(() -> joiner.kv.raftRunning() && joiner.kv.currentRevision() == 2, WAIT, "voter replicates");
            await(joiner.kv.put(PutRequest.of("b", "2")));
            assertThat(await(c.kv(0).range(RangeRequest.get(Bytes.of("b")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
            // A joined member restarts from its own storage (configuration included).
            int j = c.nodes.indexOf(joiner);
            c.restart(j);
            c.awaitLeader();
            await(c.kv(0).put(PutRequest.of("c", "3")));
            assertThat(await(c.kv(j).range(RangeRequest.get(Bytes.of("c")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
            assertThat(c.kv(j).raftRunning()).isTrue();
        }
    }

    @Test
    void removedMemberLeavesAndStops() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int victim = (leader + 1) % 3;
            long victimId = c.kv(victim).memberId();
            List<Member> left = await(c.kv(leader).memberRemove(victimId));
            assertThat(left).hasSize(2).noneMatch(m -> m.id() == victimId);
            RatisReplicatedKv removed = c.kv(victim);
            waitUntil(() -> {
                try {
                    removed.status();
                    return false;
                } catch (ClusterException e) {
                    return e.error() == ClusterError.STOPPED;
                }
            }, WAIT, "removed member stops");
            int other = 3 - leader - victim;
            await(c.kv(other).put(PutRequest.of("k", "v")));
            assertThat(await(c.kv(leader).memberList())).hasSize(2);
        }
    }

    @Test
    void memberUpdateAcceptsTheCurrentUrlAndRefusesAMove() {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            RatisReplicatedKv kv = c.kv(0);
            String url = c.node(0).config.advertisePeerUrl();
            assertThat(await(kv.memberUpdate(kv.memberId(), List.of(url)))).hasSize(1);
            assertThatThrownBy(() -> await(kv.memberUpdate(kv.memberId(), List.of("http://127.0.0.1:1"))))
                    .isInstanceOf(ClusterException.class).hasMessage(ClusterError.NOT_CAPABLE.message());
            assertThatThrownBy(() -> await(kv.memberUpdate(42, List.of(url))))
                    .isInstanceOf(ClusterException.class).hasMessage(ClusterError.MEMBER_NOT_FOUND.message());
        }
    }

    @Test
    void moveLeaderTransfersLeadership() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int target = (leader + 2) % 3;
            await(c.kv(leader).moveLeader(c.kv(target).memberId()));
            waitUntil(() -> c.awaitLeader() == target, WAIT, "target leads");
            await(c.kv(leader).put(PutRequest.of("k", "v")));
        }
    }
}
