package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineRetriesTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static ClusterException giveUp(Throwable last) {
        return new ClusterException(ClusterError.TIMEOUT, last);
    }

    @Test
    void aFirstTryThatSucceedsNeedsNoTimer() throws Exception {
        ScheduledExecutorService refusing = Executors.newSingleThreadScheduledExecutor();
        refusing.shutdownNow();
        DeadlineRetries retries = new DeadlineRetries(refusing, 10);

        assertThat(retries.run(in(1_000), () -> CompletableFuture.completedFuture(7), DeadlineRetriesTest::giveUp)
                .get(5, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @Test
    void failedTriesAreTriedAgainUntilOneSucceeds() throws Exception {
        DeadlineRetries retries = new DeadlineRetries(timer, 5);
        AtomicInteger tries = new AtomicInteger();

        CompletableFuture<Integer> result = retries.run(in(10_000), () -> tries.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IllegalStateException("not yet"))
                : CompletableFuture.completedFuture(tries.get()), DeadlineRetriesTest::giveUp);

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(tries).hasValue(3);
    }

    @Test
    void aTryThatThrowsCountsAsAFailedTry() throws Exception {
        DeadlineRetries retries = new DeadlineRetries(timer, 5);
        AtomicInteger tries = new AtomicInteger();

        CompletableFuture<String> result = retries.run(in(10_000), () -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalStateException("thrown, not returned");
            }
            return CompletableFuture.completedFuture("second");
        }, DeadlineRetriesTest::giveUp);

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("second");
    }

    @Test
    void atTheDeadlineTheLastFailureIsGivenUpOn() {
        DeadlineRetries retries = new DeadlineRetries(timer, 5);
        AtomicInteger tries = new AtomicInteger();

        CompletableFuture<Object> result = retries.run(in(200), () -> CompletableFuture.failedFuture(
                new IllegalStateException("try " + tries.incrementAndGet())), DeadlineRetriesTest::giveUp);

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.error()).isEqualTo(ClusterError.TIMEOUT);
                    assertThat(e.getCause()).hasMessage("try " + tries.get());
                });
        assertThat(tries.get()).as("tried again before the deadline").isGreaterThan(1);
    }

    @Test
    void aStoppedTryEndsTheTriesAtOnce() {
        DeadlineRetries retries = new DeadlineRetries(timer, 5);
        AtomicInteger tries = new AtomicInteger();

        CompletableFuture<Object> result = retries.run(in(10_000), () -> {
            tries.incrementAndGet();
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }, DeadlineRetriesTest::giveUp);

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.error()).isEqualTo(ClusterError.STOPPED));
        assertThat(tries).hasValue(1);
    }

    @Test
    void closeFailsAResultWaitingForItsNextTryAndEveryLaterFailure() {
        DeadlineRetries retries = new DeadlineRetries(timer, 60_000); // the next try would wait a minute
        CompletableFuture<Object> waiting = retries.run(in(600_000),
                () -> CompletableFuture.failedFuture(new IllegalStateException("no leader")), DeadlineRetriesTest::giveUp);
        assertThat(waiting).isNotDone();

        retries.close();

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.error()).isEqualTo(ClusterError.STOPPED));
        CompletableFuture<Object> later = retries.run(in(600_000),
                () -> CompletableFuture.failedFuture(new IllegalStateException("no leader")), DeadlineRetriesTest::giveUp);
        assertThatThrownBy(() -> later.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.error()).isEqualTo(ClusterError.STOPPED));
    }
}
