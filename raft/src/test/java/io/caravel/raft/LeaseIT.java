package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lease expiry decided by the leader and replicated; keep-alives answered by the leader. */
@Timeout(180)
class LeaseIT {
    @TempDir
    Path dir;

    private static boolean present(RatisReplicatedKv kv, String key) {
        return !await(kv.range(RangeRequest.get(Bytes.of(key)), Consistency.SERIALIZABLE)).kvs().isEmpty();
    }

    @Test
    void expiredLeaseIsRevokedAndItsKeysDeletedOnEveryMember() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            // A TTL below 1.5 election timeouts (2 s max here) is raised to 3 s, as etcd does.
            LeaseGrantResult g = await(c.kv(follower).leaseGrant(0, 1));
            assertThat(g.lease().ttlSeconds()).isEqualTo(3);
            long id = g.lease().id();
            await(c.kv(follower).put(PutRequest.of("ephemeral", "x").withLease(id)));
            long granted = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                int m = i;
                waitUntil(() -> !present(c.kv(m), "ephemeral"), Duration.ofSeconds(20), "key deleted on member " + m);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - granted)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(await(c.kv(follower).leaseTimeToLive(id, false)).remainingTtlSeconds()).isEqualTo(-1);
            assertThat(await(c.kv(leader).leases())).doesNotContain(id);
        }
    }

    @Test
    void keepAliveOnAFollowerExtendsTheLease() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            long id = await(c.kv(follower).leaseGrant(0, 3)).lease().id();
            await(c.kv(follower).put(PutRequest.of("held", "x").withLease(id)));
            long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            while (System.nanoTime() < end) {
                assertThat(await(c.kv(follower).leaseKeepAlive(id))).isEqualTo(3);
                assertThat(present(c.kv(follower), "held")).isTrue();
                waitUntil(() -> false || System.nanoTime() > end
                        || await(c.kv(follower).leaseTimeToLive(id, false)).remainingTtlSeconds() <= 2,
                        WAIT, "time to renew");
            }
            assertThat(present(c.kv(leader), "held")).isTrue();
            assertThat(await(c.kv(follower).leaseTimeToLive(id, true)).keys()).containsExactly(Bytes.of("held"));
            // No more keep-alives: the lease expires.
            waitUntil(() -> !present(c.kv(follower), "held"), Duration.ofSeconds(20), "lease expires");
        }
    }

    /**
     * More keep-alives in flight through a follower than it has I/O threads (128): each is a request
     * to the leader that holds no thread while it waits, and every one renews its lease.
     */
    @Test
    void manyConcurrentKeepAlivesThroughAFollowerAllRenew() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            RatisReplicatedKv follower = c.kv((leader + 1) % 3);
            List<Long> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(await(follower.leaseGrant(0, 30 + i)).lease().id());
            }
            List<java.util.concurrent.CompletableFuture<Long>> inFlight = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                inFlight.add(follower.leaseKeepAlive(ids.get(i % ids.size())));
            }
            for (int i = 0; i < inFlight.size(); i++) {
                assertThat(await(inFlight.get(i))).as("keep-alive %d", i).isEqualTo(30L + i % ids.size());
            }
            assertThat(await(follower.leaseKeepAlive(424242))).as("an unknown lease").isZero();
        }
    }

    /**
     * A lease query still looking for a leader fails with STOPPED as soon as its member closes, well before its
     * 10 s deadline: its retries wait on the member's timer, which closing cancels.
     */
    @Test
    void aLeaseQueryWithoutALeaderFailsWhenItsMemberCloses() throws Exception {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            long id = await(c.kv(follower).leaseGrant(0, 30)).lease().id();
            c.stop(leader);
            c.stop(3 - leader - follower);
            RatisReplicatedKv alone = c.kv(follower);
            java.util.concurrent.CompletableFuture<Long> pending = alone.leaseKeepAlive(id);
            assertThat(pending).isNotDone();
            alone.close();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pending.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasCauseInstanceOf(ClusterException.class)
                    .cause().hasMessage(ClusterError.STOPPED.message());
        }
    }

    /**
     * A keep-alive through a follower sent right after the leader stops, while the follower still names the
     * stopped member as leader, is answered by the next leader within its deadline: each try goes to the
     * leader the follower knows at that moment, so the tries after the election reach the new one (a Ratis
     * client resending one try to the stopped member would hold it there until the deadline).
     */
    @Test
    void aKeepAliveThroughAFollowerRightAfterTheLeaderStopsIsAnsweredByTheNextLeader() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            long id = await(c.kv(follower).leaseGrant(0, 30)).lease().id();
            c.stop(leader);
            long sent = System.nanoTime();
            assertThat(await(c.kv(follower).leaseKeepAlive(id))).isEqualTo(30);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("answered before the 10 s request timeout")
                    .isLessThan(RaftTuning.defaults().requestTimeout());
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersRenewsNoLease() {
        try (MiniCluster c = MiniCluster.start(3, dir, RaftTuning.defaults().withRequestTimeout(Duration.ofSeconds(3)), x -> x)) {
            int leader = c.awaitLeader();
            long id = await(c.kv(leader).leaseGrant(0, 10)).lease().id();
            assertThat(await(c.kv(leader).leaseKeepAlive(id))).isEqualTo(10);
            c.stop((leader + 1) % 3);
            c.stop((leader + 2) % 3);
            // asked at once, while the member still believes it leads: no majority confirms it, so it
            // promises nothing (a new leader elected meanwhile would count the TTL from its own election)
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(c.kv(leader).leaseKeepAlive(id)))
                    .isInstanceOf(ClusterException.class)
                    .satisfies(e -> assertThat(((ClusterException) e).error()).isIn(ClusterError.NO_LEADER, ClusterError.TIMEOUT));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(c.kv(leader).leaseTimeToLive(id, false)))
                    .isInstanceOf(ClusterException.class);
        }
    }

    @Test
    void leaseOutlivesALeaderChangeByAtLeastItsTtl() {
        try (MiniCluster c = MiniCluster.start(3, dir)) {
            int leader = c.awaitLeader();
            int follower = (leader + 1) % 3;
            long id = await(c.kv(follower).leaseGrant(0, 6)).lease().id();
            await(c.kv(follower).put(PutRequest.of("held", "x").withLease(id)));
            c.stop(leader);
            c.awaitLeader();
            long changed = System.nanoTime();
            waitUntil(() -> !present(c.kv(follower), "held"), Duration.ofSeconds(30), "lease expires");
            assertThat(Duration.ofNanos(System.nanoTime() - changed)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        }
    }
}
