package io.caravel.apiserver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Members started with {@link CaravelCluster#LAUNCHER_JVM_OPTIONS} (the API server benchmark's) run under
 * the {@code ./caravel} launcher's own JVM options, {@code server/jvm.options}, as a user's do.
 */
@Timeout(180)
class CaravelClusterLauncherIT {

    @Test
    void aLauncherMemberRunsWithTheOptionsOfServerJvmOptions() throws Exception {
        assumeTrue(CaravelCluster.available(), CaravelCluster.unavailableReason());
        List<String> fileOptions = Files.readAllLines(Processes.repoRoot().resolve("server/jvm.options")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(fileOptions).isNotEmpty();
        try (CaravelCluster c = CaravelCluster.start(1, CaravelCluster.LAUNCHER_JVM_OPTIONS)) {
            long pid = c.members().get(0).pid();
            // the launcher execs java: the pid is the member's JVM, whose command line holds the file's options
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            List<String> args = Arrays.asList(cmdline.split("\0"));
            assertThat(args).containsSubsequence(fileOptions).contains("io.caravel.server.Main");
        }
    }
}
