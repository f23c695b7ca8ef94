package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void badFlagExitsTwoWithUsage() {
        assertThat(run("server", "--no-such-flag", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("caravel server: unknown flag: --no-such-flag")
                .contains("Usage: caravel server [flags]");
    }

    @Test
    void unknownCommandExitsTwo() {
        assertThat(run("serve")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'serve'");
    }

    @Test
    void helpAndVersion() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--initial-cluster-state");
        assertThat(run("version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("caravel ");
    }
}
