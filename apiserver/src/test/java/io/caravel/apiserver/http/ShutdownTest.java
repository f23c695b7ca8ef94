package io.caravel.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The graceful-shutdown bookkeeping alone. */
class ShutdownTest {
    @Test
    void noWatchOpensOnceBegunAndAnOpenOneIsWaitedFor() throws Exception {
        Shutdown s = new Shutdown();
        assertThat(s.tryOpenWatch()).isTrue();
        assertThat(s.begin()).isTrue();
        assertThat(s.begin()).as("only the first call begins").isFalse();
        assertThat(s.tryOpenWatch()).as("a watch that passed the router's check just before begin()").isFalse();
        assertThat(s.openWatches()).isEqualTo(1);
        assertThat(s.awaitWatchesEnded(20)).as("one still open").isFalse();

        AtomicBoolean ended = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                ended.set(s.awaitWatchesEnded(30_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-waiter");
        waiter.start();
        // the waiter is inside its wait before the watch ends, so only watchEnded's notify can wake it in time
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("waiter waits").isLessThan(deadline);
            Thread.onSpinWait();
        }
        s.watchEnded();
        waiter.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(waiter.isAlive()).as("woken well before its 30 s wait ends").isFalse();
        assertThat(ended).isTrue();
        assertThat(s.openWatches()).isZero();
        assertThat(s.awaitWatchesEnded(0)).isTrue();
    }
}
