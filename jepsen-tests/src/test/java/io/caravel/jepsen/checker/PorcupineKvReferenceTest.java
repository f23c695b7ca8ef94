package io.caravel.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryParser;
import io.caravel.jepsen.model.KvModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden test: the six Porcupine {@code kv} histories in {@code ../shared/reference/porcupine-kv/}
 * are classified as that folder's {@code EXPECTED.md} says, each within seconds.
 *
 * <p>The folder is found by walking up from the working directory to the repository root (the
 * directory whose {@code pom.xml} lists the {@code jepsen-tests} module) and looking in its
 * parent's {@code shared/}; the system property {@code caravel.porcupineKv} overrides it.
 */
@Timeout(120)
class PorcupineKvReferenceTest {

  /** Generous for a 2-core machine shared with other builds; Porcupine-class checkers need well under a second. */
  private static final Duration PER_FILE_LIMIT = Duration.ofSeconds(10);

  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`([^`]+\\.txt)`\\s*\\|\\s*\\*\\*(linearizable|not linearizable)\\*\\*\\s*\\|",
          Pattern.MULTILINE);

  static Path referenceDir() {
    String override = System.getProperty("caravel.porcupineKv");
    if (override != null) {
      return Path.of(override);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (isRepositoryRoot(d)) {
        Path reference = d.resolveSibling("shared").resolve("reference").resolve("porcupine-kv");
        assertThat(reference.resolve("EXPECTED.md"))
            .as("the Porcupine kv reference histories next to the repository (%s)", d)
            .exists();
        return reference;
      }
    }
    throw new AssertionError("no repository root (pom.xml listing jepsen-tests) above " + dir);
  }

  private static boolean isRepositoryRoot(Path d) {
    Path pom = d.resolve("pom.xml");
    try {
      return Files.isRegularFile(pom) && Files.readString(pom).contains("<module>jepsen-tests</module>");
    } catch (IOException e) {
      return false;
    }
  }

  /** File name → expected verdict, parsed from the table in EXPECTED.md. */
  static Map<String, Verdict> expected() throws IOException {
    String md = Files.readString(referenceDir().resolve("EXPECTED.md"));
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    Matcher m = ROW.matcher(md);
    while (m.find()) {
      verdicts.put(m.group(1), m.group(2).equals("linearizable") ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
    }
    return verdicts;
  }

  static Stream<Arguments> files() throws IOException {
    return expected().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @Test
  void expectedMdListsEveryHistoryInTheFolder() throws IOException {
    Map<String, Verdict> expected = expected();
    assertThat(expected).containsOnlyKeys(
        "c01-ok.txt", "c01-bad.txt", "c10-ok.txt", "c10-bad.txt", "c50-ok.txt", "c50-bad.txt");
    expected.forEach((file, verdict) ->
        assertThat(verdict).as(file).isEqualTo(file.contains("-ok") ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE));
    try (Stream<Path> listing = Files.list(referenceDir())) {
      List<String> histories = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).toList();
      assertThat(histories).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("files")
  void classifiedAsExpectedWithinSeconds(String file, Verdict verdict) throws IOException {
    History history = HistoryParser.read(referenceDir().resolve(file));
    LinearizabilityChecker checker = new LinearizabilityChecker(
        CheckOptions.defaults().withTimeout(Duration.ofSeconds(60)));
    long start = System.nanoTime();
    CheckResult result = checker.check(KvModel.INSTANCE, history);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(Locale.ROOT, "%s: %s in %.3f s (%d partitions, %d operations)%n",
        file, result.verdict(), took.toNanos() / 1e9, result.partitions().size(), history.operations().size());

    assertThat(result.verdict()).as(file).isEqualTo(verdict);
    assertThat(took).as(file).isLessThan(PER_FILE_LIMIT);
    if (verdict == Verdict.LINEARIZABLE) {
      assertThat(result.partitions()).hasSize(10);
      LinearizabilityCheckerTest.assertValidLinearization(KvModel.INSTANCE, history, result);
    } else {
      Counterexample c = result.firstViolation().orElseThrow().counterexample();
      assertThat(c.windowFirstLine()).isLessThanOrEqualTo(c.windowLastLine());
    }
  }

  /**
   * Without stopping at the first violation, every partition of the small files is decided. (Not
   * c50-bad: several of its partitions are not linearizable and refuting them exhaustively takes
   * minutes and gigabytes; docs/verification.md has the numbers.)
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"c01-ok.txt", "c01-bad.txt", "c10-ok.txt", "c10-bad.txt", "c50-ok.txt"})
  void everyPartitionIsDecidedWhenNotStoppingAtTheFirstViolation(String file) throws IOException {
    History history = HistoryParser.read(referenceDir().resolve(file));
    CheckResult result = new LinearizabilityChecker(
        CheckOptions.defaults().withTimeout(Duration.ofSeconds(60)).withStopAtFirstViolation(false))
        .check(KvModel.INSTANCE, history);
    assertThat(result.verdict()).isEqualTo(expected().get(file));
    assertThat(result.partitions()).allSatisfy(p -> assertThat(p.verdict()).as("key %s", p.key()).isNotEqualTo(Verdict.UNKNOWN));
    if (file.contains("bad")) {
      assertThat(result.partitions()).filteredOn(p -> p.verdict() == Verdict.NOT_LINEARIZABLE)
          .allSatisfy(p -> assertThat(p.counterexample()).isNotNull());
    }
  }
}
