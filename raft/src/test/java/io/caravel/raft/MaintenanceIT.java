package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.Bytes;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import io.caravel.store.PutRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Auto-compaction decided by the leader, and the NOSPACE alarm. */
@Timeout(120)
class MaintenanceIT {
    @TempDir
    Path dir;

    private static RaftNodeConfig with(RaftNodeConfig c, long quota, String mode, String retention) {
        return new RaftNodeConfig(c.name(), c.dataDirectory(), c.peerUrl(), c.advertisePeerUrl(), c.clientUrls(),
                c.initialCluster(), c.newCluster(), c.clusterToken(), c.electionTimeoutMin(), c.electionTimeoutMax(),
                quota, mode, retention, c.snapshotCount());
    }

    @Test
    void revisionModeKeepsTheLastRevisions() {
        RaftTuning tuning = RaftTuning.defaults().withRevisionCompactionInterval(Duration.ofMillis(200));
        try (MiniCluster c = MiniCluster.start(3, dir, tuning,
                cfg -> with(cfg, RaftNodeConfig.DEFAULT_QUOTA_BACKEND_BYTES, "revision", "5"))) {
            int leader = c.awaitLeader();
            for (int i = 0; i < 20; i++) {
                await(c.kv(leader).put(PutRequest.of("k", "v" + i)));
            }
            long rev = c.kv(leader).currentRevision();
            for (int i = 0; i < 3; i++) {
                int m = i;
                waitUntil(() -> c.kv(m).compactRevision() == rev - 5, WAIT, "member " + m + " compacted to " + (rev - 5));
            }
        }
    }

    @Test
    void periodicModeCompactsToTheRevisionSeenOneRetentionAgo() {
        try (MiniCluster c = MiniCluster.start(1, dir, RaftTuning.defaults(),
                cfg -> with(cfg, RaftNodeConfig.DEFAULT_QUOTA_BACKEND_BYTES, "periodic", "1s"))) {
            c.awaitLeader();
            for (int i = 0; i < 10; i++) {
                await(c.kv(0).put(PutRequest.of("k", "v" + i)));
            }
            long rev = c.kv(0).currentRevision();
            waitUntil(() -> c.kv(0).compactRevision() == rev, WAIT, "compaction to " + rev);
        }
    }

    @Test
    void exceedingTheQuotaRaisesNoSpaceAndRejectsPutsButNotDeletes() {
        try (MiniCluster c = MiniCluster.start(1, dir, RaftTuning.defaults(), cfg -> with(cfg, 1, "", ""))) {
            c.awaitLeader();
            RatisReplicatedKv kv = c.kv(0);
            waitUntil(() -> kv.alarms().stream().anyMatch(a -> a.type() == Alarm.Type.NOSPACE), WAIT, "NOSPACE alarm");
            assertThat(kv.alarms()).contains(new Alarm(kv.memberId(), Alarm.Type.NOSPACE));
            assertThatThrownBy(() -> await(kv.put(PutRequest.of("k", "v"))))
                    .isInstanceOf(KvException.class).hasMessage(KvError.NO_SPACE.message());
            assertThat(await(kv.deleteRange(DeleteRangeRequest.key(Bytes.of("k")))).deleted()).isZero();
            assertThat(kv.status().errors()).isNotEmpty();
        }
    }
}
