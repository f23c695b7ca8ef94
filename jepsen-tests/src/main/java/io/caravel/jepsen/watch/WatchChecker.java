package io.caravel.jepsen.watch;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.edn.Keyword;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks a watch history.
 *
 * <h2>Input</h2>
 * <ul>
 *   <li>{@code :write} operations with a {@code :key} and a unique string value; an {@code :ok}
 *       completion's value is {@code [value revision]}, the revision the put returned.
 *   <li>{@code :watch} sessions: the invocation's value is the start revision; the completion's value
 *       is {@code {:from r, :responses [[[revision key value] ...] ...], :error e, :created c}}, every
 *       event the session delivered, grouped by watch response, and the header revision of its
 *       created notification. A session from revision 0 ("from now") starts after {@code c}.
 *   <li>optionally one {@code :final-read} with value {@code [[key value mod-revision] ...]}, the
 *       state after the run, and a {@code :converge} note with the revision watchers had to reach.
 * </ul>
 *
 * <h2>Properties</h2>
 * Per watcher (process), over its sessions in order:
 * <b>ordered</b> (revisions never decrease), <b>unique</b> (no (revision, key) twice),
 * <b>resumable</b> (a session delivers nothing before its start revision), <b>atomic</b> (a
 * revision's events are not split across responses). Across watchers: <b>agreement</b> (one value
 * per (revision, key)) and <b>reliable</b> (a watcher that covered a revision range, from its first
 * start to its last event, saw every event any watcher saw in that range). Against the writes:
 * every acknowledged write appears at the revision it returned (<b>acked-write-missing</b>,
 * <b>revision-mismatch</b>), no failed write appears (<b>failed-write-delivered</b>), no value
 * appears that nobody wrote (<b>garbage-event</b>), no value appears at two revisions
 * (<b>duplicate-value</b>), and the final read equals the last event of each key
 * (<b>final-state-mismatch</b>). Stateless.
 */
public final class WatchChecker {

  private static final Keyword FROM = Keyword.of("from");
  private static final Keyword RESPONSES = Keyword.of("responses");
  private static final Keyword CREATED = Keyword.of("created");

  private WatchChecker() {}

  /** One delivered event. */
  public record WEvent(long revision, Object key, Object value) {}

  /** One violation. */
  public record Violation(String type, String explanation, List<Operation> ops) {}

  /**
   * The result.
   *
   * @param violations examples (at most 3 per type)
   * @param counts violations per type
   * @param watchers watchers checked
   * @param events distinct events delivered (union over watchers)
   * @param ackedWrites acknowledged writes
   * @param converged watchers whose last event reached the last revision written
   */
  public record Result(List<Violation> violations, Map<String, Integer> counts, int watchers, int events,
      int ackedWrites, int converged) {
    /** Whether no violation was found. */
    public boolean valid() {
      return counts.isEmpty();
    }
  }

