package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoCompactorTest {
    private static AutoCompactor compactor(String mode, String retention) {
        RaftNodeConfig c = new RaftNodeConfig("m0", Path.of("/tmp/x"), "http://127.0.0.1:1", "http://127.0.0.1:1",
                List.of(), Map.of("m0", "http://127.0.0.1:1"), true, "t", Duration.ofSeconds(1), Duration.ofSeconds(2),
                1, mode, retention, 100);
        return new AutoCompactor(c, RaftTuning.defaults().withRevisionCompactionInterval(Duration.ofSeconds(7)));
    }

    @Test
    void parsesEtcdRetentions() {
        assertThat(AutoCompactor.parseDuration("1")).isEqualTo(Duration.ofHours(1));
        assertThat(AutoCompactor.parseDuration("0.5")).isEqualTo(Duration.ofMinutes(30));
        assertThat(AutoCompactor.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(AutoCompactor.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(AutoCompactor.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> AutoCompactor.parseDuration("1x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void periodicCompactsToTheRevisionSeenOneRetentionAgo() {
        AutoCompactor a = compactor("periodic", "10s");
        assertThat(a.checkIntervalMillis()).isEqualTo(1000);
        long s = 1_000_000_000L;
        assertThat(a.tick(true, 5, 0)).isZero();
        assertThat(a.tick(true, 8, 5 * s)).isZero();
        assertThat(a.tick(true, 12, 10 * s)).isEqualTo(5);
        assertThat(a.tick(true, 20, 16 * s)).isEqualTo(8);
        // losing leadership forgets the samples
        assertThat(a.tick(false, 30, 17 * s)).isZero();
        assertThat(a.tick(true, 31, 18 * s)).isZero();
    }

    @Test
    void revisionKeepsTheLastN() {
        AutoCompactor a = compactor("revision", "100");
        assertThat(a.checkIntervalMillis()).isEqualTo(7000);
        assertThat(a.tick(true, 50, 0)).isZero();
        assertThat(a.tick(true, 250, 0)).isEqualTo(150);
        assertThat(a.tick(false, 250, 0)).isZero();
        assertThat(compactor("", "").checkIntervalMillis()).isZero();
    }
}
