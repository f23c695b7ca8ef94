package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.server.config.RestoreFlags;
import io.caravel.server.config.ServerFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/operations.md documents every flag the parsers accept, with its default. */
class OperationsDocTest {
    @Test
    void everyFlagIsInTheFlagsTable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        for (ServerFlags.Flag f : ServerFlags.FLAGS) {
            String def = f.defaultValue().isEmpty() ? "none" : "`" + f.defaultValue() + "`";
            assertThat(doc).contains("| `--" + f.name() + "` | " + def + " |");
        }
    }

    @Test
    void everyRestoreFlagIsInTheBackupAndRestoreSection() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        int start = doc.indexOf("## Backup and restore");
        assertThat(start).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        for (ServerFlags.Flag f : RestoreFlags.FLAGS) {
            assertThat(section).contains("| `--" + f.name() + "` | `" + f.defaultValue() + "` |");
        }
    }
}
