package io.caravel.jepsen.run;

import io.caravel.jepsen.CommandLine;
import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.nemesis.FaultKind;
import io.caravel.jepsen.workload.Workloads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code caravel-jepsen run}: parses the flags into {@link RunOptions} and runs one test.
 *
 * <p>Exit codes: 0 valid (and the cluster served the final operations), 1 a safety violation, 2
 * unknown (the checker did not finish, or the harness failed), 3 valid but the cluster did not
 * recover after healing, 64 usage error.
 */
public final class RunCommand {

  /** The system property of the Caravel node's deliberately broken read path (see docs/verification.md). */
  public static final String UNSAFE_LOCAL_READS_PROPERTY = "caravel.unsafe.localLinearizableReads";

  public static final String USAGE = """
      usage: caravel-jepsen run [--db caravel|etcd] --nodes 3|5 --workload register|list-append|watch
                                --nemesis kill,pause,partition,member|all|none --time-limit S --seed N [options]
        --nemesis also takes kind:variant entries, e.g. kill:leader,partition:bridge,member:learner-promote;
          kill: one leader minority majority all; pause: leader minority;
          partition: one leader halves bridge majorities-ring; member: remove-readd learner-promote transfer
        --concurrency C         client workers (default 2 x nodes)
        --rate R                target operations per second, all workers together (default 40)
        --op-timeout S          client request timeout; a timed-out write is :info (default 5)
        --quiet S               fault-free start (default 5)
        --fault-duration S      a fault is held for S/2..S seconds (default 10)
        --fault-interval S      fault-free pause between faults (default 5)
        --recovery S            wait between healing everything and the final reads (default 10)
        --check-timeout S       checker time bound (default 300)
        --keys K                keys in use at a time (register, list-append; default 2 x nodes)
        --ops-per-key N         operations per key before it is replaced (default 100)
        --election-timeout MS   nodes' --election-timeout (default 1000)
        --out DIR               run directory (default jepsen-tests/target/runs/<time>-<db>-<workload>-<nemesis>-n<N>-s<seed>)
        --keep-data             keep the nodes' data directories
        --no-build              run the last server build (server/target) instead of rebuilding it through ./caravel
        --no-peer-proxies       peers talk directly on 127.0.0.1 (no partitions; to rule the proxies out)
        --server-home DIR       take the Caravel server from another checkout (e.g. a clean worktree of a commit)
        --node-jvm-opt OPT      an extra JVM option for every Caravel node (repeatable)
      Deliberately broken modes (to prove the checkers can fail):
        --unsafe-serializable-reads   clients send linearizable reads as serializable (local, no ReadIndex)
        --unsafe-local-reads          Caravel nodes get -D%s=true (server-side local reads)
      Exit codes: 0 valid, 1 violation, 2 unknown, 3 not live after healing, 64 usage error.
      """.formatted(UNSAFE_LOCAL_READS_PROPERTY);

  private RunCommand() {}

  /** Parses {@code args} (after {@code run}) and runs the test; returns the exit code. */
  public static int main(List<String> args, PrintStream out, PrintStream err) {
    RunOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("caravel-jepsen run: " + e.getMessage());
      err.print(USAGE);
      return 64;
    }
    try {
      Workload workload = Workloads.create(options);
      return Runner.run(options, workload, out).exitCode();
    } catch (IllegalArgumentException e) {
      err.println("caravel-jepsen run: " + e.getMessage());
      return 64;
    } catch (IOException e) {
      err.println("caravel-jepsen run: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("caravel-jepsen run: interrupted");
      return 2;
    }
  }

