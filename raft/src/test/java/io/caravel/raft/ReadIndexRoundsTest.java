package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link ReadIndexRounds} with scripted rounds standing in for the leadership check. */
class ReadIndexRoundsTest {
    /** The rounds started, in order; the test completes them itself. */
    private final List<CompletableFuture<Long>> started = new ArrayList<>();

    private synchronized CompletableFuture<Long> start() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        started.add(f);
        return f;
    }

    private synchronized int startedCount() {
        return started.size();
    }

    private synchronized CompletableFuture<Long> round(int i) {
        return started.get(i);
    }

    @Test
    void aCallWithNoRoundInFlightStartsOneAtOnce() throws Exception {
        ReadIndexRounds rounds = new ReadIndexRounds(this::start);
        CompletableFuture<Long> read = rounds.next();
        assertThat(startedCount()).isEqualTo(1);
        assertThat(read).isNotDone();
        round(0).complete(42L);
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(42L);
        assertThat(rounds.rounds()).isEqualTo(1);
    }

    @Test
    void callsArrivingDuringARoundWaitForTheNextOneAndShareIt() throws Exception {
        ReadIndexRounds rounds = new ReadIndexRounds(this::start);
        CompletableFuture<Long> first = rounds.next();
        CompletableFuture<Long> second = rounds.next();
        CompletableFuture<Long> third = rounds.next();
        assertThat(startedCount()).isEqualTo(1); // one round in flight at most
        round(0).complete(10L);
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(10L);
        // the round begun before they arrived must not answer them
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(startedCount()).isEqualTo(2);
        round(1).complete(11L);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(11L);
        assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo(11L);
        assertThat(rounds.rounds()).isEqualTo(2);
    }

    @Test
    void aFailedRoundFailsOnlyItsCallersAndTheNextRoundStarts() throws Exception {
        ReadIndexRounds rounds = new ReadIndexRounds(this::start);
        CompletableFuture<Long> first = rounds.next();
        CompletableFuture<Long> second = rounds.next();
        round(0).completeExceptionally(ClusterError.NOT_LEADER.exception());
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClusterException.class);
        assertThat(startedCount()).isEqualTo(2);
        round(1).complete(7L);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(7L);
    }

    @Test
    void roundsThatFinishAtOnceServeEveryCallInTurn() throws Exception {
        AtomicLong index = new AtomicLong();
        ReadIndexRounds rounds = new ReadIndexRounds(() -> CompletableFuture.completedFuture(index.incrementAndGet()));
        assertThat(rounds.next().get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(rounds.next().get(5, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThat(rounds.rounds()).isEqualTo(2);
    }

    @Test
    void underConcurrentCallsEveryCallIsAnsweredByARoundStartedAfterIt() throws Exception {
        // A logical clock: a caller ticks it before calling, a round reads it as it starts. A round that
        // began before a call would return a tick at or below the caller's.
        AtomicLong clock = new AtomicLong();
        ExecutorService roundThreads = Executors.newFixedThreadPool(2);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            ReadIndexRounds rounds = new ReadIndexRounds(() -> {
                long startedAt = clock.incrementAndGet();
                return CompletableFuture.supplyAsync(() -> startedAt, roundThreads);
            });
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long calledAt = clock.incrementAndGet();
                        long index = rounds.next().get(10, TimeUnit.SECONDS);
                        assertThat(index).isGreaterThan(calledAt);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            roundThreads.shutdownNow();
            callers.shutdownNow();
        }
    }

    @Test
    void aRoundThatThrowsFailsItsCallers() {
        ReadIndexRounds rounds = new ReadIndexRounds(() -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> rounds.next().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        // and the member is not stuck with a round in flight
        assertThatThrownBy(() -> rounds.next().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(rounds.rounds()).isEqualTo(2);
    }
}
