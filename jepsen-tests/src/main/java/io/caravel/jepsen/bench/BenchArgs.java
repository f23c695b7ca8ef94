package io.caravel.jepsen.bench;

import io.caravel.jepsen.CommandLine;
import io.caravel.jepsen.cluster.Db;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@code caravel-bench}.
 *
 * @param command what to do
 * @param points the points to run, in order
 * @param endpoints user-given client URLs ({@link Command#RUN} against a running cluster), else empty
 * @param start the database to start for {@link Command#RUN} when no endpoints are given
 * @param nodes the cluster size to start
 * @param settings how each point is driven
 * @param rounds rounds of {@link Command#COMPARE}
 * @param out the output directory, or null for the default
 * @param serverHome the tree whose {@code server/target} build the Caravel nodes run (default: this
 *     repository)
 * @param serverRev a git revision whose server is exported and built under {@code
 *     jepsen-tests/target/bench-server/} and run (so that uncommitted work in the checkout is not
 *     measured), or null
 * @param build whether to (re)build the server through {@code ./caravel} first
 * @param prefill whether to write the whole key space before the first point
 * @param warmupPass how long {@link Command#COMPARE} loads each side, unmeasured, before round 1 (spread over
 *     the points, each at least {@code --warmup} long), so that the JVM's JIT has compiled the hot paths; zero
 *     for none
 * @param warmupMax after that pass, how long {@link Command#COMPARE} may go on loading Caravel in chunks of
 *     all the points until its throughput is steady ({@link WarmUp}); zero for no such wait
 * @param pids extra processes to sample ({@link Command#RUN} against given endpoints)
 * @param jfrLeader where to write a JFR recording of the Caravel leader during the first point's
 *     measurement window, or null
 * @param input the results file ({@link Command#REPORT}) or recording ({@link Command#JFR_SUMMARY})
 * @param top how many frames {@link Command#JFR_SUMMARY} lists
 * @param raw the arguments as given, for reports
 */
public record BenchArgs(
    Command command,
    List<Point> points,
    List<String> endpoints,
    Db start,
    int nodes,
    BenchSettings settings,
    int rounds,
    Path out,
    Path serverHome,
    String serverRev,
    boolean build,
    boolean prefill,
    Duration warmupPass,
    Duration warmupMax,
    List<Long> pids,
    Path jfrLeader,
    Path input,
    int top,
    List<String> raw) {

  /** What {@code caravel-bench} does. */
  public enum Command {
    /** One workload at one or more client counts against one system. */
    RUN,
    /** Caravel against etcd, alternately, in rounds. */
    COMPARE,
    /** Regenerate the Markdown and the plots from a results file. */
    REPORT,
    /** Summarise a JFR recording (top frames). */
    JFR_SUMMARY,
    /** Print the usage. */
    HELP
  }

  /** The client counts run when none are given: etcd's benchmark sweep. */
  public static final List<Integer> DEFAULT_CLIENTS = List.of(1, 16, 64, 256, 1000);

  /** The default points of {@code compare}: issue #6's first comparison. */
  public static final String DEFAULT_COMPARE_POINTS =
      "put:1,put:16,range-lin:1,range-lin:16,range-ser:1,range-ser:16,txn-put:1,txn-put:16,watch-latency:16";

  /**
   * The default unmeasured load per side before {@code compare}'s first round: a freshly started Caravel
   * node's JIT keeps compiling (tens of thousands of methods, most of a CPU) for minutes under load.
   */
  public static final int DEFAULT_WARMUP_PASS_SECONDS = 180;

  /**
   * The default bound of the warm-up that follows the fixed pass: on a 2-core AMD EPYC VM a fresh Caravel
   * cluster's put throughput took 8-10 minutes of load to settle (its JIT compiling all along, and until
   * 241a1a7 Ratis's retry cache filling the heap for its 10-minute expiry; docs/benchmarks.md, seventeenth run).
   */
  public static final int DEFAULT_WARMUP_MAX_SECONDS = 900;

  static final String USAGE = """
      usage: caravel-bench WORKLOAD [--endpoints URL,... | --start caravel|etcd [--nodes N]] [--clients 1,16,...] [options]
             caravel-bench compare [--points put:16,range-lin:16,...] [--rounds N] [--duration S] [options]
             caravel-bench report RESULTS.json [--out DIR]
             caravel-bench jfr-summary RECORDING.jfr [--top N]

      Closed-loop etcd v3 load generator (jetcd), modelled on etcd's `benchmark` tool.
        WORKLOAD            put | range (with --consistency l|s) | range-lin | range-ser | txn-put | txn-mixed
                            | watch-latency | lease-keepalive | idle (no requests: the servers' idle CPU and RSS)
        --endpoints URLS    drive these client URLs (comma-separated); the first gets connection 0
        --start DB          start a local cluster of caravel (default) or etcd through the jepsen harness
        --nodes N           its size (default 3)
        --clients LIST      concurrent clients (watch-latency: watchers), default 1,16,64,256,1000
        --conns N           gRPC connections, spread over the endpoints (default: one per endpoint)
        --duration S        measurement window per point (default 20)
        --warmup S          unmeasured run before each window (default 5)
        --key-space N       distinct keys (default 100000); --key-size B (default 32); --val-size B (default 256)
        --rw-ratio R        reads per write in txn-mixed (default 1)
        --consistency l|s   for `range`: linearizable (default) or serializable
        --request-timeout S a request slower than this is an error (default 10)
        --pids P,...        also sample these processes' CPU and memory (with --endpoints)
        --jfr-leader FILE   record the Caravel leader with JFR during the first point's window (--start caravel)
        --no-prefill        do not write the key space first
        --server-home DIR   run the Caravel server built in DIR/server/target (default: this repository)
        --server-rev REV    export git revision REV (e.g. HEAD) of this repository, build its server once under
                            jepsen-tests/target/bench-server/ and run that (uncommitted changes are not measured)
        --no-build          do not rebuild the server through ./caravel before starting
        --out DIR           results (results.json, report.md, PNG plots); default jepsen-tests/target/bench/<time>
      compare: starts a Caravel and an etcd cluster (--nodes, default 3) side by side on loopback and runs each
        point against both alternately (Caravel, etcd, Caravel, etcd ...) for --rounds rounds (default 3, at least 3);
        --points LIST (default %s); --warmup-pass S: seconds of unmeasured load per side before round 1, spread
        over the points (default %d; a fresh JVM needs minutes of load before its JIT settles); --no-warmup-pass = 0;
        then Caravel alone runs the points in unreported chunks (each point for max(15 s, --warmup)) until every
        point's throughput is within %.0f%% of the chunk before, for at most --warmup-max S (default %d; 0: none).
      report: rewrites report.md, throughput.png and latency-cdf.png from a results.json.
      """.formatted(DEFAULT_COMPARE_POINTS, DEFAULT_WARMUP_PASS_SECONDS, WarmUp.TOLERANCE * 100,
          DEFAULT_WARMUP_MAX_SECONDS);

  /**
   * Parses a command line.
   *
   * @throws IllegalArgumentException with a message for the user on any error
   */
  public static BenchArgs parse(List<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("no command given");
    }
    String first = args.get(0);
    Command command = switch (first) {
      case "compare" -> Command.COMPARE;
      case "report" -> Command.REPORT;
      case "jfr-summary" -> Command.JFR_SUMMARY;
      case "help", "--help", "-h" -> Command.HELP;
      default -> Command.RUN;
    };
    if (command == Command.RUN && first.startsWith("-")) {
      throw new IllegalArgumentException("the first argument is a workload (" + Workload.names() + ") or a command");
    }
    String workloadName = command == Command.RUN ? first : null;
    List<String> endpoints = List.of();
    Db start = null;
    int nodes = 3;
    String clients = null;
    String pointsText = null;
    String consistency = null;
    BenchSettings d = BenchSettings.defaults();
    int keySpace = d.keySpace();
    int keySize = d.keySize();
    int valueSize = d.valueSize();
    int conns = d.conns();
    double duration = d.duration().toMillis() / 1000.0;
    double warmup = d.warmup().toMillis() / 1000.0;
    double rwRatio = d.rwRatio();
    double requestTimeout = d.requestTimeout().toMillis() / 1000.0;
    int rounds = 3;
    Path out = null;
    Path serverHome = null;
    String serverRev = null;
    boolean build = true;
    boolean prefill = true;
    double warmupPass = DEFAULT_WARMUP_PASS_SECONDS;
    double warmupMax = DEFAULT_WARMUP_MAX_SECONDS;
    List<Long> pids = new ArrayList<>();
    Path jfr = null;
    Path input = null;
    int top = 25;
    CommandLine cli = new CommandLine(args, 1);
    while (cli.next()) {
      String arg = cli.arg();
      String name = cli.name();
      switch (name) {
        case "--no-prefill" -> prefill = false;
        case "--no-build" -> build = false;
        case "--no-warmup-pass" -> {
          warmupPass = 0;
          warmupMax = 0;
        }
        case "--help", "-h" -> command = Command.HELP;
        default -> {
          if (!name.startsWith("--")) {
            if (input != null || (command != Command.REPORT && command != Command.JFR_SUMMARY)) {
              throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            input = Path.of(arg);
            continue;
          }
          String value = cli.value();
          switch (name) {
            case "--endpoints" -> endpoints = splitList(value);
            case "--start" -> start = Db.byName(value);
            case "--nodes" -> nodes = intIn(name, value, 1, 9);
            case "--clients" -> clients = value;
            case "--points" -> pointsText = value;
            case "--conns" -> conns = intIn(name, value, 1, 10_000);
            case "--duration" -> duration = seconds(name, value, 0.1);
            case "--warmup" -> warmup = seconds(name, value, 0);
            case "--warmup-pass" -> warmupPass = seconds(name, value, 0);
            case "--warmup-max" -> warmupMax = seconds(name, value, 0);
            case "--key-space" -> keySpace = intIn(name, value, 1, 100_000_000);
            case "--key-size" -> keySize = intIn(name, value, 1, 1_000_000);
            case "--val-size" -> valueSize = intIn(name, value, 8, 1_048_576);
            case "--rw-ratio" -> rwRatio = seconds(name, value, 0);
            case "--request-timeout" -> requestTimeout = seconds(name, value, 0.1);
            case "--consistency" -> {
              if (!value.equals("l") && !value.equals("s")) {
                throw new IllegalArgumentException("--consistency is l or s, not '" + value + "'");
              }
              consistency = value;
            }
            case "--rounds" -> rounds = intIn(name, value, 1, 1000);
            case "--out" -> out = Path.of(value);
            case "--server-home" -> serverHome = Path.of(value);
            case "--server-rev" -> serverRev = value;
            case "--pids" -> {
              for (String p : splitList(value)) {
                pids.add((long) intIn(name, p, 1, Integer.MAX_VALUE));
              }
            }
            case "--jfr-leader" -> jfr = Path.of(value);
            case "--top" -> top = intIn(name, value, 1, 1000);
            default -> throw new IllegalArgumentException("unknown option '" + name + "'");
          }
        }
      }
    }
    BenchSettings settings = new BenchSettings(keySpace, keySize, valueSize, conns == d.conns() ? 0 : conns,
        millis(warmup), millis(duration), rwRatio, millis(requestTimeout), d.leaseTtlSeconds());
    List<Point> points = List.of();
    switch (command) {
      case RUN -> {
        Workload w = Workload.byName(workloadName);
        if (workloadName.equals("range") && "s".equals(consistency)) {
          w = Workload.RANGE_SER;
        } else if (consistency != null && !workloadName.equals("range")) {
          throw new IllegalArgumentException("--consistency applies to the range workload only");
        }
        if (pointsText != null) {
          throw new IllegalArgumentException("--points is for compare; use --clients");
        }
        List<Point> ps = new ArrayList<>();
        for (String c : clients == null ? DEFAULT_CLIENTS.stream().map(String::valueOf).toList() : splitList(clients)) {
          ps.add(new Point(w, intIn("--clients", c, 1, Point.MAX_CLIENTS)));
        }
        points = List.copyOf(ps);
        if (!endpoints.isEmpty() && start != null) {
          throw new IllegalArgumentException("give either --endpoints or --start, not both");
        }
        if (endpoints.isEmpty() && start == null) {
          start = Db.CARAVEL;
        }
        if (jfr != null && start != Db.CARAVEL) {
          throw new IllegalArgumentException("--jfr-leader needs a Caravel cluster started here (--start caravel)");
        }
      }
      case COMPARE -> {
        if (clients != null || !endpoints.isEmpty() || start != null) {
          throw new IllegalArgumentException("compare takes --points (not --clients, --endpoints or --start)");
        }
        if (rounds < 3) {
          throw new IllegalArgumentException("compare needs at least 3 rounds, not " + rounds);
        }
        points = Point.parseList(pointsText == null ? DEFAULT_COMPARE_POINTS : pointsText);
      }
      case REPORT, JFR_SUMMARY -> {
        if (input == null) {
          throw new IllegalArgumentException(command == Command.REPORT ? "report needs a results.json"
              : "jfr-summary needs a .jfr file");
        }
      }
      case HELP -> { }
      default -> throw new IllegalStateException();
    }
    if (serverHome != null && serverRev != null) {
      throw new IllegalArgumentException("give either --server-home or --server-rev, not both");
    }
    return new BenchArgs(command, points, endpoints, start, nodes, settings, rounds, out, serverHome, serverRev, build,
        prefill,
        millis(warmupPass), millis(warmupMax), List.copyOf(pids), jfr, input, top, List.copyOf(args));
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty list '" + value + "'");
    }
    return out;
  }

  private static int intIn(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.trim().replace("_", ""));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + " needs an integer in " + min + ".." + max + ", not '" + value + "'");
  }

  private static double seconds(String name, String value, double min) {
    try {
      double v = Double.parseDouble(value.trim());
      if (v >= min && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + " needs a number of at least " + min + ", not '" + value + "'");
  }

  private static Duration millis(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
