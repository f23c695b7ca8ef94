package io.caravel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Smoke test of a five-member cluster driven by etcdctl: it serves through every member and survives a lost member. */
@Timeout(180)
class FiveNodeIT {

    @Test
    void fiveMembersServeAndSurviveALostMember() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        try (ProcessCluster c = ProcessCluster.start("five", 5)) {
            String all = c.endpoints();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String members;
            do {
                members = Etcdctl.run(all, "member", "list").ok().out();
                Thread.sleep(200);
            } while (members.contains("unstarted") && System.nanoTime() < until);
            assertThat(members.lines()).hasSize(5).allMatch(l -> l.contains(", started, n"));
            Etcdctl.Result health = Etcdctl.run(all, "endpoint", "health");
            assertThat(health.exit()).isZero();
            assertThat(health.err().lines().filter(l -> l.contains("is healthy")).count()).isEqualTo(5);

            List<ProcessCluster.Member> ms = c.members();
            for (int i = 0; i < 5; i++) {
                Etcdctl.run(ms.get(i).clientUrl(), "put", "five/" + i, "v" + i).ok();
            }
            assertThat(Etcdctl.run(ms.get(4).clientUrl(), "get", "five/", "--prefix", "--keys-only").ok().out().lines()
                    .filter(l -> !l.isEmpty()).toList()).containsExactly("five/0", "five/1", "five/2", "five/3", "five/4");

            // losing the leader leaves four members: still a quorum
            ProcessCluster.Member leader = c.leader(Duration.ofSeconds(10));
            leader.kill9();
            c.leader(Duration.ofSeconds(20));
            ProcessCluster.Member survivor = c.alive().get(0);
            ThreeNodeIT.retry(Duration.ofSeconds(20), () -> Etcdctl.run(survivor.clientUrl(), "put", "five/after", "ok"));
            assertThat(Etcdctl.run(c.endpoints(), "get", "five/after", "--print-value-only").ok().out()).isEqualTo("ok\n");
        }
    }
}
