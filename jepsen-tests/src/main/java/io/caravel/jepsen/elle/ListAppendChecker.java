package io.caravel.jepsen.elle;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.edn.Keyword;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a list-append history for strict serializability, Elle's way.
 *
 * <h2>Input</h2>
 * Operations with {@code :f :txn} whose value is a vector of micro-operations, {@code [:append k v]}
 * or {@code [:r k nil]} in the invocation and {@code [:r k [v1 v2 ...]]} in an {@code :ok}
 * completion. Every appended value must be unique per key. {@code :ok} transactions committed,
 * {@code :fail} ones did not, {@code :info} ones may have (their appends count once some read shows
 * them; their reads are unknown).
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>Non-cycle anomalies: a read showing a value appended by a failed transaction is <b>G1a</b>
 *       (aborted read); a read ending in a value that its writer followed with another append to the
 *       same key is <b>G1b</b> (intermediate read); a read whose list repeats an element is
 *       <b>duplicate-elements</b>; an element nobody appended is <b>garbage-read</b>; a transaction
 *       that does not see its own earlier appends and reads is <b>internal</b>.
 *   <li>Version order: every read of a key must be a prefix of the longest one (otherwise
 *       <b>incompatible-order</b>); the longest read orders the key's observed appends.
 *   <li>Edges between committed transactions: <b>ww</b> from the writer of each version to the
 *       writer of the next; <b>wr</b> from the writer of the last element a read saw to the reader;
 *       <b>rw</b> from a reader to the writer of the version after the one it saw (the
 *       anti-dependency); <b>rt</b> (real time) from every transaction to those invoked after it
 *       completed, as a transitive reduction (Elle's realtime graph).
 *   <li>Tarjan's algorithm finds the strongly connected components; in each, a cycle is searched
 *       with ever more edge kinds allowed, and the first found names the anomaly: <b>G0</b> (ww
 *       only), <b>G1c</b> (ww, wr), <b>G-single</b> (exactly one rw), <b>G2</b> (several rw); then
 *       the same with rt edges, as <b>G0-realtime</b>, <b>G1c-realtime</b>, <b>G-single-realtime</b>
 *       and <b>G2-realtime</b> (violations of strict serializability that serializability alone
 *       would allow).
 * </ol>
 * Any anomaly makes the history invalid. Stateless and thread-safe.
 */
public final class ListAppendChecker {

  /** Edge kinds, as bits. */
  public static final int WW = 1;
  /** Write-read (the reader saw the writer's value). */
  public static final int WR = 2;
  /** Read-write (anti-dependency: the writer overwrote what the reader saw). */
  public static final int RW = 4;
  /** Real time (the first completed before the second was invoked). */
  public static final int RT = 8;

  private static final Keyword APPEND = Keyword.of("append");
  private static final Keyword READ = Keyword.of("r");
  /** The most rw edges tried per component when looking for a G-single cycle. */
  private static final int RW_TRIES = 20_000;

  private ListAppendChecker() {}

  /** One anomaly with its evidence. */
  public record Anomaly(String type, String explanation, List<Operation> ops) {
    /** @throws NullPointerException for null parts */
    public Anomaly {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(explanation, "explanation");
      ops = List.copyOf(ops);
    }
  }

  /**
   * The result.
   *
   * @param valid whether no anomaly was found
   * @param anomalies the anomalies (at most a few examples of each type)
   * @param counts the number of anomalies found of each type
   * @param transactions committed transactions in the graph
   * @param edges edges in the graph, by kind
   */
  public record Result(boolean valid, List<Anomaly> anomalies, Map<String, Integer> counts, int transactions,
      Map<String, Integer> edges) {
    /** The anomaly type names, in order of first appearance. */
    public List<String> types() {
      return List.copyOf(counts.keySet());
    }
  }

  /** A micro-operation: append {@code value} to {@code key}, or read {@code key} (the list read, when known). */
  record Mop(boolean append, Object key, Object value, List<Object> read) {}

  /**
   * Checks a history.
   *
   * @throws HistoryFormatException if an operation is not a well-formed list-append transaction
   */
  public static Result check(History history) {
    return new Run(history).run();
  }

  /** Parses an operation's micro-operations (from its completion when ok, else its invocation). */
  static List<Mop> mops(Operation op) {
    Object v = op.outcome() == Outcome.OK && op.output() != null ? op.output() : op.input();
    if (!(v instanceof List<?> list)) {
      throw new HistoryFormatException(op.invokeLine(), ":txn needs a vector of micro-operations, found " + Edn.print(v));
    }
    List<Mop> out = new ArrayList<>();
    for (Object m : list) {
      if (!(m instanceof List<?> mop) || mop.size() != 3 || !(mop.get(0) instanceof Keyword f)) {
        throw new HistoryFormatException(op.invokeLine(), "bad micro-operation " + Edn.print(m));
      }
      if (f.equals(APPEND)) {
        out.add(new Mop(true, mop.get(1), mop.get(2), null));
      } else if (f.equals(READ)) {
        Object r = mop.get(2);
        List<Object> read = null;
        if (op.outcome() == Outcome.OK) {
          if (r == null) {
            read = List.of();
          } else if (r instanceof List<?> l) {
            read = new ArrayList<>(l);
          } else {
            throw new HistoryFormatException(op.completeLine(), "a read must return a list, found " + Edn.print(r));
          }
        }
        out.add(new Mop(false, mop.get(1), null, read));
      } else {
        throw new HistoryFormatException(op.invokeLine(), "unknown micro-operation " + f + " (expected :append or :r)");
      }
    }
    return out;
  }

  /** One check. */
  private static final class Run {
    final History history;
    final Map<Integer, Operation> ops = new HashMap<>();
    final Map<Integer, List<Mop>> txns = new LinkedHashMap<>();
    /** (key, value) -> writer op id. */
    final Map<List<Object>, Integer> writer = new HashMap<>();
    /** (key, value) -> index of the mop within its writer. */
    final Map<List<Object>, Integer> writerMop = new HashMap<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    final Map<String, Integer> counts = new LinkedHashMap<>();
    final Set<Integer> graphNodes = new LinkedHashSet<>();
    /** from -> to -> edge. */
    final Map<Integer, Map<Integer, Edge>> adj = new HashMap<>();
    final Map<String, Integer> edgeCounts = new TreeMap<>();

    Run(History history) {
      this.history = history;
    }

    Result run() {
      for (Operation op : history.operations()) {
        if (!op.f().equals("txn")) {
          throw new HistoryFormatException(op.invokeLine(), "list-append histories have only :txn operations, found :" + op.f());
        }
        ops.put(op.id(), op);
        txns.put(op.id(), mops(op));
      }
      indexAppends();
      Map<Object, List<Object>> order = versionOrders();
      readAnomalies();
      internal();
      buildGraph(order);
      realtime();
      cycles();
      Map<String, Integer> edges = new LinkedHashMap<>(edgeCounts);
      return new Result(counts.isEmpty(), List.copyOf(anomalies), Map.copyOf(counts), graphNodes.size(), edges);
    }

    void report(String type, String explanation, List<Operation> involved) {
      int n = counts.merge(type, 1, Integer::sum);
      if (n <= 3) {
        anomalies.add(new Anomaly(type, explanation, involved));
      }
    }

    void indexAppends() {
      for (var e : txns.entrySet()) {
        List<Mop> mops = e.getValue();
        for (int i = 0; i < mops.size(); i++) {
          Mop m = mops.get(i);
          if (m.append) {
            List<Object> kv = List.of(m.key, m.value);
            Integer previous = writer.putIfAbsent(kv, e.getKey());
            if (previous != null) {
              report("duplicate-appends", "value " + Edn.print(m.value) + " is appended to key " + Edn.print(m.key)
                  + " twice; appended values must be unique per key", List.of(ops.get(previous), ops.get(e.getKey())));
            } else {
              writerMop.put(kv, i);
            }
          }
        }
      }
    }

    /** Reads by committed transactions, as (op, mop index, key, list). */
    List<Object[]> reads() {
      List<Object[]> out = new ArrayList<>();
      for (var e : txns.entrySet()) {
        Operation op = ops.get(e.getKey());
        if (op.outcome() != Outcome.OK) {
          continue;
        }
        List<Mop> mops = e.getValue();
        for (int i = 0; i < mops.size(); i++) {
          Mop m = mops.get(i);
          if (!m.append && m.read != null) {
            out.add(new Object[] {op, i, m.key, m.read});
          }
        }
      }
      return out;
    }

    Map<Object, List<Object>> versionOrders() {
      Map<Object, List<Object>> longest = new HashMap<>();
      Map<Object, Operation> longestBy = new HashMap<>();
      for (Object[] r : reads()) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) r[3];
        List<Object> best = longest.get(r[2]);
        if (best == null || list.size() > best.size()) {
          longest.put(r[2], list);
          longestBy.put(r[2], (Operation) r[0]);
        }
      }
      Set<Object> incompatible = new HashSet<>();
      for (Object[] r : reads()) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) r[3];
        List<Object> best = longest.get(r[2]);
        if (!best.subList(0, list.size()).equals(list) && incompatible.add(r[2])) {
          report("incompatible-order", "key " + Edn.print(r[2]) + " was read as " + Edn.print(list) + " and as "
              + Edn.print(best) + ", which is not a prefix of each other: no single order of appends explains both",
              List.of((Operation) r[0], longestBy.get(r[2])));
        }
      }
      return longest;
    }

    void readAnomalies() {
      for (Object[] r : reads()) {
        Operation reader = (Operation) r[0];
        Object key = r[2];
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) r[3];
        Set<Object> seen = new HashSet<>();
        for (Object v : list) {
          if (!seen.add(v)) {
            report("duplicate-elements", "read of key " + Edn.print(key) + " returned " + Edn.print(list)
                + ", which contains " + Edn.print(v) + " twice", List.of(reader));
          }
          Integer w = writer.get(List.of(key, v));
          if (w == null) {
            report("garbage-read", "read of key " + Edn.print(key) + " returned " + Edn.print(v) + ", which no transaction appended",
                List.of(reader));
          } else if (ops.get(w).outcome() == Outcome.FAIL) {
            report("G1a", "aborted read: key " + Edn.print(key) + " was read as " + Edn.print(list) + ", including "
                + Edn.print(v) + ", appended by a transaction that failed", List.of(ops.get(w), reader));
          }
        }
        if (!list.isEmpty()) {
          Object last = list.get(list.size() - 1);
          Integer w = writer.get(List.of(key, last));
          if (w != null && w != reader.id()) {
            List<Mop> wm = txns.get(w);
            int idx = writerMop.get(List.of(key, last));
            for (int j = idx + 1; j < wm.size(); j++) {
              if (wm.get(j).append && Objects.equals(wm.get(j).key, key)) {
                report("G1b", "intermediate read: key " + Edn.print(key) + " was read ending in " + Edn.print(last)
                    + ", but the transaction that appended it then appended " + Edn.print(wm.get(j).value)
                    + " to the same key", List.of(ops.get(w), reader));
                break;
              }
            }
          }
        }
      }
    }

    void internal() {
      for (var e : txns.entrySet()) {
        Operation op = ops.get(e.getKey());
        if (op.outcome() != Outcome.OK) {
          continue;
        }
        Map<Object, List<Object>> known = new HashMap<>();
        Map<Object, List<Object>> own = new HashMap<>();
        for (Mop m : e.getValue()) {
          if (m.append) {
            known.computeIfPresent(m.key, (k, l) -> {
              List<Object> n = new ArrayList<>(l);
              n.add(m.value);
              return n;
            });
            own.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m.value);
          } else {
            List<Object> expected = known.get(m.key);
            List<Object> mine = own.getOrDefault(m.key, List.of());
            boolean bad;
            String want;
            if (expected != null) {
              bad = !expected.equals(m.read);
              want = Edn.print(expected);
            } else {
              bad = m.read.size() < mine.size() || !m.read.subList(m.read.size() - mine.size(), m.read.size()).equals(mine);
              want = "a list ending in " + Edn.print(mine);
            }
            if (bad) {
              report("internal", "the transaction read key " + Edn.print(m.key) + " as " + Edn.print(m.read)
                  + " but its own earlier operations imply " + want, List.of(op));
            }
            known.put(m.key, new ArrayList<>(m.read));
            own.remove(m.key);
          }
        }
      }
    }

    void addEdge(int from, int to, int kind, String why) {
      if (from == to) {
        return;
      }
      Edge edge = adj.computeIfAbsent(from, k -> new HashMap<>()).computeIfAbsent(to, k -> new Edge(from, to));
      if ((edge.kinds & kind) == 0) {
        edge.kinds |= kind;
        edge.why.put(kind, why);
        edgeCounts.merge(kindName(kind), 1, Integer::sum);
      }
    }

    void buildGraph(Map<Object, List<Object>> orders) {
      for (var e : txns.entrySet()) {
        if (ops.get(e.getKey()).outcome() == Outcome.OK) {
          graphNodes.add(e.getKey());
        }
      }
      // an :info transaction committed if a read shows one of its appends
      for (var ko : orders.entrySet()) {
        for (Object v : ko.getValue()) {
          Integer w = writer.get(List.of(ko.getKey(), v));
          if (w != null && ops.get(w).outcome() == Outcome.INFO) {
            graphNodes.add(w);
          }
        }
      }
      for (var ko : orders.entrySet()) {
        Object key = ko.getKey();
        List<Object> order = ko.getValue();
        for (int i = 0; i + 1 < order.size(); i++) {
          Integer a = writer.get(List.of(key, order.get(i)));
          Integer b = writer.get(List.of(key, order.get(i + 1)));
          if (a != null && b != null && graphNodes.contains(a) && graphNodes.contains(b)) {
            addEdge(a, b, WW, "appended " + Edn.print(order.get(i)) + " then the other appended "
                + Edn.print(order.get(i + 1)) + " to key " + Edn.print(key));
          }
        }
      }
      // Committed appends that no read shows came after the longest read of their key (anything
      // appended before it would be in it), so they follow its version: ww from its last writer,
      // and rw from every transaction that read exactly that version.
      Map<Object, List<Integer>> unobserved = new HashMap<>();
      for (var kv : writer.entrySet()) {
        Object key = kv.getKey().get(0);
        int w = kv.getValue();
        List<Object> order = orders.getOrDefault(key, List.of());
        if (ops.get(w).outcome() == Outcome.OK && !order.contains(kv.getKey().get(1))) {
          unobserved.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
          if (!order.isEmpty()) {
            Integer last = writer.get(List.of(key, order.get(order.size() - 1)));
            if (last != null && graphNodes.contains(last)) {
              addEdge(last, w, WW, "appended " + Edn.print(order.get(order.size() - 1)) + " to key " + Edn.print(key)
                  + ", the last element any read saw, before the other's unobserved append of " + Edn.print(kv.getKey().get(1)));
            }
          }
        }
      }
      for (Object[] r : reads()) {
        Operation reader = (Operation) r[0];
        Object key = r[2];
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) r[3];
        List<Object> order = orders.get(key);
        if (order != null && list.size() == order.size()) {
          for (int w : unobserved.getOrDefault(key, List.of())) {
            addEdge(reader.id(), w, RW, "read key " + Edn.print(key) + " as " + Edn.print(list)
                + ", before the other's append to it (which no read shows)");
          }
        }
        if (!list.isEmpty()) {
          Integer w = writer.get(List.of(key, list.get(list.size() - 1)));
          if (w != null && graphNodes.contains(w)) {
            addEdge(w, reader.id(), WR, "appended " + Edn.print(list.get(list.size() - 1)) + " to key " + Edn.print(key)
                + ", which the other read (as the last element of " + Edn.print(list) + ")");
          }
        }
        if (order != null && list.size() < order.size() && order.subList(0, list.size()).equals(list)) {
          Object next = order.get(list.size());
          Integer w = writer.get(List.of(key, next));
          if (w != null && graphNodes.contains(w)) {
            addEdge(reader.id(), w, RW, "read key " + Edn.print(key) + " as " + Edn.print(list)
                + ", missing " + Edn.print(next) + " that the other appended next");
          }
        }
      }
    }

    void realtime() {
      // events in history order: invocation and completion positions
      List<int[]> events = new ArrayList<>();
      for (int id : graphNodes) {
        Operation op = ops.get(id);
        events.add(new int[] {op.invokePosition(), 0, id});
        if (op.outcome() == Outcome.OK && op.completePosition() >= 0) {
          events.add(new int[] {op.completePosition(), 1, id});
        }
      }
      events.sort(Comparator.<int[]>comparingInt(e -> e[0]).thenComparingInt(e -> e[1]));
      Set<Integer> frontier = new LinkedHashSet<>();
      Map<Integer, Set<Integer>> preds = new HashMap<>();
      for (int[] ev : events) {
        int id = ev[2];
        if (ev[1] == 0) {
          Set<Integer> p = new HashSet<>(frontier);
          preds.put(id, p);
          for (int f : p) {
            addEdge(f, id, RT, "completed before the other was invoked");
          }
        } else {
          frontier.removeAll(preds.getOrDefault(id, Set.of()));
          frontier.add(id);
        }
      }
    }

    // ---- cycles -----------------------------------------------------------------------------

    void cycles() {
      for (List<Integer> scc : tarjan(graphNodes, ALL)) {
        if (scc.size() < 2) {
          continue;
        }
        Set<Integer> comp = new HashSet<>(scc);
        String[] names = {"G0", "G1c", null, "G2", "G0-realtime", "G1c-realtime", null, "G2-realtime"};
        int[] masks = {WW, WW | WR, -1, WW | WR | RW, WW | RT, WW | WR | RT, -2, ALL};
        boolean found = false;
        for (int i = 0; i < masks.length && !found; i++) {
          List<Integer> cycle;
          String name;
          if (masks[i] < 0) {
            boolean rt = masks[i] == -2;
            cycle = singleRwCycle(comp, rt ? WW | WR | RT : WW | WR);
            name = rt ? "G-single-realtime" : "G-single";
          } else {
            cycle = cycle(comp, masks[i]);
            name = names[i];
          }
          if (cycle != null) {
            reportCycle(name, cycle, masks[i] < 0 ? (masks[i] == -2 ? ALL : WW | WR | RW) : masks[i]);
            found = true;
          }
        }
      }
    }

    static final int ALL = WW | WR | RW | RT;

    void reportCycle(String name, List<Integer> cycle, int mask) {
      StringBuilder sb = new StringBuilder(describe(name)).append(": a cycle of ").append(cycle.size())
          .append(" transactions\n");
      List<Operation> involved = new ArrayList<>();
      for (int i = 0; i < cycle.size(); i++) {
        int a = cycle.get(i);
        int b = cycle.get((i + 1) % cycle.size());
        Edge e = adj.get(a).get(b);
        int kind = pickKind(e.kinds & mask);
        involved.add(ops.get(a));
        sb.append("  T").append(i).append(" = ").append(ops.get(a).toString(120)).append('\n');
        sb.append("     -").append(kindName(kind)).append("-> T").append((i + 1) % cycle.size()).append(": T").append(i)
            .append(' ').append(e.why.get(kind)).append('\n');
      }
      report(name, sb.toString().stripTrailing(), involved);
    }

    static String describe(String name) {
      return switch (name) {
        case "G0" -> "G0 (write cycle)";
        case "G1c" -> "G1c (cyclic information flow)";
        case "G-single" -> "G-single (read skew: one anti-dependency)";
        case "G2" -> "G2 (anti-dependency cycle, two or more rw edges)";
        default -> name + " (a cycle that needs real-time order: not strictly serializable)";
      };
    }

    static int pickKind(int kinds) {
      for (int k : new int[] {WW, WR, RW, RT}) {
        if ((kinds & k) != 0) {
          return k;
        }
      }
      throw new IllegalStateException("no edge kind");
    }

    /** A cycle within {@code comp} using only edges with a kind in {@code mask}, or null. */
    List<Integer> cycle(Set<Integer> comp, int mask) {
      for (List<Integer> scc : tarjanWithin(comp, mask)) {
        if (scc.size() < 2) {
          continue;
        }
        Set<Integer> inner = new HashSet<>(scc);
        int start = scc.get(0);
        for (int next : successors(start, inner, mask)) {
          List<Integer> back = path(next, start, inner, mask);
          if (back != null) {
            List<Integer> c = new ArrayList<>();
            c.add(start);
            c.addAll(back.subList(0, back.size() - 1));
            return c;
          }
        }
      }
      return null;
    }

    /**
     * A cycle whose first edge is rw and whose other edges have kinds in {@code mask} (which excludes
     * rw), or null: for each rw edge a -> b, the shortest path from b back to a.
     */
    List<Integer> singleRwCycle(Set<Integer> comp, int mask) {
      int tries = 0;
      for (int a : comp) {
        for (var e : adj.getOrDefault(a, Map.of()).entrySet()) {
          int b = e.getKey();
          if ((e.getValue().kinds & RW) == 0 || !comp.contains(b)) {
            continue;
          }
          if (++tries > RW_TRIES) {
            return null;
          }
          List<Integer> back = path(b, a, comp, mask);
          if (back != null) {
            List<Integer> c = new ArrayList<>();
            c.add(a);
            c.addAll(back.subList(0, back.size() - 1));
            return c;
          }
        }
      }
      return null;
    }

    /**
     * A shortest path from {@code from} to {@code to} inside {@code within} along edges in
     * {@code mask}, as the nodes {@code [from, ..., to]}; null if there is none.
     */
    List<Integer> path(int from, int to, Set<Integer> within, int mask) {
      Map<Integer, Integer> parent = new HashMap<>();
      Deque<Integer> queue = new ArrayDeque<>();
      queue.add(from);
      parent.put(from, from);
      while (!queue.isEmpty()) {
        int x = queue.poll();
        if (x == to) {
          List<Integer> p = new ArrayList<>();
          for (int y = to; y != from; y = parent.get(y)) {
            p.add(y);
          }
          p.add(from);
          Collections.reverse(p);
          return p;
        }
        for (int y : successors(x, within, mask)) {
          if (!parent.containsKey(y)) {
            parent.put(y, x);
            queue.add(y);
          }
        }
      }
      return null;
    }

    List<List<Integer>> tarjan(Set<Integer> nodes, int mask) {
      return tarjanWithin(nodes, mask);
    }

    /** Tarjan's strongly connected components of the subgraph on {@code nodes} with edges in {@code mask}; iterative. */
    List<List<Integer>> tarjanWithin(Set<Integer> nodes, int mask) {
      Map<Integer, Integer> index = new HashMap<>();
      Map<Integer, Integer> low = new HashMap<>();
      Deque<Integer> stack = new ArrayDeque<>();
      Set<Integer> onStack = new HashSet<>();
      List<List<Integer>> out = new ArrayList<>();
      int counter = 0;
      for (int root : nodes) {
        if (index.containsKey(root)) {
          continue;
        }
        Deque<Object[]> work = new ArrayDeque<>();
        work.push(new Object[] {root, successors(root, nodes, mask).iterator()});
        index.put(root, counter);
        low.put(root, counter);
        counter++;
        stack.push(root);
        onStack.add(root);
        while (!work.isEmpty()) {
          Object[] frame = work.peek();
          int v = (Integer) frame[0];
          @SuppressWarnings("unchecked")
          var it = (java.util.Iterator<Integer>) frame[1];
          if (it.hasNext()) {
            int w = it.next();
            if (!index.containsKey(w)) {
              index.put(w, counter);
              low.put(w, counter);
              counter++;
              stack.push(w);
              onStack.add(w);
              work.push(new Object[] {w, successors(w, nodes, mask).iterator()});
            } else if (onStack.contains(w)) {
              low.put(v, Math.min(low.get(v), index.get(w)));
            }
          } else {
            work.pop();
            if (!work.isEmpty()) {
              int parent = (Integer) work.peek()[0];
              low.put(parent, Math.min(low.get(parent), low.get(v)));
            }
            if (low.get(v).equals(index.get(v))) {
              List<Integer> scc = new ArrayList<>();
              int w;
              do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
              } while (w != v);
              out.add(scc);
            }
          }
        }
      }
      return out;
    }

    List<Integer> successors(int v, Set<Integer> nodes, int mask) {
      List<Integer> out = new ArrayList<>();
      for (var e : adj.getOrDefault(v, Map.of()).entrySet()) {
        if ((e.getValue().kinds & mask) != 0 && nodes.contains(e.getKey())) {
          out.add(e.getKey());
        }
      }
      return out;
    }
  }

  /** The name of one edge kind. */
  public static String kindName(int kind) {
    return switch (kind) {
      case WW -> "ww";
      case WR -> "wr";
      case RW -> "rw";
      case RT -> "rt";
      default -> "?";
    };
  }

  /** An edge with the kinds it carries and a witness for each. */
  static final class Edge {
    final int from;
    final int to;
    int kinds;
    final Map<Integer, String> why = new HashMap<>();

    Edge(int from, int to) {
      this.from = from;
      this.to = to;
    }
  }
}