  /** Checks a history. */
  public static Result check(History history) {
    List<Violation> violations = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    java.util.function.Consumer<Violation> report = v -> {
      if (counts.merge(v.type(), 1, Integer::sum) <= 3) {
        violations.add(v);
      }
    };
    // writes
    Map<Object, Operation> writeByValue = new HashMap<>();
    List<Operation> acked = new ArrayList<>();
    Map<Operation, Long> ackedRevision = new HashMap<>();
    Map<Long, List<Operation>> sessions = new TreeMap<>();
    Operation finalRead = null;
    for (Operation op : history.operations()) {
      switch (op.f()) {
        case "write" -> {
          writeByValue.put(op.input(), op);
          if (op.outcome() == Outcome.OK) {
            if (!(op.output() instanceof List<?> out) || out.size() != 2 || !(out.get(1) instanceof Long rev)) {
              throw new HistoryFormatException(op.completeLine(), "an :ok :write needs the value [value revision]");
            }
            acked.add(op);
            ackedRevision.put(op, rev);
          }
        }
        case "watch" -> sessions.computeIfAbsent(op.process(), p -> new ArrayList<>()).add(op);
        case "final-read" -> {
          if (op.outcome() == Outcome.OK) {
            finalRead = op;
          }
        }
        default -> {
          // other operations (e.g. notes) are not checked
        }
      }
    }
    // per watcher logs
    Map<List<Object>, Object> union = new HashMap<>();
    Map<List<Object>, Operation> firstSeenIn = new HashMap<>();
    Map<Long, List<WEvent>> logs = new TreeMap<>();
    Map<Long, long[]> covered = new HashMap<>();
    for (var e : sessions.entrySet()) {
      long process = e.getKey();
      List<WEvent> log = new ArrayList<>();
      long lastRev = 0;
      long firstStart = -1;
      java.util.Set<List<Object>> seen = new java.util.HashSet<>();
      for (Operation s : e.getValue()) {
        if (s.outcome() != Outcome.OK || !(s.output() instanceof Map<?, ?> m)) {
          continue;
        }
        long from = m.get(FROM) instanceof Long f ? f : 0;
        if (from == 0) {
          // etcd: revision 0 means "after the current revision", the created notification's
          if (m.get(CREATED) instanceof Long c) {
            from = c + 1;
          } else {
            // no created notification: where the session started is unknown; its first event is
            // the best lower bound there is
            Long first = firstRevision(m.get(RESPONSES));
            if (first == null) {
              continue;
            }
            from = first;
          }
        }
        if (firstStart < 0) {
          firstStart = from;
        }
        Object rs = m.get(RESPONSES);
        if (!(rs instanceof List<?> responses)) {
          throw new HistoryFormatException(s.completeLine(), "a :watch completion needs :responses");
        }
        long previousResponseLast = -1;
        for (Object r : responses) {
          List<WEvent> evs = events(r, s);
          if (!evs.isEmpty() && evs.get(0).revision() == previousResponseLast) {
            report.accept(new Violation("split-revision", "watcher " + process + " got revision " + previousResponseLast
                + " split across two responses", List.of(s)));
          }
          for (WEvent ev : evs) {
            if (ev.revision() < from) {
              report.accept(new Violation("before-start", "watcher " + process + " session from revision " + from
                  + " delivered " + ev, List.of(s)));
            }
            if (ev.revision() < lastRev) {
              report.accept(new Violation("out-of-order", "watcher " + process + " delivered revision " + ev.revision()
                  + " after revision " + lastRev, List.of(s)));
            }
            List<Object> id = List.of(ev.revision(), ev.key());
            if (!seen.add(id)) {
              report.accept(new Violation("duplicate-event", "watcher " + process + " delivered " + ev + " twice",
                  List.of(s)));
              continue;
            }
            lastRev = Math.max(lastRev, ev.revision());
            log.add(ev);
            Object prior = union.putIfAbsent(id, ev.value());
            firstSeenIn.putIfAbsent(id, s);
            if (prior != null && !Objects.equals(prior, ev.value())) {
              report.accept(new Violation("disagreement", "at revision " + ev.revision() + " key " + Edn.print(ev.key())
                  + " watcher " + process + " saw " + Edn.print(ev.value()) + " but another watcher saw " + Edn.print(prior),
                  List.of(s, firstSeenIn.get(id))));
            }
          }
          if (!evs.isEmpty()) {
            previousResponseLast = evs.get(evs.size() - 1).revision();
          }
        }
      }
      logs.put(process, log);
      covered.put(process, new long[] {Math.max(1, firstStart), lastRev});
    }
    // reliability: each watcher saw every union event within the range it covered
    for (var e : logs.entrySet()) {
      long[] range = covered.get(e.getKey());
      java.util.Set<List<Object>> mine = new java.util.HashSet<>();
      for (WEvent ev : e.getValue()) {
        mine.add(List.of(ev.revision(), ev.key()));
      }
      for (var u : union.entrySet()) {
        long rev = (Long) u.getKey().get(0);
        if (rev >= range[0] && rev <= range[1] && !mine.contains(u.getKey())) {
          report.accept(new Violation("missed-event", "watcher " + e.getKey() + " covered revisions " + range[0] + ".."
              + range[1] + " but missed revision " + rev + " key " + Edn.print(u.getKey().get(1)) + " = "
              + Edn.print(u.getValue()) + ", which another watcher delivered", List.of(firstSeenIn.get(u.getKey()))));
        }
      }
    }
    // against the writes
    Map<Object, List<Object>> valueAt = new HashMap<>();
    for (var u : union.entrySet()) {
      valueAt.computeIfAbsent(u.getValue(), v -> new ArrayList<>()).add(u.getKey());
      Operation w = writeByValue.get(u.getValue());
      if (w == null) {
        report.accept(new Violation("garbage-event", "revision " + u.getKey().get(0) + " key " + Edn.print(u.getKey().get(1))
            + " = " + Edn.print(u.getValue()) + " was delivered but never written", List.of(firstSeenIn.get(u.getKey()))));
      } else if (w.outcome() == Outcome.FAIL) {
        report.accept(new Violation("failed-write-delivered", "the failed write " + w.toString(80) + " was delivered at revision "
            + u.getKey().get(0), List.of(w, firstSeenIn.get(u.getKey()))));
      } else if (!Objects.equals(w.key(), u.getKey().get(1))) {
        report.accept(new Violation("wrong-key", "value " + Edn.print(u.getValue()) + " written to key " + Edn.print(w.key())
            + " was delivered for key " + Edn.print(u.getKey().get(1)), List.of(w)));
      }
    }
    for (var v : valueAt.entrySet()) {
      if (v.getValue().size() > 1) {
        report.accept(new Violation("duplicate-value", "value " + Edn.print(v.getKey()) + " was delivered at several revisions "
            + v.getValue(), List.of()));
      }
    }
    long maxAcked = 0;
    for (Operation w : acked) {
      long rev = ackedRevision.get(w);
      maxAcked = Math.max(maxAcked, rev);
      Object delivered = union.get(List.of(rev, w.key()));
      List<Object> at = valueAt.get(w.input());
      if (at == null) {
        boolean anyCovered = covered.values().stream().anyMatch(r -> rev >= r[0] && rev <= r[1]);
        if (anyCovered) {
          report.accept(new Violation("acked-write-missing", "the acknowledged write " + w.toString(80) + " at revision " + rev
              + " reached no watcher, though some watcher covered that revision", List.of(w)));
        }
      } else if (!Objects.equals(delivered, w.input())) {
        report.accept(new Violation("revision-mismatch", "the write " + w.toString(80) + " returned revision " + rev
            + " but was delivered as " + at, List.of(w)));
      }
    }
    // the final state is the last event of each key
    if (finalRead != null && finalRead.output() instanceof List<?> rows) {
      Map<Object, Object[]> last = new HashMap<>();
      for (var u : union.entrySet()) {
        long rev = (Long) u.getKey().get(0);
        Object[] cur = last.get(u.getKey().get(1));
        if (cur == null || (Long) cur[0] < rev) {
          last.put(u.getKey().get(1), new Object[] {rev, u.getValue()});
        }
      }
      for (Object row : rows) {
        if (row instanceof List<?> kv && kv.size() == 3 && kv.get(2) instanceof Long rev) {
          Object[] cur = last.get(kv.get(0));
          boolean watchersReachedIt = covered.values().stream().anyMatch(r -> r[1] >= rev);
          if (watchersReachedIt && (cur == null || (Long) cur[0] != rev.longValue() || !Objects.equals(cur[1], kv.get(1)))) {
            report.accept(new Violation("final-state-mismatch", "the final read has key " + Edn.print(kv.get(0)) + " = "
                + Edn.print(kv.get(1)) + " at revision " + rev + " but the watchers' last event for it is "
                + (cur == null ? "none" : "revision " + cur[0] + " = " + Edn.print(cur[1])), List.of(finalRead)));
          }
        }
      }
    }
    long target = maxAcked;
    if (finalRead != null && finalRead.output() instanceof List<?> rows) {
      for (Object row : rows) {
        if (row instanceof List<?> kv && kv.size() == 3 && kv.get(2) instanceof Long rev) {
          target = Math.max(target, rev);
        }
      }
    }
    final long t = target;
    int converged = (int) covered.values().stream().filter(r -> r[1] >= t).count();
    return new Result(violations, counts, logs.size(), union.size(), acked.size(), converged);
  }

  private static Long firstRevision(Object responses) {
    if (responses instanceof List<?> rs) {
      for (Object r : rs) {
        if (r instanceof List<?> evs && !evs.isEmpty() && evs.get(0) instanceof List<?> ev && !ev.isEmpty()
            && ev.get(0) instanceof Long rev) {
          return rev;
        }
      }
    }
    return null;
  }

  private static List<WEvent> events(Object response, Operation s) {
    if (!(response instanceof List<?> list)) {
      throw new HistoryFormatException(s.completeLine(), "a watch response must be a vector of events");
    }
    List<WEvent> out = new ArrayList<>();
    for (Object e : list) {
      if (!(e instanceof List<?> ev) || ev.size() != 3 || !(ev.get(0) instanceof Long rev)) {
        throw new HistoryFormatException(s.completeLine(), "a watch event must be [revision key value], found " + Edn.print(e));
      }
      out.add(new WEvent(rev, ev.get(1), ev.get(2)));
    }
    return out;
  }
}
