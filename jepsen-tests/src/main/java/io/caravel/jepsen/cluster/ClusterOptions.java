package io.caravel.jepsen.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link LocalCluster} is laid out and started.
 *
 * @param db the database to run
 * @param nodes the number of nodes (1 to 9)
 * @param dir the directory for node data, logs and host files
 * @param caravelHome the repository root (for {@code ./caravel} and {@code server/target}); only
 *     used for {@link Db#CARAVEL}
 * @param nodeJvmOptions JVM options of each Caravel node (heap etc.); only for {@link Db#CARAVEL}
 * @param extraJvmOptions further JVM options of each Caravel node, e.g. a {@code -D} switch of the
 *     deliberately broken mode
 * @param electionTimeoutMs {@code --election-timeout} of every node (both databases)
 * @param startTimeout how long {@link LocalCluster#start} waits for the cluster to serve reads
 * @param buildServer whether to (re)build the server through {@code ./caravel} before copying it
 * @param peerProxies route peer traffic through the per-link proxies (needed for partitions); without
 *     them peers use plain 127.0.0.1 URLs
 */
public record ClusterOptions(
    Db db,
    int nodes,
    Path dir,
    Path caravelHome,
    List<String> nodeJvmOptions,
    List<String> extraJvmOptions,
    int electionTimeoutMs,
    Duration startTimeout,
    boolean buildServer,
    boolean peerProxies) {

  /** The default JVM options of a Caravel node: small heap, quick start (the machine is shared). */
  public static final List<String> DEFAULT_NODE_JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

  /** @throws IllegalArgumentException for a node count outside 1..9 */
  public ClusterOptions {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(dir, "dir");
    nodeJvmOptions = List.copyOf(nodeJvmOptions);
    extraJvmOptions = List.copyOf(extraJvmOptions);
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("nodes must be in 1..9: " + nodes);
    }
  }
}
