package io.caravel.jepsen.bench;

import io.caravel.jepsen.cluster.ClusterOptions;
import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.cluster.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A cluster started for benchmarking through the jepsen harness ({@link LocalCluster}): direct
 * 127.0.0.1 peer URLs (no per-link proxies, which would add a hop), the databases' default election
 * timeout (1,000 ms, heartbeat 100 ms) and default durability, and for Caravel the JVM options of the
 * {@code ./caravel} launcher rather than the harness's small-heap, C1-only ones.
 */
public final class BenchCluster implements AutoCloseable {

  /** What {@code ./caravel} ran a member with before {@code server/jvm.options} held it: for older server trees. */
  static final List<String> LAUNCHER_JVM_OPTIONS_BEFORE_FILE =
      List.of("-Xms128m", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");

  private final LocalCluster cluster;
  private final Db db;
  private final List<String> jvmOptions;

  private final Path serverHome;

  private BenchCluster(LocalCluster cluster, Db db, List<String> jvmOptions, Path serverHome) {
    this.cluster = cluster;
    this.db = db;
    this.jvmOptions = jvmOptions;
    this.serverHome = serverHome;
  }

  /**
   * Starts a cluster and waits until every member serves reads.
   *
   * @param db caravel or etcd
   * @param nodes its size
   * @param dir data and logs
   * @param serverHome the tree whose server build Caravel nodes run
   * @param build whether to rebuild that server first
   */
  public static BenchCluster start(Db db, int nodes, Path dir, Path serverHome, boolean build) throws IOException {
    List<String> jvm = launcherJvmOptions(serverHome);
    String override = System.getenv("CARAVEL_BENCH_NODE_JAVA_OPTS");
    if (override != null && !override.isBlank()) {
      jvm = List.of(override.trim().split("\\s+"));
    }
    ClusterOptions o = new ClusterOptions(db, nodes, dir, serverHome, jvm, List.of(), 1000, Duration.ofSeconds(240),
        build, false);
    LocalCluster c = new LocalCluster(o);
    BenchCluster bc = new BenchCluster(c, db, jvm, serverHome);
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "bench-cluster-shutdown"));
    try {
      c.start();
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return bc;
  }

  /**
   * The JVM options {@code ./caravel} of the tree {@code serverHome} runs a member with: its
   * {@code server/jvm.options} (one option per line, {@code #} comments), or for a tree older than that
   * file the options its launcher had.
   */
  static List<String> launcherJvmOptions(Path serverHome) throws IOException {
    Path file = serverHome.resolve("server/jvm.options");
    if (!Files.isRegularFile(file)) {
      return LAUNCHER_JVM_OPTIONS_BEFORE_FILE;
    }
    return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /** The database. */
  public Db db() {
    return db;
  }

  /** The harness's cluster. */
  public LocalCluster cluster() {
    return cluster;
  }

  /** The leader's node number, if the members agree on one. */
  public OptionalInt leader() {
    return cluster.leader();
  }

  /** Client URLs, the leader's first, then the others in node order. */
  public List<String> endpointsLeaderFirst() {
    OptionalInt leader = leader();
    List<String> out = new ArrayList<>();
    leader.ifPresent(l -> out.add(cluster.clientEndpoint(l)));
    for (int i : cluster.nodeIds()) {
      if (leader.isEmpty() || i != leader.getAsInt()) {
        out.add(cluster.clientEndpoint(i));
      }
    }
    return out;
  }

  /** The member processes with their roles as of now. */
  public List<LoadGenerator.Observed> processes() {
    OptionalInt leader = leader();
    List<LoadGenerator.Observed> out = new ArrayList<>();
    for (int i : cluster.nodeIds()) {
      long pid = cluster.node(i).pid();
      if (pid > 0) {
        String role = leader.isEmpty() ? "" : leader.getAsInt() == i ? "leader" : "follower";
        out.add(new LoadGenerator.Observed(cluster.node(i).name(), pid, role));
      }
    }
    return out;
  }

  /** The leader's OS process id, or -1. */
  public long leaderPid() {
    OptionalInt leader = leader();
    return leader.isPresent() ? cluster.node(leader.getAsInt()).pid() : -1;
  }

  /** What runs: build or version, JVM options, durability. */
  public String description() {
    if (db == Db.CARAVEL) {
      return "Caravel " + build() + "; " + cluster.nodeIds().size() + " nodes; JVM "
          + String.join(" ", jvmOptions) + "; default durability (Ratis log fsync before acknowledging)";
    }
    return cluster.buildDescription() + " (/usr/bin/etcd); " + cluster.nodeIds().size()
        + " nodes; default flags, so fsync on (WAL fdatasync per batch, bbolt commit)";
  }

  /**
   * The server build: the harness's git description, or for an exported tree without {@code .git}
   * (see {@code --server-rev}) the commit recorded in its {@code COMMIT} file.
   */
  private String build() {
    if (Files.isDirectory(serverHome.resolve(".git")) || !Files.isRegularFile(serverHome.resolve("COMMIT"))) {
      return cluster.buildDescription();
    }
    try {
      return "commit " + Files.readString(serverHome.resolve("COMMIT")).trim() + " (clean export in " + serverHome + ")";
    } catch (IOException e) {
      return serverHome.toString();
    }
  }

  /** Stops the members and deletes their data directories (several GiB after a comparison); their logs stay. */
  @Override
  public void close() {
    cluster.close();
    cluster.deleteData();
  }
}
