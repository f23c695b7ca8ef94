package io.caravel.jepsen.run;

import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.nemesis.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a run is parameterised by ({@code caravel-jepsen run} flags).
 *
 * @param db the database
 * @param nodes 3 or 5 (any 1..9 works)
 * @param workload {@code register}, {@code list-append} or {@code watch}
 * @param faults the fault kinds the nemesis may inject (empty: none)
 * @param timeLimit the length of the main phase (workload and faults)
 * @param seed seeds every random choice (operations, keys, fault kinds, targets)
 * @param concurrency the number of client workers
 * @param rate target operations per second over all workers
 * @param opTimeout the client-side timeout of one request (a timed-out write is {@code :info})
 * @param quiet the fault-free period at the start
 * @param faultDuration how long a fault is held (a random duration between half and all of this)
 * @param faultInterval the fault-free pause between two faults
 * @param recovery the wait between healing everything and the final reads
 * @param checkTimeout the checker's time bound
 * @param out the run directory
 * @param unsafeSerializableReads the deliberately broken mode in the client: linearizable reads are
 *     sent as serializable ones, served from the local store without ReadIndex
 * @param nodeJvmOptions extra JVM options of each Caravel node (e.g. the server's own unsafe switch)
 * @param electionTimeoutMs the nodes' election timeout
 * @param keepData keep node data directories after the run
 * @param caravelHome the checkout whose server runs (the repository root unless --server-home)
 * @param keys keys in use at a time (register, list-append); at least 1
 * @param opsPerKey operations on a key before it is replaced by a fresh one
 * @param buildServer build the server through {@code ./caravel} first (else use the last build)
 * @param peerProxies route peer traffic through the per-link proxies (partitions need them)
 * @param faultVariants for each fault kind restricted with {@code --nemesis kind:variant}, the
 *     variants allowed (kinds absent: every variant)
 */
public record RunOptions(
    Db db,
    int nodes,
    String workload,
    Set<FaultKind> faults,
    Duration timeLimit,
    long seed,
    int concurrency,
    double rate,
    Duration opTimeout,
    Duration quiet,
    Duration faultDuration,
    Duration faultInterval,
    Duration recovery,
    Duration checkTimeout,
    Path out,
    boolean unsafeSerializableReads,
    List<String> nodeJvmOptions,
    int electionTimeoutMs,
    boolean keepData,
    Path caravelHome,
    int keys,
    int opsPerKey,
    boolean buildServer,
    boolean peerProxies,
    java.util.Map<FaultKind, Set<String>> faultVariants) {

  /** @throws NullPointerException for a missing value */
  public RunOptions {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(workload, "workload");
    faults = Set.copyOf(faults);
    Objects.requireNonNull(timeLimit, "timeLimit");
    Objects.requireNonNull(out, "out");
    nodeJvmOptions = List.copyOf(nodeJvmOptions);
    faultVariants = java.util.Map.copyOf(faultVariants);
  }
}