  /**
   * Parses the flags.
   *
   * @throws IllegalArgumentException with a message naming the bad flag
   */
  public static RunOptions parse(List<String> args) {
    Db db = Db.CARAVEL;
    int nodes = 3;
    String workload = "register";
    Set<FaultKind> faults = Set.of();
    java.util.Map<FaultKind, Set<String>> variants = java.util.Map.of();
    double timeLimit = 60;
    Long seed = null;
    int concurrency = -1;
    double rate = 40;
    double opTimeout = 5;
    double quiet = 5;
    double faultDuration = 10;
    double faultInterval = 5;
    double recovery = 10;
    double checkTimeout = 300;
    int electionTimeout = 1000;
    Path out = null;
    Path serverHome = null;
    boolean keepData = false;
    boolean build = true;
    boolean peerProxies = true;
    boolean unsafeSerializable = false;
    List<String> jvm = new ArrayList<>();
    int keys = -1;
    int opsPerKey = 100;
    CommandLine cli = new CommandLine(args, 0);
    while (cli.next()) {
      String arg = cli.arg();
      String name = cli.name();
      switch (name) {
        case "--keep-data" -> keepData = true;
        case "--no-build" -> build = false;
        case "--no-peer-proxies" -> peerProxies = false;
        case "--unsafe-serializable-reads" -> unsafeSerializable = true;
        case "--unsafe-local-reads" -> jvm.add("-D" + UNSAFE_LOCAL_READS_PROPERTY + "=true");
        default -> {
          if (!name.startsWith("--")) {
            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
          }
          String value = cli.value();
          switch (name) {
            case "--db" -> db = Db.byName(value);
            case "--nodes" -> nodes = intIn(name, value, 1, 9);
            case "--workload" -> workload = value;
            case "--nemesis" -> {
              faults = FaultKind.parse(value);
              variants = FaultKind.parseVariants(value, io.caravel.jepsen.nemesis.Nemesis.VARIANTS);
            }
            case "--time-limit" -> timeLimit = seconds(name, value);
            case "--seed" -> seed = longValue(name, value);
            case "--concurrency" -> concurrency = intIn(name, value, 1, 1000);
            case "--rate" -> rate = seconds(name, value);
            case "--op-timeout" -> opTimeout = seconds(name, value);
            case "--quiet" -> quiet = nonNegative(name, value);
            case "--fault-duration" -> faultDuration = seconds(name, value);
            case "--fault-interval" -> faultInterval = nonNegative(name, value);
            case "--recovery" -> recovery = nonNegative(name, value);
            case "--check-timeout" -> checkTimeout = seconds(name, value);
            case "--keys" -> keys = intIn(name, value, 1, 100_000);
            case "--ops-per-key" -> opsPerKey = intIn(name, value, 1, 1_000_000);
            case "--election-timeout" -> electionTimeout = intIn(name, value, 50, 60_000);
            case "--out" -> out = Path.of(value);
            case "--node-jvm-opt" -> jvm.add(value);
            case "--server-home" -> serverHome = Path.of(value).toAbsolutePath();
            default -> throw new IllegalArgumentException("unknown option '" + name + "'");
          }
        }
      }
    }
    if (!Workloads.NAMES.contains(workload)) {
      throw new IllegalArgumentException("unknown workload '" + workload + "' (expected " + String.join(", ", Workloads.NAMES) + ")");
    }
    if (seed == null) {
      seed = System.currentTimeMillis() % 100_000;
    }
    if (concurrency < 0) {
      concurrency = 2 * nodes;
    }
    Path home = caravelHome();
    String faultNames = faults.isEmpty() ? "none" : String.join("+", faults.stream().sorted().map(FaultKind::cliName).toList());
    if (out == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      out = home.resolve("jepsen-tests").resolve("target").resolve("runs")
          .resolve(stamp + "-" + db.cliName() + "-" + workload + "-" + faultNames + "-n" + nodes + "-s" + seed);
    }
    return new RunOptions(db, nodes, workload, faults, dur(timeLimit), seed, concurrency, rate, dur(opTimeout),
        dur(quiet), dur(faultDuration), dur(faultInterval), dur(recovery), dur(checkTimeout), out.toAbsolutePath(),
        unsafeSerializable, jvm, electionTimeout, keepData, serverHome == null ? home : serverHome, keys > 0 ? keys : 2 * nodes, opsPerKey, build, peerProxies, variants);
  }

  /**
   * The repository root: {@code -Dcaravel.home} (set by the launcher), else the first directory
   * upwards from the working directory that holds {@code jepsen-tests/} and {@code caravel}.
   */
  public static Path caravelHome() {
    String prop = System.getProperty("caravel.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("jepsen-tests")) && Files.exists(p.resolve("caravel"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }

  private static Duration dur(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000));
  }

  private static int intIn(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + " needs an integer in " + min + ".." + max + ", not '" + value + "'");
  }

  private static long longValue(String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs an integer, not '" + value + "'");
    }
  }

  private static double seconds(String name, String value) {
    double d = nonNegative(name, value);
    if (d <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }

  private static double nonNegative(String name, String value) {
    try {
      double d = Double.parseDouble(value);
      if (d >= 0 && !Double.isInfinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + " needs a non-negative number, not '" + value + "'");
  }
}
