package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.raft.snapshot.FileTrees;
import io.caravel.store.Bytes;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.RaftServer;
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

    /** etcd answers a member that is asked to remove itself (etcdctl --endpoints=X member remove X) with the new list. */
    @Test
    void aMemberAskedToRemoveItselfAnswersWithTheListWithoutIt() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            long followerId = c.kv(follower).memberId();
            List<Member> left = await(c.kv(follower).memberRemove(followerId));
            assertThat(left).hasSize(2).noneMatch(m -> m.id() == followerId);

            long leaderId = c.kv(leader).memberId();
            List<Member> last = await(c.kv(leader).memberRemove(leaderId));
            assertThat(last).hasSize(1).noneMatch(m -> m.id() == leaderId);
            int remaining = 3 - leader - follower;
            waitUntil(() -> c.kv(remaining).isLeader(), WAIT, "the last member leads");
            await(c.kv(remaining).put(PutRequest.of("k", "v")));
            assertThat(await(c.kv(remaining).memberList())).extracting(Member::id).containsExactly(c.kv(remaining).memberId());
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
            // Quiet first: a member's publish appended during the transfer leaves the transferee a log entry
            // behind, its election fails and a third member may win (Ratis 3.3 keeps accepting entries while
            // it transfers; docs/raft.md, MoveLeader).
            c.awaitEveryMemberPublished(leader);
            await(c.kv(leader).moveLeader(c.kv(target).memberId()));
            waitUntil(() -> c.awaitLeader() == target, WAIT, "target leads");
            await(c.kv(leader).put(PutRequest.of("k", "v")));
        }
    }

    /**
     * Jepsen finding 2: a member removed, wiped and added back as a learner through a follower, then
     * promoted through a follower. The promote is refused while the learner is not ready (not started,
     * or not yet in sync by the leader's account) and accepted afterwards; the member is listed
     * throughout and ends as a voter. A remove right after the promote succeeds promptly (the
     * background add no longer retries once the member is in the configuration).
     */
    @Test
    void learnerAddedBackThroughAFollowerIsPromotedAndNeverLost() throws IOException {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int victim = (leader + 1) % 3;
            MiniCluster.Node node = c.node(victim);
            long victimId = c.kv(victim).memberId();
            String url = node.config.advertisePeerUrl();
            await(c.kv(leader).memberRemove(victimId));
            waitUntil(() -> stopped(node.kv), WAIT, "removed member stops");
            c.stop(victim);
            FileTrees.deleteTree(dir.resolve(node.name));
            node.config = c.config(node.name, url, c.initialCluster, false);
            for (int i = 0; i < 20; i++) {
                await(c.kv(leader).put(PutRequest.of("k" + i, "v" + i)));
            }

            int follower = c.follower();
            RatisReplicatedKv via = c.kv(follower);
            Member added = await(via.memberAdd(List.of(url), true));
            assertThat(added.id()).isEqualTo(victimId);
            assertListed(via, victimId);
            // Not started yet: not ready, and still listed afterwards.
            assertThatThrownBy(() -> await(via.memberPromote(victimId)))
                    .isInstanceOf(ClusterException.class).hasMessage(ClusterError.LEARNER_NOT_READY.message());
            assertListed(via, victimId);

            c.startNode(node);
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<Member> promoted = null;
            while (promoted == null) {
                try {
                    promoted = await(via.memberPromote(victimId));
                } catch (ClusterException e) {
                    assertThat(e.error()).isEqualTo(ClusterError.LEARNER_NOT_READY);
                    assertThat(System.nanoTime()).as("promote accepted in time").isLessThan(deadline);
                }
                assertListed(via, victimId);
            }
            assertThat(promoted).hasSize(3).allMatch(m -> !m.learner());
            for (int i = 0; i < 3; i++) {
                int k = i;
                waitUntil(() -> await(c.kv(k).memberList()).stream()
                        .filter(m -> !m.learner()).count() == 3, WAIT, "member " + k + " lists three voters");
            }
            waitUntil(() -> node.kv.raftRunning() && node.kv.currentRevision() == c.kv(leader).currentRevision(),
                    WAIT, "promoted member runs and replicates");
            await(c.kv(victim).put(PutRequest.of("after", "promote")));

            // Bug B: a remove right after the add and promote goes through promptly.
            long start = System.nanoTime();
            List<Member> left = await(c.kv(c.follower()).memberRemove(victimId));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(left).hasSize(2).noneMatch(m -> m.id() == victimId);
            waitUntil(() -> stopped(node.kv), WAIT, "removed member stops");
        }
    }

    /** A remove of a member that was added but never started cancels the add and really removes it. */
    @Test
    void removeOfAPendingMemberCancelsItsAdd() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            c.awaitLeader();
            RatisReplicatedKv via = c.kv(c.follower());
            MiniCluster.Node joiner = c.newJoiner("m3");
            Member added = await(via.memberAdd(List.of(joiner.config.advertisePeerUrl()), true));
            assertListed(via, added.id());
            List<Member> left = await(via.memberRemove(added.id()));
            assertThat(left).hasSize(3).noneMatch(m -> m.id() == added.id());
            for (int i = 0; i < 3; i++) {
                assertThat(await(c.kv(i).memberList())).hasSize(3).noneMatch(m -> m.id() == added.id());
            }
            assertThatThrownBy(() -> await(via.memberRemove(added.id())))
                    .isInstanceOf(ClusterException.class).hasMessage(ClusterError.MEMBER_NOT_FOUND.message());
            // It can be added again, started and promoted.
            await(via.memberAdd(List.of(joiner.config.advertisePeerUrl()), true));
            c.startNode(joiner);
            waitUntil(() -> {
                await(via.memberPromote(added.id()));
                return true;
            }, WAIT, "promote accepted");
            waitUntil(() -> await(c.kv(0).memberList()).stream().filter(m -> !m.learner()).count() == 4, WAIT, "four voters");
        }
    }

    /**
     * A configuration change resent after the configuration moved on (the Ratis client resends a
     * request whose reply it missed): here the learner's add, made before the learner existed,
     * arriving after the learner was promoted. It is refused, and the leader takes the next change.
     * Sent as Ratis's ADD it would leave the leader refusing every later change (the next test).
     */
    @Test
    void aChangeMadeAgainstAnOlderConfigurationIsRefusedAndLaterChangesGoThrough() {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            RatisReplicatedKv kv = c.kv(0);
            RatisReplicatedKv.ConfigurationView beforeAdd = view(kv);
            Member added = addStartAndPromoteALearner(c, kv);
            RaftPeer learner = peer(view(kv).servers(), added.id());

            assertThatThrownBy(() -> kv.changeConfiguration(beforeAdd, beforeAdd.withListener(learner)))
                    .isInstanceOf(SetConfigurationException.class).hasMessageContaining("is different than the request");
            assertThat(view(kv).servers()).extracting(RaftPeer::getId).contains(learner.getId());

            List<Member> left = await(kv.memberRemove(added.id()));
            assertThat(left).hasSize(1).noneMatch(m -> m.id() == added.id());
        }
    }

    /**
     * Why {@link RatisReplicatedKv#changeConfiguration} never sends ADD: in Ratis 3.3 a resent ADD of a
     * learner promoted since asks for a peer that is both a server and a listener, and the leader
     * registers it as pending before failing on it, so it refuses every later change. This pins that
     * behaviour of the Ratis version we use; when it fails, Ratis has fixed it (docs/raft.md).
     */
    @Test
    void ratisLeavesAResentAddOfAPromotedLearnerPendingForever() throws Exception {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            RatisReplicatedKv kv = c.kv(0);
            Member added = addStartAndPromoteALearner(c, kv);
            RaftServer server = kv.raftServerForTests();
            RaftServer.Division division = kv.divisionForTests();
            RaftPeer learner = peer(view(kv).servers(), added.id());

            SetConfigurationRequest.Arguments add = SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(List.of()).setListenersInNewConf(List.of(learner))
                    .setMode(SetConfigurationRequest.Mode.ADD).build();
            assertThatThrownBy(() -> server.setConfigurationAsync(request(division, 1, add)).get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(IllegalArgumentException.class).hasStackTraceContaining("in existing peers");

            RatisReplicatedKv.ConfigurationView now = view(kv);
            SetConfigurationRequest.Arguments remove = SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(now.servers().stream().filter(p -> !p.getId().equals(learner.getId())).toList())
                    .setListenersInNewConf(List.of())
                    .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY).build();
            assertThatThrownBy(() -> server.setConfigurationAsync(request(division, 2, remove)).get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasStackTraceContaining("addConfRequest");
        }
    }

    private Member addStartAndPromoteALearner(MiniCluster c, RatisReplicatedKv kv) {
        MiniCluster.Node joiner = c.newJoiner("m1");
        Member added = await(kv.memberAdd(List.of(joiner.config.advertisePeerUrl()), true));
        c.startNode(joiner);
        waitUntil(() -> {
            try {
                await(kv.memberPromote(added.id()));
                return true;
            } catch (ClusterException e) {
                assertThat(e.error()).isEqualTo(ClusterError.LEARNER_NOT_READY);
                return false;
            }
        }, WAIT, "promote accepted");
        return added;
    }

    private static RatisReplicatedKv.ConfigurationView view(RatisReplicatedKv kv) {
        return RatisReplicatedKv.ConfigurationView.of(kv.divisionForTests().getRaftConf());
    }

    private static RaftPeer peer(List<RaftPeer> peers, long memberId) {
        RaftPeerId id = RaftPeerId.valueOf(MemberIds.peerId(memberId));
        return peers.stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
    }

    private static SetConfigurationRequest request(RaftServer.Division division, long callId, SetConfigurationRequest.Arguments args) {
        return new SetConfigurationRequest(ClientId.randomId(), division.getId(), division.getGroup().getGroupId(), callId, args);
    }

    private static void assertListed(RatisReplicatedKv kv, long id) {
        assertThat(await(kv.memberList())).extracting(Member::id).contains(id);
    }

    private static boolean stopped(RatisReplicatedKv kv) {
        try {
            kv.status();
            return false;
        } catch (ClusterException e) {
            return e.error() == ClusterError.STOPPED;
        }
    }

}
