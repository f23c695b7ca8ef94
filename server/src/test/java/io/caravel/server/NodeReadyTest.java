package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CaravelNode#ready} on a member that can never become ready (its two peers never start). */
class NodeReadyTest {
    @TempDir
    Path dir;

    private static String freeUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    @Timeout(60)
    void aWaitForReadinessFailsWhenTheNodeStopsFirst() throws Exception {
        String a = freeUrl();
        CaravelNode node = CaravelNode.builder().name("a").dataDir(dir.resolve("a"))
                .peerUrl(a).advertisePeerUrl(a)
                .initialCluster(Map.of("a", a, "b", freeUrl(), "c", freeUrl()))
                .build().start();
        CompletableFuture<Void> ready = node.ready(java.time.Duration.ofMinutes(10));
        assertThat(ready).as("no quorum: never ready").isNotDone();
        node.close();
        assertThatThrownBy(() -> ready.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("stopped"); // the last poll saw the store stop, or the node's end failed the wait
    }
}
