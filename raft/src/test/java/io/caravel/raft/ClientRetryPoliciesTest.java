package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;

class ClientRetryPoliciesTest {
    private static RaftClientRequest request(RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId())
                .setCallId(1)
                .setMessage(Message.valueOf("x"))
                .setType(type)
                .build();
    }

    /** The event of a request's {@code attempt}-th failure, the request having been created {@code ageMillis} ago. */
    private static ClientRetryEvent failure(RaftClientRequest.Type type, int attempt, long ageMillis, Throwable cause) {
        return new ClientRetryEvent(attempt, request(type), attempt, cause, Timestamp.currentTime().addTimeMs(-ageMillis));
    }

    @Test
    void anEntryIsResentAfterThePauseHoweverManyQuickFailuresAnElectionCauses() {
        RetryPolicy p = ClientRetryPolicies.member();
        for (int attempt : new int[] {1, 20, 60}) {
            RetryPolicy.Action a = p.handleAttemptFailure(failure(RaftClientRequest.writeRequestType(), attempt,
                    attempt * 150L / 10, new ConnectException("refused")));
            assertThat(a.shouldRetry()).as("attempt %d, young request", attempt).isTrue();
            assertThat(a.getSleepTime()).isEqualTo(ClientRetryPolicies.RETRY_SLEEP);
        }
    }

    @Test
    void anEntryOlderThanTheWindowIsNotResentAgain() {
        RetryPolicy p = ClientRetryPolicies.member();
        long window = ClientRetryPolicies.ENTRY_RESEND_WINDOW.toMillis();
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.writeRequestType(), 3, window - 2_000,
                new TimeoutIOException("attempt timed out"))).shouldRetry()).as("inside the window").isTrue();
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.writeRequestType(), 3, window + 1_000,
                new TimeoutIOException("attempt timed out"))).shouldRetry()).as("past the window").isFalse();
    }

    /** A lease query is addressed to one member; Caravel tries it again itself, against the leader it knows then. */
    @Test
    void aLeaseQueryIsNeverResentByRatis() {
        RetryPolicy p = ClientRetryPolicies.member();
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.readRequestType(), 1, 10,
                new ConnectException("refused"))).shouldRetry()).as("a young lease query").isFalse();
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.staleReadRequestType(0), 1, 10,
                new IOException("x"))).shouldRetry()).as("a type the member never sends").isFalse();
    }

    @Test
    void theRetryCacheOutlivesTheLongestResendTwice() {
        Duration lastAttemptEnds = ClientRetryPolicies.ENTRY_RESEND_WINDOW
                .plusMillis(ClientRetryPolicies.RETRY_SLEEP.toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
                .plusMillis(ClientRetryPolicies.ATTEMPT_TIMEOUT.toLong(java.util.concurrent.TimeUnit.MILLISECONDS));
        assertThat(ClientRetryPolicies.ENTRY_TOTAL_RETRY_TIME).isGreaterThanOrEqualTo(lastAttemptEnds);
        assertThat(ClientRetryPolicies.RETRY_CACHE_EXPIRY).isEqualTo(ClientRetryPolicies.ENTRY_TOTAL_RETRY_TIME.multipliedBy(2))
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void anAdminRequestIsResentUpToItsAttemptsWhateverItsAge() {
        RetryPolicy p = ClientRetryPolicies.admin();
        int max = ClientRetryPolicies.ADMIN_MAX_ATTEMPTS;
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.writeRequestType(), max - 1, 50_000,
                new TimeoutIOException("learner catching up"))).shouldRetry()).isTrue();
        assertThat(p.handleAttemptFailure(failure(RaftClientRequest.writeRequestType(), max, 60_000,
                new TimeoutIOException("learner catching up"))).shouldRetry()).isFalse();
    }
}
