package io.caravel.jepsen;

import io.caravel.jepsen.checker.CheckOptions;
import io.caravel.jepsen.checker.CheckResult;
import io.caravel.jepsen.checker.LinearizabilityChecker;
import io.caravel.jepsen.edn.EdnParseException;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.HistoryParser;
import io.caravel.jepsen.model.Model;
import io.caravel.jepsen.model.Models;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code caravel-jepsen} command line.
 *
 * <pre>
 * caravel-jepsen check --model register|cas-register|kv [--timeout SECONDS] [--threads N]
 *                      [--all] [--verbose] HISTORY.edn
 * caravel-jepsen run --nodes 3|5 --workload register|list-append|watch --nemesis ... (see RunCommand)
 * caravel-jepsen help
 * </pre>
 *
 * <p>Exit codes of {@code check}: {@value #EXIT_LINEARIZABLE} linearizable, {@value
 * #EXIT_NOT_LINEARIZABLE} not linearizable, {@value #EXIT_UNKNOWN} unknown (time bound reached or
 * out of memory); {@value #EXIT_USAGE} usage error (EX_USAGE), {@value #EXIT_DATA} malformed history
 * (EX_DATAERR), {@value #EXIT_NO_INPUT} history file missing or unreadable (EX_NOINPUT). The verdict
 * goes to standard output; usage and input errors go to standard error.
 *
 * <p>{@link #run} does all the work and returns the exit code without exiting, so tests can call it
 * in-process; {@link #main} only adds {@link System#exit}.
 */
public final class Main {

  /** Exit code: the history is linearizable. */
  public static final int EXIT_LINEARIZABLE = 0;
  /** Exit code: the history is not linearizable. */
  public static final int EXIT_NOT_LINEARIZABLE = 1;
  /** Exit code: unknown (the search did not finish). */
  public static final int EXIT_UNKNOWN = 2;
  /** Exit code: bad command line (sysexits EX_USAGE). */
  public static final int EXIT_USAGE = 64;
  /** Exit code: the history is malformed (sysexits EX_DATAERR). */
  public static final int EXIT_DATA = 65;
  /** Exit code: the history file cannot be read (sysexits EX_NOINPUT). */
  public static final int EXIT_NO_INPUT = 66;

  static final String USAGE = """
      usage: caravel-jepsen check --model %s|list-append|watch [--timeout SECONDS] [--threads N] [--all] [--verbose] HISTORY.edn
             caravel-jepsen run --nodes 3|5 --workload register|list-append|watch
                                --nemesis kill,pause,partition,member --time-limit S --seed N  (run --help)
             caravel-jepsen campaign --plan ci|full|FILE  (campaign --help)
             caravel-jepsen help

      Checks a Jepsen EDN history (one op map per line) for linearizability.
        --model M        register (:read/:write), cas-register (+ :cas [old new]) or kv (:get/:put/:append
                         per :key); operations with a :key are checked per key; list-append (strict
                         serializability of :txn histories, Elle-style) or watch (watch guarantees)
        --timeout S      give up after S seconds (default %d) and answer UNKNOWN
        --threads N      search at most N partitions at once (default: number of processors)
        --all            check every partition even after one is found not linearizable
        --verbose, -v    list every partition, and the whole prefix of a violation
      Exit codes: 0 linearizable, 1 not linearizable, 2 unknown,
                  64 usage error, 65 malformed history, 66 history file not readable.
      """.formatted(Models.names(), CheckOptions.DEFAULT_TIMEOUT.toSeconds());

  private Main() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments, e.g. {@code check --model kv history.edn}
   * @param out where the verdict goes
   * @param err where usage and input errors go
   * @return the exit code, as documented on the class
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return EXIT_USAGE;
    }
    switch (args[0]) {
      case "help", "--help", "-h" -> {
        out.print(USAGE);
        return 0;
      }
      case "check" -> {
        return check(List.of(args).subList(1, args.length), out, err);
      }
      case "campaign" -> {
        List<String> rest = List.of(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
          out.print(io.caravel.jepsen.run.Campaign.USAGE);
          return 0;
        }
        return io.caravel.jepsen.run.Campaign.main(rest, out, err);
      }
      case "run" -> {
        List<String> rest = List.of(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
          out.print(io.caravel.jepsen.run.RunCommand.USAGE);
          return 0;
        }
        return io.caravel.jepsen.run.RunCommand.main(rest, out, err);
      }
      default -> {
        return usage(err, "unknown command '" + args[0] + "'");
      }
    }
  }

  private static int check(List<String> args, PrintStream out, PrintStream err) {
    String modelName = null;
    CheckOptions options = CheckOptions.defaults();
    boolean verbose = false;
    List<String> files = new ArrayList<>();
    CommandLine cli = new CommandLine(args, 0);
    while (cli.next()) {
      String arg = cli.arg();
      String name = cli.name();
      switch (name) {
        case "--model", "--timeout", "--threads" -> {
          String value;
          try {
            value = cli.value();
          } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
          }
          if (name.equals("--model")) {
            modelName = value;
          } else if (name.equals("--timeout")) {
            Duration timeout = parseSeconds(value);
            if (timeout == null) {
              return usage(err, "--timeout needs a positive number of seconds, not '" + value + "'");
            }
            options = options.withTimeout(timeout);
          } else {
            Integer threads = parsePositiveInt(value);
            if (threads == null) {
              return usage(err, "--threads needs a positive integer, not '" + value + "'");
            }
            options = options.withParallelism(threads);
          }
        }
        case "--all" -> options = options.withStopAtFirstViolation(false);
        case "--verbose", "-v" -> verbose = true;
        default -> {
          if (arg.startsWith("-") && !arg.equals("-")) {
            return usage(err, "unknown option '" + arg + "'");
          }
          files.add(arg);
        }
      }
    }
    if (modelName == null) {
      return usage(err, "--model is required (" + Models.names() + "|list-append|watch)");
    }
    Model<?> model = Models.byName(modelName).orElse(null);
    boolean transactional = modelName.equals("list-append") || modelName.equals("watch");
    if (model == null && !transactional) {
      return usage(err, "unknown model '" + modelName + "' (expected " + Models.names() + ")");
    }
    if (files.size() != 1) {
      return usage(err, files.isEmpty() ? "no history file given" : "give exactly one history file");
    }
    Path file = Path.of(files.get(0));

    History history;
    try {
      history = HistoryParser.read(file);
    } catch (NoSuchFileException e) {
      err.println("caravel-jepsen: " + file + ": no such file");
      return EXIT_NO_INPUT;
    } catch (MalformedInputException e) {
      err.println("caravel-jepsen: " + file + ": not UTF-8 text");
      return EXIT_DATA;
    } catch (IOException e) {
      err.println("caravel-jepsen: " + file + ": cannot read: " + e.getMessage());
      return EXIT_NO_INPUT;
    } catch (EdnParseException | HistoryFormatException e) {
      err.println("caravel-jepsen: " + file + ": " + e.getMessage());
      return EXIT_DATA;
    }
    if (transactional) {
      return checkOther(modelName, history, file, out, err);
    }
    CheckResult result;
    try {
      result = new LinearizabilityChecker(options).check(model, history);
    } catch (HistoryFormatException e) {
      err.println("caravel-jepsen: " + file + ": " + e.getMessage());
      return EXIT_DATA;
    }
    out.print(Report.render(result, model, file.toString(), verbose));
    out.flush();
    return result.verdict().exitCode();
  }

  /** {@code check --model list-append|watch}: the Elle-style and watch checkers. */
  private static int checkOther(String modelName, History history, Path file, PrintStream out, PrintStream err) {
    io.caravel.jepsen.run.CheckSummary summary;
    try {
      summary = modelName.equals("list-append")
          ? io.caravel.jepsen.workload.ListAppendWorkload.checkHistory(history)
          : io.caravel.jepsen.workload.WatchWorkload.checkHistory(history);
    } catch (HistoryFormatException e) {
      err.println("caravel-jepsen: " + file + ": " + e.getMessage());
      return EXIT_DATA;
    }
    out.print(file + ": " + summary.validity() + " (" + summary.checker() + ")\n" + summary.text().indent(2));
    out.flush();
    return switch (summary.validity()) {
      case VALID -> EXIT_LINEARIZABLE;
      case INVALID -> EXIT_NOT_LINEARIZABLE;
      case UNKNOWN -> EXIT_UNKNOWN;
    };
  }

  private static int usage(PrintStream err, String problem) {
    err.println("caravel-jepsen: " + problem);
    err.print(USAGE);
    return EXIT_USAGE;
  }

  private static Duration parseSeconds(String s) {
    try {
      double seconds = Double.parseDouble(s);
      if (!(seconds > 0) || Double.isInfinite(seconds) || seconds > 1e9) {
        return null;
      }
      Duration d = Duration.ofNanos(Math.max(1, (long) (seconds * 1e9)));
      return d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Integer parsePositiveInt(String s) {
    try {
      int n = Integer.parseInt(s);
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
