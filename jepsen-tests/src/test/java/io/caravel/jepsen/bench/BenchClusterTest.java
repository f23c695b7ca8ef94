package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's Caravel members run with the JVM options of the launcher of the tree they are built from. */
class BenchClusterTest {

  @Test
  void membersTakeTheTreesJvmOptionsFileWithoutItsComments(@TempDir Path tree) throws Exception {
    Files.createDirectories(tree.resolve("server"));
    Files.writeString(tree.resolve("server/jvm.options"), "# heap\n-Xmx200m\n\n  -XX:+UseG1GC  \n# end\n");
    assertThat(BenchCluster.launcherJvmOptions(tree)).containsExactly("-Xmx200m", "-XX:+UseG1GC");
  }

  @Test
  void thisTreesFileIsWhatTheLauncherUses() throws Exception {
    // jepsen-tests/ is the working directory of its tests; the repository root is its parent
    List<String> options = BenchCluster.launcherJvmOptions(Path.of("..").toAbsolutePath().normalize());
    assertThat(options).contains("-XX:+ExitOnOutOfMemoryError").anyMatch(o -> o.startsWith("-Xmx"))
        .noneMatch(o -> o.startsWith("#") || o.isBlank());
  }

  @Test
  void aTreeOlderThanTheFileGetsTheOptionsItsLauncherHad(@TempDir Path tree) throws Exception {
    assertThat(BenchCluster.launcherJvmOptions(tree)).isEqualTo(BenchCluster.LAUNCHER_JVM_OPTIONS_BEFORE_FILE);
  }
}
