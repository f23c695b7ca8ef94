package io.caravel.jepsen.run;

import io.caravel.jepsen.json.Json;
import io.caravel.jepsen.workload.Workloads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code caravel-jepsen campaign}: runs a list of tests one after another and writes a summary
 * ({@code campaign.json}, {@code campaign.md}) next to the runs' directories.
 *
 * <p>Plans: {@code ci} (one mixed-fault register run on 3 Caravel nodes, about two minutes in all),
 * {@code full} (the verification campaign of docs/verification.md: Caravel and etcd, 3 and 5 nodes,
 * every workload and fault kind, two deliberately broken runs), or a file with one run per line
 * (the flags of {@code caravel-jepsen run}, without {@code --out}; {@code #} starts a comment).
 *
 * <p>Runs with a deliberately broken mode ({@code --unsafe-...}) are expected to fail: they count as
 * "caught" when their checker reports a violation and never fail the campaign. Exit code: 1 if any
 * other run found a violation, else 2 if any was unknown, else 3 if any cluster did not recover,
 * else 0.
 */
public final class Campaign {

  /** Usage text. */
  public static final String USAGE = """
      usage: caravel-jepsen campaign --plan ci|full|FILE [--time-limit S] [--seed N] [--out DIR] [--no-build]
                                     [--server-home DIR]
        --plan        ci: one mixed-fault register run, 3 Caravel nodes (about 2 minutes in all);
                      full: the 22-run verification campaign (5-minute runs, Caravel and etcd, 3 and 5 nodes);
                      FILE: one line of `run` flags per run
        --time-limit  overrides every run's time limit (e.g. 20 for a dry run of the full plan)
        --seed        base seed (run i gets seed + i; default 1)
        --out         campaign directory (default jepsen-tests/target/campaigns/<time>-<plan>)
        --no-build    use the last server build for every run
        --server-home take the Caravel server from another checkout (e.g. a clean worktree of a commit)
      Exit codes: 0 all valid, 1 a violation, 2 unknown, 3 a cluster did not recover, 64 usage error.
      """;

  /** The CI plan: one register run with mixed faults on 3 Caravel nodes. */
  static final List<String> CI = List.of(
      "--nodes 3 --workload register --nemesis kill,pause,partition,member --time-limit 70");

  /** The full plan of docs/verification.md. */
  static final List<String> FULL = List.of(
      "--nodes 3 --workload register --nemesis kill --time-limit 300",
      "--nodes 3 --workload register --nemesis pause --time-limit 300",
      "--nodes 3 --workload register --nemesis partition --time-limit 300",
      "--nodes 3 --workload register --nemesis member --time-limit 300",
      "--nodes 5 --workload register --nemesis kill,partition --time-limit 300",
      "--nodes 5 --workload register --nemesis kill,pause,partition,member --time-limit 300",
      "--nodes 3 --workload list-append --nemesis kill --time-limit 300",
      "--nodes 3 --workload list-append --nemesis partition --time-limit 300",
      "--nodes 3 --workload list-append --nemesis pause --time-limit 300",
      "--nodes 5 --workload list-append --nemesis kill,pause,partition,member --time-limit 300",
      "--nodes 3 --workload list-append --nemesis member --time-limit 300",
      "--nodes 3 --workload watch --nemesis kill,partition --time-limit 300",
      "--nodes 5 --workload watch --nemesis kill,pause,partition,member --time-limit 300",
      "--nodes 3 --workload watch --nemesis pause,member --time-limit 300",
      "--nodes 5 --workload register --nemesis pause --time-limit 300",
      "--nodes 3 --workload register --nemesis partition --time-limit 300 --unsafe-serializable-reads",
      "--db etcd --nodes 3 --workload register --nemesis kill,pause,partition,member --time-limit 300",
      "--db etcd --nodes 5 --workload register --nemesis kill,pause,partition,member --time-limit 300",
      "--db etcd --nodes 3 --workload list-append --nemesis kill,pause,partition,member --time-limit 300",
      "--db etcd --nodes 5 --workload list-append --nemesis kill,partition --time-limit 300",
      "--db etcd --nodes 3 --workload watch --nemesis kill,pause,partition,member --time-limit 300",
      "--db etcd --nodes 3 --workload register --nemesis partition --time-limit 300 --unsafe-serializable-reads");

  private Campaign() {}

  /** Runs {@code campaign} with its flags; returns the exit code. */
  public static int main(List<String> args, PrintStream out, PrintStream err) {
    String plan = null;
    Double timeLimit = null;
    long seed = 1;
    Path dir = null;
    boolean noBuild = false;
    String serverHome = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--no-build" -> noBuild = true;
          case "--plan", "--time-limit", "--seed", "--out", "--server-home" -> {
            if (i + 1 >= args.size()) {
              throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args.get(++i);
            switch (a) {
              case "--plan" -> plan = v;
              case "--time-limit" -> timeLimit = Double.parseDouble(v);
              case "--seed" -> seed = Long.parseLong(v);
              case "--server-home" -> serverHome = v;
              default -> dir = Path.of(v);
            }
          }
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      if (plan == null) {
        throw new IllegalArgumentException("--plan is required");
      }
    } catch (IllegalArgumentException e) {
      err.println("caravel-jepsen campaign: " + e.getMessage());
      err.print(USAGE);
      return 64;
    }
    List<String> lines;
    try {
      lines = switch (plan) {
        case "ci" -> CI;
        case "full" -> FULL;
        default -> Files.readAllLines(Path.of(plan)).stream().map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      };
    } catch (IOException e) {
      err.println("caravel-jepsen campaign: cannot read plan " + plan + ": " + e.getMessage());
      return 64;
    }
    Path home = RunCommand.caravelHome();
    if (dir == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      String name = Path.of(plan).getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
      dir = home.resolve("jepsen-tests").resolve("target").resolve("campaigns").resolve(stamp + "-" + name);
    }
    List<List<String>> runs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      List<String> a = new ArrayList<>(List.of(lines.get(i).split("\\s+")));
      if (timeLimit != null) {
        int t = a.indexOf("--time-limit");
        if (t >= 0) {
          a.set(t + 1, Double.toString(timeLimit));
        } else {
          a.addAll(List.of("--time-limit", Double.toString(timeLimit)));
        }
      }
      if (!a.contains("--seed")) {
        a.addAll(List.of("--seed", Long.toString(seed + i)));
      }
      if (serverHome != null) {
        a.addAll(List.of("--server-home", serverHome));
      }
      if (noBuild || i > 0) {
        a.add("--no-build"); // one build for the whole campaign
      }
      try {
        RunOptions o = RunCommand.parse(a);
        String name = String.format(Locale.ROOT, "%02d-%s-%s-%s-n%d-s%d", i + 1, o.db().cliName(), o.workload(),
            Runner.faultNames(o).replace(',', '+'), o.nodes(), o.seed());
        a.addAll(List.of("--out", dir.resolve(name).toString()));
        RunCommand.parse(a);
      } catch (IllegalArgumentException e) {
        err.println("caravel-jepsen campaign: plan line " + (i + 1) + ": " + e.getMessage());
        return 64;
      }
      runs.add(a);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      err.println("caravel-jepsen campaign: " + e.getMessage());
      return 2;
    }
    out.printf(Locale.ROOT, "campaign %s: %d runs (load %s)%n", dir, runs.size(), Runner.loadAverage());
    List<Map<String, Object>> rows = new ArrayList<>();
    Instant start = Instant.now();
    int exit = 0;
    for (int i = 0; i < runs.size(); i++) {
      List<String> a = runs.get(i);
      RunOptions o = RunCommand.parse(a);
      boolean expectViolation = o.unsafeSerializableReads()
          || o.nodeJvmOptions().stream().anyMatch(x -> x.contains("unsafe"));
      out.printf(Locale.ROOT, "[%d/%d] %s%n", i + 1, runs.size(), String.join(" ", a));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("run", i + 1);
      row.put("args", String.join(" ", a.subList(0, a.indexOf("--out"))));
      row.put("dir", o.out().getFileName().toString());
      row.put("expect-violation", expectViolation);
      int code;
      try {
        Workload w = Workloads.create(o);
        RunResult result = Runner.run(o, w, out);
        code = result.exitCode();
        row.put("results", summary(result.results()));
        row.put("history-bytes", Files.size(o.out().resolve("history.edn")));
      } catch (IOException | RuntimeException e) {
        out.println("  harness error: " + e);
        code = 2;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 2;
      }
      row.put("exit-code", code);
      if (expectViolation) {
        row.put("outcome", code == 1 ? "caught (expected violation)" : "NOT caught");
      } else {
        row.put("outcome", switch (code) {
          case 0 -> "valid";
          case 1 -> "VIOLATION";
          case 3 -> "valid, NOT LIVE after healing";
          default -> "UNKNOWN";
        });
        exit = worse(exit, code);
      }
      rows.add(row);
      try {
        write(dir, rows, start);
      } catch (IOException e) {
        err.println("caravel-jepsen campaign: " + e.getMessage());
      }
    }
    out.printf(Locale.ROOT, "campaign done in %.1f min -> exit %d; summary %s%n",
        Duration.between(start, Instant.now()).toSeconds() / 60.0, exit, dir.resolve("campaign.md"));
    return exit;
  }

  /** The more severe of two exit codes: 1 (violation) over 2 (unknown) over 3 (not live) over 0. */
  static int worse(int a, int b) {
    return severity(a) >= severity(b) ? a : b;
  }

  private static int severity(int code) {
    return switch (code) {
      case 0 -> 0;
      case 3 -> 1;
      case 1 -> 3;
      default -> 2;
    };
  }

  /** The fields of a run's results the summary shows. */
  @SuppressWarnings("unchecked")
  static Map<String, String> summary(Map<String, Object> results) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : List.of("db", "nodes", "workload", "nemesis", "time-limit-seconds", "seed", "valid", "live",
        "wall-seconds", "load-average-before", "load-average-after", "fault-counts")) {
      out.put(key, String.valueOf(results.get(key)));
    }
    Map<String, Object> h = (Map<String, Object>) results.getOrDefault("history", Map.of());
    for (String key : List.of("events", "operations", "ok", "fail", "info")) {
      out.put(key, String.valueOf(h.get(key)));
    }
    Map<String, Object> c = (Map<String, Object>) results.getOrDefault("checker", Map.of());
    out.put("checker-seconds", String.format(Locale.ROOT, "%.1f", ((Number) c.getOrDefault("seconds", 0.0)).doubleValue()));
    out.put("anomalies", String.join(" ", (List<String>) c.getOrDefault("anomalies", List.of())));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void write(Path dir, List<Map<String, Object>> rows, Instant start) throws IOException {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("started", start.toString());
    all.put("runs", rows);
    Files.writeString(dir.resolve("campaign.json"), Json.pretty(all), StandardCharsets.UTF_8);
    StringBuilder md = new StringBuilder();
    md.append("| # | db | nodes | workload | nemesis | s | seed | ops (ok/fail/info) | history | faults | verdict | check s | wall s | load before→after |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows) {
      Map<String, String> x = (Map<String, String>) r.getOrDefault("results", Map.of());
      long bytes = r.get("history-bytes") instanceof Long b ? b : 0;
      String anomalies = x.getOrDefault("anomalies", "");
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s%s | %s | %s | %s (%s/%s/%s) | %s events, %.1f MB | %s | %s%s | %s | %s | %s → %s |%n",
          r.get("run"), x.getOrDefault("db", "?"), x.getOrDefault("nodes", "?"), x.getOrDefault("workload", "?"),
          x.getOrDefault("nemesis", "?"), Boolean.TRUE.equals(r.get("expect-violation")) ? " (broken mode)" : "",
          x.getOrDefault("time-limit-seconds", "?"), x.getOrDefault("seed", "?"), x.getOrDefault("operations", "?"),
          x.getOrDefault("ok", "?"), x.getOrDefault("fail", "?"), x.getOrDefault("info", "?"), x.getOrDefault("events", "?"),
          bytes / 1e6, x.getOrDefault("fault-counts", ""), r.get("outcome"), anomalies.isEmpty() ? "" : " " + anomalies,
          x.getOrDefault("checker-seconds", "?"), x.getOrDefault("wall-seconds", "?"), x.getOrDefault("load-average-before", "?"),
          x.getOrDefault("load-average-after", "?")));
    }
    Files.writeString(dir.resolve("campaign.md"), md.toString(), StandardCharsets.UTF_8);
  }
}
