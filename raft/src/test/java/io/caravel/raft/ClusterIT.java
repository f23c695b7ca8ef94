package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.KeyValue;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real members on loopback: replication, reads on followers, failover, restart. */
@Timeout(180)
class ClusterIT {
    @TempDir
    Path dir;

    static RangeResult get(RatisReplicatedKv kv, String key, Consistency c) {
        return await(kv.range(RangeRequest.get(Bytes.of(key)), c));
    }

    static RangeResult all(RatisReplicatedKv kv, Consistency c) {
        return await(kv.range(RangeRequest.builder(Bytes.ZERO).rangeEnd(Bytes.ZERO).build(), c));
    }

    @Test
    void writeOnFollowerThenLinearizableAndSerializableReads() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int f1 = (leader + 1) % 3;
            int f2 = (leader + 2) % 3;
            long rev = await(c.kv(f1).put(PutRequest.of("k", "v1"))).revision();
            assertThat(rev).isEqualTo(2);
            // A linearizable read on the other follower must see the acknowledged write.
            RangeResult r = get(c.kv(f2), "k", Consistency.LINEARIZABLE);
            assertThat(r.kvs()).extracting(kv -> kv.value().toStringUtf8()).containsExactly("v1");
            // The member that took the write has applied it before answering.
            assertThat(get(c.kv(f1), "k", Consistency.SERIALIZABLE).kvs()).hasSize(1);
            waitUntil(() -> get(c.kv(leader), "k", Consistency.SERIALIZABLE).kvs().size() == 1, WAIT, "leader applies");
            for (int i = 0; i < 3; i++) {
                assertThat(c.kv(i).clusterId()).isEqualTo(c.kv(0).clusterId());
            }
            List<Member> members = await(c.kv(f2).memberList());
            assertThat(members).hasSize(3).allMatch(m -> !m.learner());
            waitUntil(() -> await(c.kv(f2).memberList()).stream().allMatch(m -> !m.name().isEmpty()), WAIT, "publish");
        }
    }

    @Test
    void followersForwardWritesAndReadBarriersIntoTheLeadersEntries() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int f1 = (leader + 1) % 3;
            await(c.kv(leader).put(PutRequest.of("warm", "up"))); // the leader has committed an entry of its term
            ProposalCounts before = c.kv(leader).proposals();
            List<CompletableFuture<io.caravel.store.PutResult>> puts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                puts.add(c.kv(f1).put(PutRequest.of("f" + i, "v" + i)));
            }
            List<Long> revisions = puts.stream().map(f -> await(f).revision()).sorted().toList();
            assertThat(revisions).doesNotHaveDuplicates().hasSize(40);
            // the leader's own batcher proposed the follower's writes: no entry of the follower's own
            ProposalCounts after = c.kv(leader).proposals();
            assertThat(after.requests() - before.requests()).isEqualTo(40);
            // the follower answered only after applying them itself
            for (int i = 0; i < 40; i++) {
                assertThat(get(c.kv(f1), "f" + i, Consistency.SERIALIZABLE).kvs()).hasSize(1);
            }
        }
    }

    @Test
    void linearizableReadsTakeReadIndexRoundsNotEntries() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int f1 = (leader + 1) % 3;
            await(c.kv(leader).put(PutRequest.of("warm", "up"))); // the leader has committed an entry of its term
            // no member's publish may land among the entries counted below
            c.awaitEveryMemberPublished(leader);
            for (int i = 0; i < 5; i++) {
                // a write acknowledged by the leader is seen at once by a linearizable read on a follower
                await(c.kv(leader).put(PutRequest.of("k", "v" + i)));
                ProposalCounts leaderBefore = c.kv(leader).proposals();
                ProposalCounts followerBefore = c.kv(f1).proposals();
                assertThat(get(c.kv(f1), "k", Consistency.LINEARIZABLE).kvs().get(0).value().toStringUtf8()).isEqualTo("v" + i);
                assertThat(get(c.kv(leader), "k", Consistency.LINEARIZABLE).kvs().get(0).value().toStringUtf8()).isEqualTo("v" + i);
                ProposalCounts leaderAfter = c.kv(leader).proposals();
                // the follower asked the leader, whose rounds served both reads: no entry was proposed for them
                assertThat(c.kv(f1).proposals().readIndexRounds()).isEqualTo(followerBefore.readIndexRounds() + 1);
                assertThat(leaderAfter.readIndexRounds()).isEqualTo(leaderBefore.readIndexRounds() + 2);
                assertThat(leaderAfter.entries()).isEqualTo(leaderBefore.entries());
                assertThat(c.kv(f1).proposals().entries()).isEqualTo(followerBefore.entries());
            }
        }
    }

    /**
     * Many overlapping linearizable reads on the followers: the leader starts rounds while serving a follower's
     * forwarded read and from the thread that finished the previous round. Every round must be answered by
     * the voters, so no read falls back to an entry (a round's questions were once started in the gRPC context
     * of the forwarded call that started the round, and cancelled when that call was answered).
     */
    @Test
    void overlappingReadsOnFollowersAreServedByRoundsNotEntries() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            await(c.kv(leader).put(PutRequest.of("k", "v"))); // the leader has committed an entry of its term
            c.awaitEveryMemberPublished(leader);
            ProposalCounts before = c.kv(leader).proposals();
            List<CompletableFuture<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 16; r++) {
                RatisReplicatedKv kv = c.kv((leader + 1 + r % 2) % 3);
                CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
                for (int i = 0; i < 60; i++) {
                    chain = chain.thenCompose(n -> kv.range(RangeRequest.get(Bytes.of("k")), Consistency.LINEARIZABLE)
                            .thenApply(result -> n + result.kvs().size()));
                }
                readers.add(chain);
            }
            for (CompletableFuture<Integer> r : readers) {
                assertThat(await(r)).isEqualTo(60);
            }
            ProposalCounts after = c.kv(leader).proposals();
            assertThat(after.readIndexRounds()).isGreaterThan(before.readIndexRounds());
            assertThat(after.entries()).as("entries proposed by the leader during the reads").isEqualTo(before.entries());
        }
    }

    /**
     * Ratis tells followers a new commit index with the next entry or heartbeat; Caravel's leader announces it at
     * once (CommitAnnouncingGrpc), since no metadata entry does. With a 4 s heartbeat (election timeout 8 s), a
     * follower's lone write, which it answers once it has applied it, and a leader's write reaching the
     * followers, each finish well inside one heartbeat interval.
     */
    @Test
    void followersApplyALoneWriteWithoutWaitingForAHeartbeat() {
        Duration heartbeat = Duration.ofSeconds(4);
        try (MiniCluster c = MiniCluster.start(3, dir, RaftTuning.defaults(), x -> new RaftNodeConfig(x.name(),
                x.dataDirectory(), x.peerUrl(), x.advertisePeerUrl(), x.clientUrls(), x.initialCluster(), x.newCluster(),
                x.clusterToken(), heartbeat.multipliedBy(2), heartbeat.multipliedBy(2).plusSeconds(1),
                x.quotaBackendBytes(), x.autoCompactionMode(), x.autoCompactionRetention(), x.snapshotCount()))) {
            int leader = c.awaitLeader();
            int f1 = (leader + 1) % 3;
            int f2 = (leader + 2) % 3;
            await(c.kv(leader).put(PutRequest.of("warm", "up")));
            c.awaitEveryMemberPublished(leader);
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                long rev = await(c.kv(f1).put(PutRequest.of("f", "v" + i))).revision();
                Duration followerWrite = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(followerWrite).as("a follower's lone write, answered after its own apply").isLessThan(heartbeat.dividedBy(2));

                t0 = System.nanoTime();
                long leaderRev = await(c.kv(leader).put(PutRequest.of("l", "v" + i))).revision();
                assertThat(leaderRev).isGreaterThan(rev);
                waitUntil(() -> c.kv(f2).currentRevision() >= leaderRev, WAIT, "the follower applies the leader's write");
                Duration applied = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(applied).as("a leader's lone write applied on a follower").isLessThan(heartbeat.dividedBy(2));
            }
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersServesNoLinearizableRead() {
        try (MiniCluster c = MiniCluster.start(3, dir, RaftTuning.defaults().withRequestTimeout(Duration.ofSeconds(3)), x -> x)) {
            int leader = c.awaitLeader();
            await(c.kv(leader).put(PutRequest.of("k", "v")));
            assertThat(get(c.kv(leader), "k", Consistency.LINEARIZABLE).kvs()).hasSize(1);
            c.stop((leader + 1) % 3);
            c.stop((leader + 2) % 3);
            // asked at once, while the member still believes it leads: no majority confirms it, and the
            // entry it falls back to cannot commit, so the read fails instead of answering alone
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(c.kv(leader), "k", Consistency.LINEARIZABLE))
                    .isInstanceOf(ClusterException.class)
                    .satisfies(e -> assertThat(((ClusterException) e).error()).isIn(ClusterError.NO_LEADER, ClusterError.TIMEOUT,
                            ClusterError.LEADER_CHANGED));
            assertThat(get(c.kv(leader), "k", Consistency.SERIALIZABLE).kvs()).hasSize(1);
        }
    }

    @Test
    void withoutAQuorumLinearizableReadsAndWritesFailButSerializableReadsServe() {
        try (MiniCluster c = MiniCluster.start(3, dir, RaftTuning.defaults().withRequestTimeout(Duration.ofSeconds(3)), x -> x)) {
            int leader = c.awaitLeader();
            int survivor = (leader + 1) % 3;
            await(c.kv(leader).put(PutRequest.of("k", "v")));
            waitUntil(() -> get(c.kv(survivor), "k", Consistency.SERIALIZABLE).kvs().size() == 1, WAIT, "replicated");
            c.stop(leader);
            c.stop(3 - leader - survivor);
            assertThat(get(c.kv(survivor), "k", Consistency.SERIALIZABLE).kvs()).hasSize(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(c.kv(survivor), "k", Consistency.LINEARIZABLE))
                    .isInstanceOf(ClusterException.class)
                    .satisfies(e -> assertThat(((ClusterException) e).error()).isIn(ClusterError.NO_LEADER, ClusterError.TIMEOUT));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(c.kv(survivor).put(PutRequest.of("k", "w"))))
                    .isInstanceOf(ClusterException.class)
                    .satisfies(e -> assertThat(((ClusterException) e).error())
                            .isIn(ClusterError.NO_LEADER, ClusterError.TIMEOUT, ClusterError.LEADER_CHANGED));
        }
    }

    /**
     * A write on a member that knows no leader waits for one, woken by Ratis's leader-change notification
     * (there is no polling to fall back on), and goes through once a quorum is back within its timeout.
     */
    @Test
    void aWriteWhileNoLeaderIsKnownGoesThroughOnceOneIsElected() {
        try (MiniCluster c = MiniCluster.start(3, dir, RaftTuning.defaults().withRequestTimeout(Duration.ofSeconds(25)), x -> x)) {
            int leader = c.awaitLeader();
            int survivor = (leader + 1) % 3;
            int other = 3 - leader - survivor;
            c.stop(leader);
            c.stop(other);
            waitUntil(() -> c.kv(survivor).divisionForTests().getInfo().getLeaderId() == null, WAIT,
                    "the survivor knows no leader");
            CompletableFuture<io.caravel.store.PutResult> put = c.kv(survivor).put(PutRequest.of("k", "v"));
            c.restart(other);
            assertThat(await(put).revision()).isPositive();
            assertThat(get(c.kv(other), "k", Consistency.LINEARIZABLE).kvs()).hasSize(1);
        }
    }

    @Test
    void noElectionUnderSustainedLoad() throws Exception {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            long term = c.kv(leader).header().raftTerm();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                List<java.util.concurrent.Future<Integer>> workers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    int id = w;
                    workers.add(pool.submit(() -> {
                        int n = 0;
                        while (System.nanoTime() < end) {
                            await(c.kv((id + n) % 3).put(PutRequest.of("w" + id + "-" + (n % 20), "x".repeat(100))));
                            n++;
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (var f : workers) {
                    total += f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
                assertThat(total).isPositive();
                assertThat(c.kv(leader).isLeader()).isTrue();
                for (int i = 0; i < 3; i++) {
                    assertThat(c.kv(i).header().raftTerm()).as("term on member %d", i).isEqualTo(term);
                }
                assertThat(c.kv(leader).currentRevision()).isEqualTo(total + 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void leaderLossElectsANewLeaderAndKeepsAcknowledgedWrites() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                await(c.kv(i % 3).put(PutRequest.of("k" + i, "v" + i)));
                acked.add("k" + i);
            }
            c.stop(leader);
            long t0 = System.nanoTime();
            int next = c.awaitLeader();
            assertThat(next).isNotEqualTo(leader);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            for (int i = 20; i < 30; i++) {
                await(c.kv(next).put(PutRequest.of("k" + i, "v" + i)));
                acked.add("k" + i);
            }
            int other = 3 - leader - next;
            RangeResult r = all(c.kv(other), Consistency.LINEARIZABLE);
            assertThat(r.kvs()).extracting(kv -> kv.key().toStringUtf8()).containsExactlyInAnyOrderElementsOf(acked);
            // the old leader comes back and catches up
            c.startNode(c.node(leader));
            waitUntil(() -> all(c.kv(leader), Consistency.SERIALIZABLE).count() == 30, WAIT, "old leader catches up");
        }
    }

    @Test
    void restartOfEveryMemberLosesNothingAndAppliesNothingTwice() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            c.awaitLeader();
            int puts = 40;
            for (int i = 0; i < puts; i++) {
                await(c.kv(i % 3).put(PutRequest.of("k" + (i % 7), "v" + i)));
            }
            for (int i = 0; i < 3; i++) {
                c.stop(i);
            }
            for (int i = 0; i < 3; i++) {
                c.startNode(c.node(i));
            }
            int leader = c.awaitLeader();
            // Linearizable read: every entry committed before the restart has been re-applied (or skipped).
            RangeResult r = all(c.kv(leader), Consistency.LINEARIZABLE);
            assertThat(r.revision()).isEqualTo(puts + 1);
            for (int i = 0; i < 3; i++) {
                int m = i;
                waitUntil(() -> c.kv(m).currentRevision() == puts + 1, WAIT, "member " + m + " at revision " + (puts + 1));
            }
            long hash = await(c.kv(0).hashKv(0)).hash();
            assertThat(await(c.kv(1).hashKv(0)).hash()).isEqualTo(hash);
            assertThat(await(c.kv(2).hashKv(0)).hash()).isEqualTo(hash);
            KeyValue k0 = r.kvs().get(0);
            assertThat(k0.version()).isEqualTo(6); // k0 written at i = 0, 7, 14, 21, 28, 35
            assertThat(await(c.kv(leader).put(PutRequest.of("after", "restart"))).revision()).isEqualTo(puts + 2);
        }
    }
}
