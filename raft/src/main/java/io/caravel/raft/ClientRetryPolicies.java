package io.caravel.raft;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * How long a member's Ratis clients resend one request, and the retry-cache expiry that follows from it.
 *
 * <p>Two clients, two policies:
 * <ul>
 *   <li>{@link #member()}, the client that sends a member's entries when no leader is known or the one called
 *       refused ({@code RaftClient.io().send}) and its lease queries ({@code async().sendReadOnly}).
 *       <ul>
 *         <li>An entry (a WRITE request) is resent every {@link #RETRY_SLEEP} for as long as it is younger than
 *             {@link #ENTRY_RESEND_WINDOW}, however quickly each attempt fails (a refused connection or a
 *             {@code NotLeaderException} during an election fails at once). Bounded by the request's age, so an
 *             election is waited out however many attempts it takes, and the worst case is a fixed time,
 *             {@link #ENTRY_TOTAL_RETRY_TIME}.</li>
 *         <li>A lease query (a READ request) is never resent by Ratis: it is addressed to one member, the
 *             leader this member knew when it was sent, and Ratis would resend it to that member only, dead or
 *             deposed. Caravel tries a failed query again itself ({@code RatisReplicatedKv.leaderQuery},
 *             {@link DeadlineRetries}), each try to the leader known at that moment.</li>
 *         <li>No other request type is sent through it; any would get no resend either (Ratis's default for a
 *             type without a policy is to resend forever without a pause).</li>
 *       </ul></li>
 *   <li>{@link #admin()}, for configuration changes and leadership transfers ({@code RaftClient.admin()}):
 *       20 attempts, as long as a learner's catching up or an election under faults may take (about 63 s).
 *       Neither request is in Ratis's retry cache's care: a configuration change is a compare-and-set that a
 *       resend landing on a changed configuration fails, and a transfer to the member that already leads
 *       succeeds; so this window does not bound the cache's expiry.</li>
 * </ul>
 *
 * <p>Contract: the retry cache (which answers a resent entry with the reply of the original instead of
 * applying it twice) must outlive every resend of an entry (RATIS-1873), and every member holds every
 * applied entry's reply in it for the whole expiry, so {@link #RETRY_CACHE_EXPIRY} is twice
 * {@link #ENTRY_TOTAL_RETRY_TIME} and no more. Stateless.
 */
final class ClientRetryPolicies {
    /** One attempt's timeout ({@code raft.client.rpc.request.timeout}). */
    static final TimeDuration ATTEMPT_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);
    /** Pause before a resend. */
    static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(150, TimeUnit.MILLISECONDS);
    /** An entry is resent only while it is younger than this. */
    static final Duration ENTRY_RESEND_WINDOW = Duration.ofSeconds(10);
    /**
     * The longest one entry's resends go on: an attempt may begin (after the pause) just inside the window
     * and run its whole timeout.
     */
    static final Duration ENTRY_TOTAL_RETRY_TIME = ENTRY_RESEND_WINDOW
            .plusMillis(RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS))
            .plusMillis(ATTEMPT_TIMEOUT.toLong(TimeUnit.MILLISECONDS));
    /**
     * Ratis's retry-cache expiry: twice {@link #ENTRY_TOTAL_RETRY_TIME} (about 26 s). A member holds every
     * applied entry's reply this long, some 700 bytes of heap each, all of it promoted to the old generation:
     * at 10 minutes that was 80 MB of a loaded member's 256 MiB heap; going from 126 s (the earlier 20-attempt
     * window) to this left about 10 MB less heap after each young collection (docs/benchmarks.md, seventeenth
     * and twenty-third runs).
     */
    static final Duration RETRY_CACHE_EXPIRY = ENTRY_TOTAL_RETRY_TIME.multipliedBy(2);
    /** Attempts of a configuration change or leadership transfer. */
    static final int ADMIN_MAX_ATTEMPTS = 20;

    private ClientRetryPolicies() {
    }

    /** The policy of the client that sends entries and lease queries: see the class comment. */
    static RetryPolicy member() {
        TimeDuration window = TimeDuration.valueOf(ENTRY_RESEND_WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        RequestTypeDependentRetryPolicy.Builder b = RequestTypeDependentRetryPolicy.newBuilder()
                .setRetryPolicy(TypeCase.WRITE, RetryPolicies.retryForeverWithSleep(RETRY_SLEEP))
                .setTimeout(TypeCase.WRITE, window);
        for (TypeCase type : TypeCase.values()) {
            if (type != TypeCase.WRITE) {
                b.setRetryPolicy(type, RetryPolicies.noRetry()); // the builder refuses a second policy for a type
            }
        }
        return b.build();
    }

    /** The policy of the client that changes the configuration and transfers leadership: see the class comment. */
    static RetryPolicy admin() {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(ADMIN_MAX_ATTEMPTS, RETRY_SLEEP);
    }
}
