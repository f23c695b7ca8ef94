package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots bound the log; a follower behind the purged log catches up by installing a checkpoint. */
@Timeout(180)
class SnapshotIT {
    @TempDir
    Path dir;

    private static MiniCluster smallLogCluster(Path dir) {
        return MiniCluster.start(3, dir, RaftTuning.defaults().withLogSegmentSizeBytes(16 << 10).withLogRetention(java.time.Duration.ZERO),
                c -> new RaftNodeConfig(c.name(), c.dataDirectory(), c.peerUrl(), c.advertisePeerUrl(), c.clientUrls(),
                        c.initialCluster(), c.newCluster(), c.clusterToken(), c.electionTimeoutMin(), c.electionTimeoutMax(),
                        c.quotaBackendBytes(), c.autoCompactionMode(), c.autoCompactionRetention(), 50));
    }

    @Test
    void followerBehindThePurgedLogCatchesUpByInstallingACheckpoint() {
        try (MiniCluster c = smallLogCluster(dir)) {
            int leader = c.awaitLeader();
            int lagging = (leader + 1) % 3;
            await(c.kv(leader).put(PutRequest.of("before", "x")));
            waitUntil(() -> c.kv(lagging).currentRevision() == 2, WAIT, "follower applies the first write");
            long laggingApplied = c.kv(lagging).appliedIndex();
            c.stop(lagging);

            String value = "v".repeat(200);
            int puts = 600;
            for (int i = 0; i < puts; i++) {
                await(c.kv(leader).put(PutRequest.of("k" + (i % 50), value + i)));
            }
            // The log is bounded: the leader purged past what the stopped follower has.
            waitUntil(() -> c.kv(leader).logStartIndex() > laggingApplied + 1, WAIT, "leader purges its log");
            long leaderRevision = c.kv(leader).currentRevision();
            assertThat(leaderRevision).isEqualTo(puts + 2);

            c.startNode(c.node(lagging));
            waitUntil(() -> c.kv(lagging).currentRevision() == leaderRevision, WAIT, "lagging follower catches up");
            assertThat(await(c.kv(lagging).hashKv(leaderRevision)).hash())
                    .isEqualTo(await(c.kv(leader).hashKv(leaderRevision)).hash());
            // It keeps following afterwards.
            await(c.kv(leader).put(PutRequest.of("after", "y")));
            assertThat(await(c.kv(lagging).range(RangeRequest.get(Bytes.of("after")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
            // ... and survives a restart on the installed store.
            c.restart(lagging);
            waitUntil(() -> c.kv(lagging).currentRevision() == leaderRevision + 1, WAIT, "installed follower restarts");
        }
    }
}
