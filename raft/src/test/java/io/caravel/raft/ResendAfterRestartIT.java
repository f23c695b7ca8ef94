package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.statemachine.KvStateMachine;
import io.caravel.store.Bytes;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Raft client resends a request it got no answer for with the same client and call id. After the member
 * that applied it restarts, the resend must be answered (from Ratis's retry cache, rebuilt by replaying the
 * retained log), never applied a second time, even though the store had long made the entry durable and a
 * snapshot covered it. The control test shows the window that {@link RaftTuning#logRetention} closes.
 */
@Timeout(120)
class ResendAfterRestartIT {
    @TempDir
    Path dir;

    private static MiniCluster singleNode(Path dir, Duration retention) {
        return MiniCluster.start(1, dir, RaftTuning.defaults().withLogRetention(retention),
                c -> new RaftNodeConfig(c.name(), c.dataDirectory(), c.peerUrl(), c.advertisePeerUrl(), c.clientUrls(),
                        c.initialCluster(), c.newCluster(), c.clusterToken(), c.electionTimeoutMin(), c.electionTimeoutMax(),
                        c.quotaBackendBytes(), c.autoCompactionMode(), c.autoCompactionRetention(), 5));
    }

    @Test
    void aResendAfterARestartIsAnsweredAndNotAppliedTwice() throws Exception {
        try (MiniCluster c = singleNode(dir, RaftTuning.defaults().logRetention())) {
            long version = putThenRestartThenResend(c);
            assertThat(version).as("the put was applied once").isEqualTo(1);
        }
    }

    @Test
    void withoutLogRetentionTheSameResendIsAppliedAgain() throws Exception {
        try (MiniCluster c = singleNode(dir, Duration.ZERO)) {
            long version = putThenRestartThenResend(c);
            assertThat(version).as("control: the window this test exists for").isEqualTo(2);
        }
    }

    @Test
    void theRetryCacheOutlivesEveryResendOfTheClientAndNoMore() throws Exception {
        try (MiniCluster c = singleNode(dir, RaftTuning.defaults().logRetention())) {
            TimeDuration expiry = RaftServerConfigKeys.RetryCache.expiryTime(c.kv(0).raftServerForTests().getProperties());
            assertThat(Duration.ofMillis(expiry.toLong(TimeUnit.MILLISECONDS))).as("the running server's setting")
                    .isEqualTo(ClientRetryPolicies.RETRY_CACHE_EXPIRY)
                    .as("longer than the client resends (RATIS-1873)").isGreaterThan(ClientRetryPolicies.ENTRY_TOTAL_RETRY_TIME)
                    .as("every member holds every applied entry's reply this long").isLessThanOrEqualTo(Duration.ofMinutes(3));
            assertThat(RaftTuning.defaults().logRetention()).as("a restarted member replays every call a client may resend")
                    .isGreaterThan(ClientRetryPolicies.ENTRY_TOTAL_RETRY_TIME);
        }
    }

    /** Returns the version of the resent put's key at the end. */
    private static long putThenRestartThenResend(MiniCluster c) throws Exception {
        awaitWritable(c);
        ClientId client = ClientId.randomId();
        CommandReply first = submit(c.kv(0), client, 7, PutRequest.of("k", "v"));
        assertThat(first.hasPut()).isTrue();
        // Enough writes after it for snapshots (every 5 entries) to flush the store past it.
        for (int i = 0; i < 20; i++) {
            MiniCluster.await(c.kv(0).put(PutRequest.of("other-" + i, "x")));
        }
        long revisionBefore = c.kv(0).currentRevision();
        c.stop(0);
        c.restart(0);
        awaitWritable(c);
        submit(c.kv(0), client, 7, PutRequest.of("k", "v"));
        long version = MiniCluster.await(c.kv(0).range(RangeRequest.get(Bytes.of("k")), Consistency.LINEARIZABLE))
                .kvs().get(0).version();
        assertThat(c.kv(0).currentRevision()).isEqualTo(version == 1 ? revisionBefore : revisionBefore + 1);
        return version;
    }

    /** The member leads and has applied an entry of its term, so it accepts writes. */
    private static void awaitWritable(MiniCluster c) {
        c.awaitLeader();
        MiniCluster.waitUntil(() -> c.kv(0).divisionForTests().getInfo().isLeaderReady(), WAIT, "the leader is ready");
    }

    /** Submits a put with a fixed client and call id straight to the member's Ratis server, as a resend would. */
    private static CommandReply submit(RatisReplicatedKv kv, ClientId client, long callId, PutRequest put) throws Exception {
        RaftServer server = kv.raftServerForTests();
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(client)
                .setServerId(server.getId())
                .setGroupId(server.getGroupIds().iterator().next())
                .setCallId(callId)
                .setMessage(Message.valueOf(KvStateMachine.wrap(CommandCodec.encode(put).toByteArray())))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        RaftClientReply reply = server.submitClientRequestAsync(request).get(30, TimeUnit.SECONDS);
        if (!reply.isSuccess()) {
            throw new AssertionError("submit failed: " + reply.getException(), reply.getException());
        }
        return CommandCodec.parseReply(reply.getMessage().getContent().toByteArray());
    }
}
