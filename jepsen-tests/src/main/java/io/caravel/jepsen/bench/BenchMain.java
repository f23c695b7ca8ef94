package io.caravel.jepsen.bench;

import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.json.Json;
import io.caravel.jepsen.run.RunCommand;
import io.caravel.jepsen.run.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code caravel-bench} command line (see {@link BenchArgs#USAGE}). {@link #run} returns the exit
 * code: 0 done (errors counted in the results, if any), 1 the run failed (a cluster did not start, a
 * prefill failed), 64 usage error.
 */
public final class BenchMain {

  /** Exit code: bad command line. */
  public static final int EXIT_USAGE = 64;

  private BenchMain() {}

  /** Runs and exits. */
  public static void main(String[] args) {
    int code = run(List.of(args), System.out, System.err);
    System.exit(code);
  }

  /** Runs the command line; progress goes to {@code err}, tables to {@code out}. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    BenchArgs a;
    try {
      a = BenchArgs.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("caravel-bench: " + e.getMessage());
      err.print(BenchArgs.USAGE);
      return EXIT_USAGE;
    }
    try {
      return switch (a.command()) {
        case HELP -> {
          out.print(BenchArgs.USAGE);
          yield 0;
        }
        case REPORT -> report(a, out, err);
        case JFR_SUMMARY -> {
          out.print(JfrSummary.summarize(a.input(), a.top()));
          yield 0;
        }
        case RUN -> single(a, out, err);
        case COMPARE -> compare(a, out, err);
      };
    } catch (IOException | RuntimeException e) {
      err.println("caravel-bench: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("caravel-bench: interrupted");
      return 1;
    }
  }

  // ---- run ------------------------------------------------------------------------------------

  private static int single(BenchArgs a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
    Path dir = outDir(a, a.points().get(0).workload().cliName());
    Files.createDirectories(dir);
    KeySpace keys = new KeySpace(a.settings().keySpace(), a.settings().keySize(), a.settings().valueSize());
    Map<String, Object> meta = meta(a);
    List<RunResult> runs = new ArrayList<>();
    BenchCluster cluster = null;
    try {
      String side;
      if (a.endpoints().isEmpty()) {
        err.printf(Locale.ROOT, "starting %d-node %s in %s ...%n", a.nodes(), a.start().cliName(), dir);
        cluster = BenchCluster.start(a.start(), a.nodes(), dir.resolve(a.start().cliName()), serverHome(a), build(a));
        side = a.start().cliName();
        meta.put(side, cluster.description());
      } else {
        side = "endpoints";
        meta.put("endpoints", String.join(",", a.endpoints()));
      }
      List<String> endpoints = cluster != null ? cluster.endpointsLeaderFirst() : a.endpoints();
      if (a.prefill() && a.points().stream().anyMatch(p -> p.workload().readsKeys())) {
        LoadGenerator.prefill(endpoints, keys, err);
      }
      boolean first = true;
      for (Point p : a.points()) {
        List<LoadGenerator.Observed> procs = cluster != null ? cluster.processes() : observedPids(a.pids());
        if (cluster != null) {
          endpoints = cluster.endpointsLeaderFirst();
          if (first && a.jfrLeader() != null) {
            startJfr(cluster.leaderPid(), a.jfrLeader(), a.settings(), err);
          }
        }
        first = false;
        RunResult r = LoadGenerator.run(side, 0, endpoints, p, a.settings(), keys, procs, err);
        runs.add(r);
        err.println("  " + oneLine(r));
        writeResults(dir, meta, runs);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    String md = MarkdownReport.single(runs);
    Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
    Plots.write(runs, subtitle(meta), dir);
    out.print(md);
    err.println("results in " + dir);
    return 0;
  }

  private static List<LoadGenerator.Observed> observedPids(List<Long> pids) {
    List<LoadGenerator.Observed> out = new ArrayList<>();
    for (long pid : pids) {
      out.add(new LoadGenerator.Observed("pid " + pid, pid, ""));
    }
    return out;
  }

  private static void startJfr(long pid, Path file, BenchSettings s, PrintStream err) throws IOException, InterruptedException {
    if (pid <= 0) {
      err.println("  no leader known: no JFR recording");
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    List<String> cmd = List.of(jcmd, Long.toString(pid), "JFR.start", "name=caravel-bench", "settings=profile",
        "delay=" + Math.max(1, s.warmup().toSeconds()) + "s", "duration=" + Math.max(1, s.duration().toSeconds()) + "s",
        "filename=" + file.toAbsolutePath());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    err.println("  JFR on the leader (pid " + pid + "): " + text.trim().replace('\n', ' '));
  }

  // ---- compare --------------------------------------------------------------------------------

  private static int compare(BenchArgs a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
    Path dir = outDir(a, "compare");
    Files.createDirectories(dir);
    KeySpace keys = new KeySpace(a.settings().keySpace(), a.settings().keySize(), a.settings().valueSize());
    Map<String, Object> meta = meta(a);
    List<RunResult> runs = new ArrayList<>();
    err.printf(Locale.ROOT, "compare: %d points x %d rounds, %s (load %s); output %s%n", a.points().size(), a.rounds(),
        a.points(), Runner.loadAverage(), dir);
    Path serverHome = serverHome(a);
    try (BenchCluster caravel = BenchCluster.start(Db.CARAVEL, a.nodes(), dir.resolve("caravel"), serverHome, build(a));
         BenchCluster etcd = BenchCluster.start(Db.ETCD, a.nodes(), dir.resolve("etcd"), serverHome, false)) {
      meta.put("caravel", caravel.description());
      meta.put("etcd", etcd.description());
      err.println("  " + meta.get("caravel"));
      err.println("  " + meta.get("etcd"));
      List<BenchCluster> sides = List.of(caravel, etcd);
      if (a.prefill()) {
        for (BenchCluster c : sides) {
          err.print("  " + c.db().cliName() + ":");
          LoadGenerator.prefill(c.endpointsLeaderFirst(), keys, err);
        }
      }
      if (!a.warmupPass().isZero()) {
        Duration each = Collections.max(List.of(a.warmupPass().dividedBy(a.points().size()), a.settings().warmup()));
        err.printf(Locale.ROOT, "  warm-up pass (not measured): %d s per point and side%n", each.toSeconds());
        BenchSettings w = a.settings().withTimes(Duration.ZERO, each);
        for (Point p : a.points()) {
          for (BenchCluster c : sides) {
            LoadGenerator.run(c.db().cliName(), 0, c.endpointsLeaderFirst(), p, w, keys, List.of(), err);
          }
        }
      }
      if (!a.warmupMax().isZero()) {
        meta.put("warm-up", warmUntilSteady(caravel, a, keys, err));
      }
      for (int round = 1; round <= a.rounds(); round++) {
        for (Point p : a.points()) {
          for (BenchCluster c : sides) {
            RunResult r = LoadGenerator.run(c.db().cliName(), round, c.endpointsLeaderFirst(), p, a.settings(), keys,
                c.processes(), err);
            runs.add(r);
            err.println("  round " + round + " " + oneLine(r));
            writeResults(dir, meta, runs);
          }
        }
      }
    }
    String md = MarkdownReport.compare(meta, runs);
    Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
    Plots.write(runs, subtitle(meta), dir);
    out.print(md);
    err.println("results in " + dir);
    return 0;
  }

  /**
   * Runs every point against {@code caravel} in chunks until {@link WarmUp} finds its throughput steady or
   * {@link BenchArgs#warmupMax} has passed, printing each chunk; returns what happened, for the report.
   */
  private static String warmUntilSteady(BenchCluster caravel, BenchArgs a, KeySpace keys, PrintStream err)
      throws InterruptedException {
    Duration each = Collections.max(List.of(Duration.ofSeconds(15), a.settings().warmup()));
    BenchSettings w = a.settings().withTimes(Duration.ZERO, each);
    WarmUp warmUp = new WarmUp();
    long started = System.nanoTime();
    List<String> chunks = new ArrayList<>();
    boolean steady = false;
    while (!steady && Duration.ofNanos(System.nanoTime() - started).compareTo(a.warmupMax()) < 0) {
      StringBuilder line = new StringBuilder();
      for (Point p : a.points()) {
        RunResult r = LoadGenerator.run(caravel.db().cliName(), 0, caravel.endpointsLeaderFirst(), p, w, keys, List.of(), err);
        warmUp.record(p.toString(), r.opsPerSecond());
        line.append(line.length() == 0 ? "" : ", ").append(p).append(' ')
            .append(String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()));
      }
      steady = warmUp.endChunk();
      chunks.add(line.toString());
      err.printf(Locale.ROOT, "  warm-up chunk %d (%d s each point): %s ops/s%s%n", chunks.size(), each.toSeconds(),
          line, steady ? ": steady" : "");
    }
    return String.format(Locale.ROOT, "Caravel alone, %d chunks of %d s per point after the fixed pass, %s after %d s: %s",
        chunks.size(), each.toSeconds(), steady ? String.format(Locale.ROOT, "steady (every point within %.0f%% of the chunk before)", WarmUp.TOLERANCE * 100)
            : "stopped at --warmup-max",
        Duration.ofNanos(System.nanoTime() - started).toSeconds(), String.join(" | ", chunks));
  }

  // ---- report ---------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static int report(BenchArgs a, PrintStream out, PrintStream err) throws IOException {
    Map<String, Object> doc = (Map<String, Object>) JsonReader.parse(Files.readString(a.input(), StandardCharsets.UTF_8));
    Map<String, Object> meta = (Map<String, Object>) doc.getOrDefault("meta", new LinkedHashMap<>());
    List<RunResult> runs = new ArrayList<>();
    for (Object o : (List<Object>) doc.get("runs")) {
      runs.add(RunResult.fromMap((Map<String, Object>) o));
    }
    Path dir = a.out() != null ? a.out() : a.input().toAbsolutePath().getParent();
    boolean compared = runs.stream().anyMatch(r -> r.side().equals(Comparison.A))
        && runs.stream().anyMatch(r -> r.side().equals(Comparison.B));
    String md = compared ? MarkdownReport.compare(meta, runs) : MarkdownReport.single(runs);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
    for (Path p : Plots.write(runs, subtitle(meta), dir)) {
      err.println("wrote " + p);
    }
    out.print(md);
    return 0;
  }

  // ---- helpers --------------------------------------------------------------------------------

  static String oneLine(RunResult r) {
    return String.format(Locale.ROOT, "%-8s %-18s %,10.0f ops/s  p50 %s  p99 %s  max %s ms  errors %d  load %s",
        r.side(), r.point(), r.opsPerSecond(), MarkdownReport.latency(r.latencyMs().p50()),
        MarkdownReport.latency(r.latencyMs().p99()), MarkdownReport.latency(r.latencyMs().max()), r.errors(),
        r.loadAfter().split(" ")[0]) + (r.errorSamples().isEmpty() ? "" : "  first error: " + r.errorSamples().get(0));
  }

  private static Map<String, Object> meta(BenchArgs a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "./caravel-bench " + String.join(" ", a.raw()));
    m.put("date", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    m.put("machine", ProcStats.machine() + "; load average at start " + Runner.loadAverage());
    m.put("durability", "fsync on both sides: etcd's defaults (WAL fdatasync before acknowledging), Caravel's "
        + "defaults (Ratis log flushed and fsynced before acknowledging)");
    BenchSettings s = a.settings();
    m.put("settings", String.format(Locale.ROOT,
        "jetcd 0.8.5 closed-loop clients; key space %,d, keys %d B, values %d B; connections %s (connection i on "
            + "endpoint i mod n, leader first); warm-up %.0f s, window %.0f s per point; request timeout %.0f s; "
            + "unmeasured load per side before round 1 (compare): %d s",
        s.keySpace(), s.keySize(), s.valueSize(), s.conns() == 0 ? "one per endpoint" : Integer.toString(s.conns()),
        s.warmup().toMillis() / 1000.0, s.duration().toMillis() / 1000.0, s.requestTimeout().toMillis() / 1000.0,
        a.warmupPass().toSeconds()));
    return m;
  }

  private static String subtitle(Map<String, Object> meta) {
    return String.valueOf(meta.getOrDefault("date", "")) + " · " + String.valueOf(meta.getOrDefault("settings", ""))
        .replaceAll(";.*", "");
  }

  private static void writeResults(Path dir, Map<String, Object> meta, List<RunResult> runs) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("meta", meta);
    doc.put("runs", runs.stream().map(RunResult::toMap).toList());
    Path tmp = dir.resolve("results.json.tmp");
    Files.writeString(tmp, Json.pretty(doc), StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve("results.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path serverHome(BenchArgs a) throws IOException, InterruptedException {
    if (a.serverRev() != null) {
      return exportServer(a.serverRev(), System.err);
    }
    return (a.serverHome() != null ? a.serverHome() : RunCommand.caravelHome()).toAbsolutePath();
  }

  private static boolean build(BenchArgs a) {
    return a.serverRev() == null && a.build();
  }

  /**
   * Exports revision {@code rev} of this repository (git archive) to {@code
   * jepsen-tests/target/bench-server/<commit>} and builds its server there, unless done before.
   */
  static Path exportServer(String rev, PrintStream err) throws IOException, InterruptedException {
    Path home = RunCommand.caravelHome();
    String sha = exec(home, List.of("git", "rev-parse", "--verify", rev + "^{commit}")).trim();
    if (!sha.matches("[0-9a-f]{40}")) {
      throw new IOException("not a commit: " + rev + " (" + sha + ")");
    }
    Path dir = home.resolve("jepsen-tests").resolve("target").resolve("bench-server").resolve(sha.substring(0, 12));
    Path done = dir.resolve("COMMIT");
    if (Files.isRegularFile(done)) {
      return dir;
    }
    err.println("exporting " + sha.substring(0, 12) + " to " + dir + " and building its server ...");
    if (Files.exists(dir)) {
      exec(home, List.of("rm", "-rf", dir.toString()));
    }
    Files.createDirectories(dir);
    exec(home, List.of("sh", "-c", "git archive \"$0\" | tar -x -C \"$1\"", sha, dir.toString()));
    exec(dir, List.of("mvn", "-B", "-q", "-pl", "server", "-am", "package", "-Dmaven.test.skip=true"));
    String subject = exec(home, List.of("git", "log", "-1", "--format=%h %cs %s", sha)).trim();
    Files.writeString(done, subject.length() > 100 ? subject.substring(0, 100) + "..." : subject);
    return dir;
  }

  private static String exec(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + text.lines().limit(30).reduce("", (x, y) -> x + "\n" + y));
    }
    return text;
  }

  private static Path outDir(BenchArgs a, String what) {
    if (a.out() != null) {
      return a.out().toAbsolutePath();
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    return RunCommand.caravelHome().resolve("jepsen-tests").resolve("target").resolve("bench").resolve(stamp + "-" + what);
  }
}
