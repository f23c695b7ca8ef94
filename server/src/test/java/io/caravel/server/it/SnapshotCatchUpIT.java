package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A follower that is down while the others snapshot and purge their log (a tiny --snapshot-count)
 * catches up from the leader's snapshot when it comes back.
 */
@Timeout(180)
class SnapshotCatchUpIT {

    @Test
    void aFollowerDownWhileTheLogIsPurgedCatchesUpBySnapshot() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("snapcatchup", 3, "--snapshot-count", "20", "--experimental-log-segment-bytes", "16384",
                "--experimental-log-retention-ms", "0")) {
            ProcessCluster.Member leader = c.leader(Duration.ofSeconds(20));
            ProcessCluster.Member follower = c.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            follower.kill9();
            int writes = 400;
            long last = 0;
            try (Client client = Client.builder().endpoints(leader.clientUrl()).build()) {
                for (int i = 0; i < writes; i++) {
                    last = client.getKVClient().put(ByteSequence.from("snap/" + i, UTF_8), ByteSequence.from("v" + i + "x".repeat(200), UTF_8))
                            .get(10, TimeUnit.SECONDS).getHeader().getRevision();
                }
            }
            follower.restart();
            c.awaitHealthy(Duration.ofSeconds(60));
            try (Client direct = Client.builder().endpoints(follower.clientUrl()).build()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long count = 0;
                long revision = 0;
                while (System.nanoTime() < deadline) {
                    // serializable: what the follower itself has applied
                    var r = direct.getKVClient().get(ByteSequence.from("snap/", UTF_8),
                            GetOption.builder().isPrefix(true).withCountOnly(true).withSerializable(true).build())
                            .get(10, TimeUnit.SECONDS);
                    count = r.getCount();
                    revision = r.getHeader().getRevision();
                    if (count == writes && revision >= last) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(count).isEqualTo(writes);
                assertThat(revision).isGreaterThanOrEqualTo(last);
            }
            assertThat(follower.logText()).as("the follower installed a snapshot from the leader")
                    .contains("downloading a checkpoint from the leader");
        }
    }
}
