package io.caravel.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryParser;
import io.caravel.jepsen.workload.RegisterWorkload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Histories recorded by real runs, kept as evidence of what the suite found (docs/verification.md,
 * "Findings").
 */
class RecordedHistoriesTest {

  private static History load(String name) throws IOException {
    try (InputStream in = RecordedHistoriesTest.class.getResourceAsStream("/histories/" + name)) {
      return HistoryParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Caravel, 3 nodes, register, nemesis pause:leader, seed 11: the paused leader n2, resumed after
   * a new leader had committed writes of 2 and 3 to key 2, answered a linearizable read with the old
   * value 1 (key 2's operations and the nemesis events of that run).
   */
  @Test
  void staleReadFromAResumedLeaderIsNotLinearizable() throws IOException {
    CheckSummary s = RegisterWorkload.checkLinearizable(load("caravel-pause-leader-stale-read.edn"), Duration.ofSeconds(30));
    assertThat(s.validity()).isEqualTo(CheckSummary.Validity.INVALID);
    assertThat(s.text()).contains("process 1 :read key 2 → 1");
    assertThat(s.highlight()).isNotEmpty();
  }
}
