package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.server.config.ServerFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/operations.md documents every flag the parser accepts, with its default. */
class OperationsDocTest {
    @Test
    void everyFlagIsInTheFlagsTable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        for (ServerFlags.Flag f : ServerFlags.FLAGS) {
            String def = f.defaultValue().isEmpty() ? "none" : "`" + f.defaultValue() + "`";
            assertThat(doc).contains("| `--" + f.name() + "` | " + def + " |");
        }
    }
}
