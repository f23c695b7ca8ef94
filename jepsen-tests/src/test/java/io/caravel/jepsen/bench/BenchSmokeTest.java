package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.run.RunCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code put}, {@code range} and {@code lease-keepalive} for about two seconds each against a one-node Caravel started
 * by the harness, and checks that operations were counted and none failed. Timings are never
 * asserted. Runs the server built in {@code server/target} (as {@code mvn verify} leaves it before
 * this module's tests), or the one under {@code -Dcaravel.bench.serverHome}; skipped when there is no
 * build.
 */
class BenchSmokeTest {

  @Test
  void putAndRangeAgainstOneCaravelNode(@TempDir Path dir) throws Exception {
    String prop = System.getProperty("caravel.bench.serverHome");
    Path home = prop != null && !prop.isBlank() ? Path.of(prop) : RunCommand.caravelHome();
    assumeTrue(hasServerBuild(home), "no server build in " + home.resolve("server/target"));

    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    BenchSettings s = new BenchSettings(1_000, 32, 256, 0, Duration.ofMillis(500), Duration.ofSeconds(2), 1.0,
        Duration.ofSeconds(10), 60);
    KeySpace keys = new KeySpace(s.keySpace(), s.keySize(), s.valueSize());
    try (BenchCluster c = BenchCluster.start(Db.CARAVEL, 1, dir, home, false)) {
      LoadGenerator.prefill(c.endpointsLeaderFirst(), keys, log);
      for (Point p : List.of(new Point(Workload.PUT, 4), new Point(Workload.RANGE_LIN, 4),
          new Point(Workload.RANGE_SER, 1), new Point(Workload.LEASE_KEEPALIVE, 4))) {
        RunResult r = LoadGenerator.run("caravel", 0, c.endpointsLeaderFirst(), p, s, keys, c.processes(), log);
        assertThat(r.ops()).as(p + " ops").isPositive();
        assertThat(r.errors()).as(p + " errors: " + r.errorSamples()).isZero();
        assertThat(r.warmupErrors()).as(p + " warm-up errors: " + r.errorSamples()).isZero();
        assertThat(r.cdf()).isNotEmpty();
        assertThat(r.nodes()).singleElement().satisfies(n -> {
          assertThat(n.name()).isEqualTo("n1");
          assertThat(n.role()).isEqualTo("leader");
          assertThat(n.rssMiB()).isPositive();
        });
      }
      assertThat(dir.resolve("nodes").resolve("n1-data")).isDirectory();
    }
    // closing deletes the member's data (a comparison leaves gigabytes) and keeps its log
    assertThat(dir.resolve("nodes").resolve("n1-data")).doesNotExist();
    assertThat(dir.resolve("nodes").resolve("n1.log")).isRegularFile();
  }

  private static boolean hasServerBuild(Path home) throws Exception {
    Path target = home.resolve("server").resolve("target");
    if (!Files.isDirectory(target.resolve("lib"))) {
      return false;
    }
    try (Stream<Path> s = Files.list(target)) {
      return s.anyMatch(p -> p.getFileName().toString().matches("caravel-server-.*\\.jar")
          && !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar"));
    }
  }
}
