package io.caravel.jepsen.run;

import io.caravel.jepsen.cluster.ClusterOptions;
import io.caravel.jepsen.cluster.LocalCluster;
import io.caravel.jepsen.history.Event;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryParser;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.history.Recorder;
import io.caravel.jepsen.json.Json;
import io.caravel.jepsen.nemesis.FaultKind;
import io.caravel.jepsen.nemesis.FaultWindow;
import io.caravel.jepsen.nemesis.Nemesis;
import io.caravel.jepsen.report.HtmlReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Runs one test: starts the cluster, runs the workload's clients and the nemesis for the time
 * limit, heals everything, waits for recovery, runs the final phase, stops the cluster, checks the
 * history and writes {@code history.edn}, {@code results.json} and {@code report.html} into the
 * run directory (node logs are under {@code nodes/}).
 *
 * <p>Phases, as in Jepsen: quiet period (no faults), faults until the time limit, heal everything,
 * recovery wait, final operations.
 */
public final class Runner {

  private Runner() {}

  /**
   * Runs a test.
   *
   * @param options the run's options
   * @param workload the workload
   * @param log where progress lines go
   * @throws IOException if the cluster cannot be started or files cannot be written
   */
  public static RunResult run(RunOptions options, Workload workload, PrintStream log) throws IOException, InterruptedException {
    Path dir = options.out();
    Files.createDirectories(dir);
    String loadBefore = loadAverage();
    Instant started = Instant.now();
    log.printf(Locale.ROOT, "run %s: %s, %d nodes, workload %s, nemesis %s, %d s, seed %d (load %s)%n",
        dir, options.db().cliName(), options.nodes(), workload.name(), faultNames(options), options.timeLimit().toSeconds(),
        options.seed(), loadBefore);

    List<String> jvm = new ArrayList<>(ClusterOptions.DEFAULT_NODE_JVM_OPTIONS);
    String override = System.getenv("CARAVEL_JEPSEN_NODE_JAVA_OPTS");
    if (override != null && !override.isBlank()) {
      jvm = List.of(override.trim().split("\\s+"));
    }
    ClusterOptions co = new ClusterOptions(options.db(), options.nodes(), dir, options.caravelHome(), jvm,
        options.nodeJvmOptions(), options.electionTimeoutMs(), Duration.ofSeconds(240), options.buildServer(),
        options.peerProxies());
    LocalCluster cluster = new LocalCluster(co);
    Thread hook = new Thread(cluster::close, "cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Recorder recorder = null;
    boolean live = false;
    Nemesis nemesis = null;
    Map<String, Object> phases = new LinkedHashMap<>();
    String harnessError = null;
    try {
      long t0 = System.nanoTime();
      cluster.start();
      phases.put("cluster-start-seconds", (System.nanoTime() - t0) / 1e9);
      log.printf(Locale.ROOT, "  cluster up in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, cluster.networkDescription());
      // the history's clock starts with the main phase
      recorder = new Recorder(dir.resolve("history.edn"));

      RunContext ctx = new RunContext(options, cluster, recorder, System.nanoTime() + options.timeLimit().toNanos());
      recorder.nemesis("start-run", "main phase of " + options.timeLimit().toSeconds() + " s");
      workload.setup(ctx);
      nemesis = new Nemesis(ctx, options.faults(), options.seed());
      Thread nemesisThread = new Thread(nemesis, "nemesis");
      nemesisThread.setDaemon(true);
      List<Thread> workers = new ArrayList<>();
      List<Worker> workerStates = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      double meanDelayMs = 1000.0 * options.concurrency() / Math.max(0.1, options.rate());
      for (int i = 0; i < options.concurrency(); i++) {
        Worker w = new Worker(i, options.concurrency(), new Random(options.seed() * 1_000_003L + i));
        workerStates.add(w);
        Thread t = new Thread(() -> {
          try {
            while (ctx.mainPhase()) {
              workload.step(ctx, w);
              double u = w.random().nextDouble();
              ctx.sleepInMainPhase((long) (-Math.log(1 - u) * meanDelayMs));
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Throwable e) {
            failures.add(e);
            ctx.stop();
          }
        }, "worker-" + i);
        t.setDaemon(true);
        workers.add(t);
      }
      nemesisThread.start();
      workers.forEach(Thread::start);
      long progressEvery = 30_000_000_000L;
      long nextProgress = System.nanoTime() + progressEvery;
      while (ctx.mainPhase()) {
        Thread.sleep(Math.min(1000, Math.max(1, ctx.remainingNanos() / 1_000_000)));
        if (System.nanoTime() >= nextProgress) {
          nextProgress += progressEvery;
          log.printf(Locale.ROOT, "  ... %d s left, %d events, faults %s%n", ctx.remainingNanos() / 1_000_000_000L,
              recorder.events().size(), nemesis.counts());
        }
      }
      long joinMillis = options.opTimeout().toMillis() * 3 + 15_000;
      for (Thread t : workers) {
        t.join(joinMillis);
        if (t.isAlive()) {
          t.interrupt();
          t.join(5000);
        }
      }
      nemesisThread.join(120_000);
      if (!failures.isEmpty()) {
        Throwable f = failures.get(0);
        harnessError = "worker failed: " + f;
        f.printStackTrace(log);
      }
      workerStates.forEach(Worker::closeClient);
      log.printf(Locale.ROOT, "  main phase over (%d events); healing%n", recorder.events().size());
      nemesis.healAll();
      recorder.nemesis("recovery", "waiting " + options.recovery().toSeconds() + " s");
      Thread.sleep(options.recovery().toMillis());
      recorder.nemesis("final", "final operations");
      live = workload.finish(ctx);
      recorder.nemesis("end-run", live ? "final operations succeeded" : "final operations did not all succeed");
      log.printf(Locale.ROOT, "  final phase %s%n", live ? "done" : "FAILED (the cluster did not serve every final operation)");
    } catch (IOException e) {
      harnessError = e.getMessage();
      log.println("  harness error: " + e.getMessage());
    } finally {
      if (recorder == null) {
        recorder = new Recorder(dir.resolve("history.edn"));
      }
      recorder.close();
      cluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // shutting down
      }
      if (!options.keepData()) {
        cluster.deleteData();
      }
    }

    History history = HistoryParser.read(dir.resolve("history.edn"));
    List<Event> events = recorder.events();
    long t1 = System.nanoTime();
    CheckSummary check = harnessError != null && history.operations().isEmpty()
        ? new CheckSummary("none", CheckSummary.Validity.UNKNOWN, List.of(), "no history: " + harnessError, Map.of(), List.of())
        : workload.check(history, events, options.checkTimeout());
    double checkSeconds = (System.nanoTime() - t1) / 1e9;
    int exit = harnessError != null && check.validity() == CheckSummary.Validity.VALID ? 2 : RunResult.exitCode(check.validity(), live);

    Map<String, Object> results = new LinkedHashMap<>();
    results.put("db", options.db().cliName());
    results.put("nodes", options.nodes());
    results.put("workload", workload.name());
    results.put("nemesis", faultNames(options));
    results.put("time-limit-seconds", options.timeLimit().toSeconds());
    results.put("seed", options.seed());
    results.put("concurrency", options.concurrency());
    results.put("rate", options.rate());
    results.put("unsafe-serializable-reads", options.unsafeSerializableReads());
    results.put("node-jvm-options", options.nodeJvmOptions());
    results.put("started", started.toString());
    results.put("wall-seconds", Duration.between(started, Instant.now()).toMillis() / 1000.0);
    results.put("load-average-before", loadBefore);
    results.put("load-average-after", loadAverage());
    results.put("network", cluster.networkDescription());
    results.put("caravel-build", cluster.buildDescription());
    results.put("phases", phases);
    results.put("valid", switch (check.validity()) {
      case VALID -> true;
      case INVALID -> false;
      case UNKNOWN -> "unknown";
    });
    results.put("live", live);
    results.put("exit-code", exit);
    results.put("harness-error", harnessError);
    results.put("history", historyStats(history, events));
    Map<String, Object> checker = new LinkedHashMap<>();
    checker.put("name", check.checker());
    checker.put("validity", check.validity().name());
    checker.put("anomalies", check.anomalies());
    checker.put("seconds", checkSeconds);
    checker.put("details", check.details());
    checker.put("text", check.text());
    results.put("checker", checker);
    List<Map<String, Object>> faults = new ArrayList<>();
    if (nemesis != null) {
      for (FaultWindow w : nemesis.windows()) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", w.kind().cliName());
        f.put("name", w.name());
        f.put("description", w.description());
        f.put("start-seconds", w.start() / 1e9);
        f.put("end-seconds", w.end() < 0 ? null : w.end() / 1e9);
        faults.add(f);
      }
      results.put("fault-counts", nemesis.counts());
      results.put("nemesis-errors", nemesis.errors());
    }
    results.put("faults", faults);
    cluster.network().ifPresent(net -> {
      Map<String, Object> links = new LinkedHashMap<>();
      net.bytesForwarded().forEach((link, bytes) -> links.put(link.toString(),
          Map.of("bytes", bytes, "connections", net.connectionsAccepted().getOrDefault(link, 0L))));
      results.put("peer-links", links);
    });
    Files.writeString(dir.resolve("results.json"), Json.pretty(results), StandardCharsets.UTF_8);
    HtmlReport.write(dir.resolve("report.html"), results, events, history, check,
        nemesis == null ? List.of() : nemesis.windows());

    log.printf(Locale.ROOT, "  %s: %s%s, %d ops (%d ok, %d fail, %d info), checked in %.1f s -> exit %d%n",
        dir.getFileName(), check.validity(), check.anomalies().isEmpty() ? "" : " " + check.anomalies(),
        history.operations().size(), history.count(Outcome.OK), history.count(Outcome.FAIL), history.count(Outcome.INFO),
        checkSeconds, exit);
    if (check.validity() != CheckSummary.Validity.VALID) {
      log.print(check.text().indent(4));
    }
    return new RunResult(dir, check, live, exit, results);
  }

  private static Map<String, Object> historyStats(History history, List<Event> events) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", events.size());
    m.put("operations", history.operations().size());
    m.put("ok", history.count(Outcome.OK));
    m.put("fail", history.count(Outcome.FAIL));
    m.put("info", history.count(Outcome.INFO));
    m.put("nemesis-events", events.stream().filter(e -> !e.isClient()).count());
    Map<String, Long> byF = new java.util.TreeMap<>();
    history.operations().forEach(op -> byF.merge(op.f(), 1L, Long::sum));
    m.put("by-f", byF);
    return m;
  }

  /** The nemesis kinds as on the command line, e.g. {@code kill,partition}, or {@code none}. */
  public static String faultNames(RunOptions options) {
    return options.faults().isEmpty() ? "none"
        : String.join(",", options.faults().stream().sorted().map(FaultKind::cliName).toList());
  }

  /** /proc/loadavg's first three fields, or "?" where unavailable. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
