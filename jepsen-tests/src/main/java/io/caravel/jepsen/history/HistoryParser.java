package io.caravel.jepsen.history;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.edn.EdnParseException;
import io.caravel.jepsen.edn.EdnReader;
import io.caravel.jepsen.edn.Keyword;
import io.caravel.jepsen.edn.Tagged;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Jepsen history from EDN text.
 *
 * <p>Accepted layouts: one op map per line (the usual {@code history.edn}), any other whitespace
 * between maps, or a single vector or list of maps (as in Knossos' test data). A map may carry a
 * record tag, as in {@code #jepsen.history.Op{...}}.
 *
 * <p>Each op map needs {@code :process}, {@code :type} (one of {@code :invoke :ok :fail :info}) and
 * {@code :f} (a keyword or string); {@code :value} and {@code :key} are optional; {@code :time} is
 * kept for reports; {@code :index}, {@code :error} and any other keys are ignored. Ops whose
 * {@code :process} is not an integer (such as {@code :nemesis}) are skipped. The order of the maps is
 * taken as real-time order.
 *
 * <p>Pairing: an {@code :invoke} opens an operation for its process; the next {@code :ok}, {@code
 * :fail} or {@code :info} of that process completes it, and must have the same {@code :f}. A
 * process with an open operation may not invoke again, and a completion needs an open invocation
 * (Jepsen processes are single-threaded). Invocations still open at the end of the history count as
 * {@link Outcome#INFO}.
 *
 * <p>Stateless and thread-safe.
 */
public final class HistoryParser {

  private static final Keyword PROCESS = Keyword.of("process");
  private static final Keyword TYPE = Keyword.of("type");
  private static final Keyword F = Keyword.of("f");
  private static final Keyword VALUE = Keyword.of("value");
  private static final Keyword KEY = Keyword.of("key");
  private static final Keyword TIME = Keyword.of("time");

  private HistoryParser() {}

  /**
   * Reads and parses a history file (UTF-8).
   *
   * @throws IOException if the file cannot be read
   * @throws EdnParseException if the text is not valid EDN
   * @throws HistoryFormatException if it is EDN but not a well-formed history
   */
  public static History read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses a history from EDN text.
   *
   * @throws EdnParseException if the text is not valid EDN
   * @throws HistoryFormatException if it is EDN but not a well-formed history
   */
  public static History parse(String text) {
    Builder builder = new Builder();
    EdnReader reader = new EdnReader(text);
    while (reader.hasNext()) {
      int c = reader.peek();
      if (c == '[' || c == '(') {
        char closer = c == '[' ? ']' : ')';
        int openLine = reader.line();
        reader.skip();
        while (true) {
          int d = reader.peek();
          if (d == closer) {
            reader.skip();
            break;
          }
          if (d < 0) {
            throw new EdnParseException(
                reader.line(), reader.column(),
                "unexpected end of input: the history vector opened at line " + openLine + " is not closed");
          }
          int line = reader.line();
          builder.accept(reader.next(), line);
        }
      } else {
        int line = reader.line();
        builder.accept(reader.next(), line);
      }
    }
    return builder.finish();
  }

  /** Pairs events into operations. */
  private static final class Builder {

    private final List<Pending> pendings = new ArrayList<>();
    private final Map<Long, Pending> open = new HashMap<>();
    private int events;
    private int skipped;

    void accept(Object form, int line) {
      Object unwrapped = form instanceof Tagged tagged ? tagged.value() : form;
      if (!(unwrapped instanceof Map<?, ?> map)) {
        throw new HistoryFormatException(line, "expected an op map, found " + abbreviate(Edn.print(form)));
      }
      Object processValue = map.get(PROCESS);
      if (processValue == null && !map.containsKey(PROCESS)) {
        throw new HistoryFormatException(line, "op has no :process");
      }
      if (!(processValue instanceof Long process)) {
        if (processValue instanceof BigInteger) {
          throw new HistoryFormatException(line, ":process " + processValue + " is out of range");
        }
        skipped++; // :nemesis and other non-client processes
        return;
      }
      String type = keywordName(map.get(TYPE), line, ":type");
      String f = functionName(map.get(F), line);
      Object value = map.get(VALUE);
      Object key = map.get(KEY);
      Object time = map.get(TIME);
      int position = events++;
      switch (type) {
        case "invoke" -> {
          Pending previous = open.get(process);
          if (previous != null) {
            throw new HistoryFormatException(
                line, "process " + process + " invokes :" + f + " while its :" + previous.f
                    + " invoked at line " + previous.invokeLine + " has not completed");
          }
          Pending p = new Pending(pendings.size(), process, f, key, value, position, line,
              time instanceof Long t ? t : null);
          pendings.add(p);
          open.put(process, p);
        }
        case "ok", "fail", "info" -> {
          Pending p = open.remove(process);
          if (p == null) {
            throw new HistoryFormatException(
                line, ":" + type + " for process " + process + " without a preceding :invoke");
          }
          if (!p.f.equals(f)) {
            throw new HistoryFormatException(
                line, "completion :f :" + f + " does not match the :f :" + p.f + " invoked at line " + p.invokeLine);
          }
          if (key != null && p.key != null && !key.equals(p.key)) {
            throw new HistoryFormatException(
                line, "completion :key " + Edn.print(key) + " differs from the :key " + Edn.print(p.key)
                    + " invoked at line " + p.invokeLine);
          }
          if (p.key == null) {
            p.key = key;
          }
          p.outcome = switch (type) {
            case "ok" -> Outcome.OK;
            case "fail" -> Outcome.FAIL;
            default -> Outcome.INFO;
          };
          p.output = p.outcome == Outcome.INFO ? null : value;
          p.completePosition = position;
          p.completeLine = line;
        }
        default -> throw new HistoryFormatException(
            line, "unknown :type :" + type + " (expected :invoke, :ok, :fail or :info)");
      }
    }

    History finish() {
      List<Operation> ops = new ArrayList<>(pendings.size());
      for (Pending p : pendings) {
        Outcome outcome = p.outcome == null ? Outcome.INFO : p.outcome;
        ops.add(new Operation(p.id, p.process, p.f, p.key, p.input, p.output, outcome,
            p.invokePosition, p.completePosition, p.invokeLine, p.completeLine, p.time));
      }
      return new History(ops, events, skipped);
    }

    private static String keywordName(Object value, int line, String field) {
      if (value instanceof Keyword k) {
        return k.name();
      }
      if (value == null) {
        throw new HistoryFormatException(line, "op has no " + field);
      }
      throw new HistoryFormatException(line, field + " must be a keyword, found " + Edn.print(value));
    }

    private static String functionName(Object value, int line) {
      if (value instanceof Keyword k) {
        return k.name();
      }
      if (value instanceof String s && !s.isEmpty()) {
        return s;
      }
      if (value == null) {
        throw new HistoryFormatException(line, "op has no :f");
      }
      throw new HistoryFormatException(line, ":f must be a keyword, found " + Edn.print(value));
    }

    private static String abbreviate(String s) {
      return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
  }

  /** An invocation, filled in when its completion arrives. */
  private static final class Pending {
    final int id;
    final long process;
    final String f;
    Object key;
    final Object input;
    final int invokePosition;
    final int invokeLine;
    final Long time;
    Object output;
    Outcome outcome;
    int completePosition = -1;
    int completeLine = -1;

    Pending(int id, long process, String f, Object key, Object input, int invokePosition,
        int invokeLine, Long time) {
      this.id = id;
      this.process = process;
      this.f = f;
      this.key = key;
      this.input = input;
      this.invokePosition = invokePosition;
      this.invokeLine = invokeLine;
      this.time = time;
    }
  }
}
