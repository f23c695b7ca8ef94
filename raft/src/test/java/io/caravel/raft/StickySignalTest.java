package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.raft.CommitAnnouncingGrpc.StickySignal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Unit tests of the appender's wake-up, {@link StickySignal}. */
class StickySignalTest {
    private final StickySignal signal = new StickySignal("test");

    @Test
    void aSignalGivenBeforeTheWaitEndsItAtOnce() throws Exception {
        signal.signal();
        long start = System.nanoTime();
        assertThat(signal.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    }

    @Test
    void aSignalIsUsedByOneWaitOnly() throws Exception {
        signal.signal();
        signal.signal();
        assertThat(signal.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(signal.await(20, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aZeroWaitReportsAndClearsASignal() throws Exception {
        assertThat(signal.await(0, TimeUnit.MILLISECONDS)).isFalse();
        signal.signal();
        assertThat(signal.await(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(signal.await(0, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aSignalWakesAWaitingThread() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return signal.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        signal.signal(); // whether or not the thread is already parked, its wait must end
        assertThat(woken.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theUntimedWaitReturnsAfterAnEarlierSignal() throws Exception {
        signal.signal();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                signal.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        done.get(10, TimeUnit.SECONDS);
        assertThat(signal.await(0, TimeUnit.MILLISECONDS)).isFalse();
    }
}
