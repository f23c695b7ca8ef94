package io.caravel.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The graceful-shutdown bookkeeping alone. */
class ShutdownTest {
    @Test
    void aWatchThatOpensAfterBeginIsWaitedFor() throws Exception {
        Shutdown s = new Shutdown();
        assertThat(s.begin()).isTrue();
        assertThat(s.begin()).as("only the first call begins").isFalse();
        assertThat(s.awaitWatchesEnded(0)).as("nothing open").isTrue();
        // a request that passed the router's check just before begin() opens its watch now
        s.watchOpened();
        assertThat(s.awaitWatchesEnded(20)).isFalse();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return s.awaitWatchesEnded(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        s.watchEnded();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(s.openWatches()).isZero();
    }
}
