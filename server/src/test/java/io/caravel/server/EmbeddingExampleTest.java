package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.EmbeddingExample;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/embedding.md's example is {@code com.example.EmbeddingExample}, verbatim: this test checks that
 * the document's code block and the compiled source are the same text, then runs the example on a real
 * (single-member, Ratis-backed) node.
 */
class EmbeddingExampleTest {
    private static final Path DOC = Path.of("..", "docs", "embedding.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "com", "example", "EmbeddingExample.java");

    @Test
    void documentShowsTheTestedSource() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```java\n");
        assertThat(start).as("a ```java block in %s", DOC).isNotNegative();
        int end = doc.indexOf("```", start + 8);
        String block = doc.substring(start + 8, end);
        assertThat(block).isEqualTo(Files.readString(SOURCE));
    }

    @Test
    @Timeout(90)
    void exampleRuns(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> seen = EmbeddingExample.run(dir.resolve("data"), port);
        assertThat(seen).contains(
                "get: blue (written at revision 2)",
                "ttl: [\"config/session\"]",
                "member: embedded [http://127.0.0.1:" + port + "]",
                "watch: PUT config/color @2",
                "watch: PUT config/session @3",
                "watch: DELETE config/session @4");
    }
}
