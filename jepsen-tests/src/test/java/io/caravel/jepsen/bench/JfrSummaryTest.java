package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

  @Test
  void summarisesARecordingOfThisJvm(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("self.jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
      r.start();
      long end = System.nanoTime() + 300_000_000L;
      double x = 0;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
      r.stop();
      r.dump(file);
      assertThat(x).isPositive();
    }
    String text = JfrSummary.summarize(file, 5);
    assertThat(text).startsWith("recording self.jfr:");
    assertThat(text).contains("#### Hottest methods, self", "#### CPU samples by thread", "#### Waits over");
    assertThat(JfrSummary.pool("grpc-default-executor-12")).isEqualTo("grpc-default-executor-#");
  }
}
