package io.caravel.server.embed;

import io.caravel.apiserver.storage.AbstractKvClientContractTest;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.server.CaravelNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** apiserver's {@link KvClient} contract on {@link EmbeddedKvClient} over a real single-member node. */
class EmbeddedKvClientTest extends AbstractKvClientContractTest {
    private static CaravelNode node;
    private static EmbeddedKvClient kv;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("embedded-kvclient");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        node = CaravelNode.builder().name("kvclient").dataDir(dir.resolve("data"))
                .peerUrl("http://127.0.0.1:" + port).build().start();
        node.ready().get(60, TimeUnit.SECONDS);
        kv = new EmbeddedKvClient(node);
    }

    @AfterAll
    static void stop() throws IOException {
        if (kv != null) {
            kv.close();
        }
        if (node != null) {
            node.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Override
    protected KvClient client() {
        return kv;
    }
}
