package io.caravel.jepsen.checker;

import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The Wing–Gong–Lowe search over one partition.
 *
 * <p>The partition's history is a doubly linked list of call and return entries in real-time order;
 * the returns of indeterminate ({@code :info}) operations are placed after everything else, i.e.
 * at +infinity. The search walks the list from the head. At a call it tries to linearize the
 * operation next: if the model allows it and the resulting configuration (set of linearized
 * operations, model state) has not been visited before (Lowe's memo), it records the choice on a
 * stack, unlinks the call and its return ("lift"), and restarts from the head; otherwise it moves
 * on to the next entry. Reaching a return means that operation's call was not linearized before
 * its completion, so the last choice is undone ("unlift") and the walk continues after it; with no
 * choice left to undo, the partition is not linearizable. The list becoming empty means every
 * operation was linearized. Reaching the return of an indeterminate operation means only
 * indeterminate operations are left (all other returns come earlier), and they may all never take
 * effect: also success.
 *
 * <p>One reduction is added to the plain search ("forcing reads"). Suppose an operation the model
 * calls {@linkplain Model#isReadOnly read-only} may go next (no pending return precedes its call)
 * and is legal in the current state. Then if the current configuration can be completed at all, it
 * can be completed with that read first: in any completion, moving the read to the front keeps
 * every step legal (the read changes no state) and respects real time (nothing pending precedes
 * it). So the search linearizes such a read immediately, tries no alternative to it, and when the
 * configuration after the read fails (or was visited before, which means it failed) the
 * configuration before it fails too. This prunes alternatives the plain search would try around
 * every legal read.
 *
 * <p>A search can be paused and resumed ({@link #resume}), so that a scheduler can time-slice many
 * partitions over a few threads and an easy partition is never stuck behind a hard one.
 */
final class WglSearch<S> {

  /** How many loop iterations pass between checks of the pause condition. */
  private static final int POLL_MASK = (1 << 10) - 1;

  private final Model<S> model;
  private final List<Operation> ops;

  /** The outcome of a finished search: verdict plus its evidence (LINEARIZABLE or NOT_LINEARIZABLE). */
  record SearchResult(Verdict verdict, List<Operation> linearization, Counterexample counterexample) {}

  /** A call or return in the linked list. */
  private static final class Entry {
    final int id;
    final Operation op;
    final boolean call;
    final boolean unknownReturn;
    Entry match;
    Entry prev;
    Entry next;

    Entry(int id, Operation op, boolean call, boolean unknownReturn) {
      this.id = id;
      this.op = op;
      this.call = call;
      this.unknownReturn = unknownReturn;
    }
  }

  // The search's state, kept between calls to resume(). Set up by the first call.
  private boolean started;
  private Entry head;
  private long[] zobrist;
  private boolean[] readOnly;
  private long[] bits;
  private long bitsHash;
  private ConfigCache cache;
  private Entry[] stackEntries;
  private S[] stackStates;
  private boolean[] stackForced;
  private int depth;
  private S state;
  private Counterexample best;
  private int bestDepth = -1;
  private Entry e;
  /** The current configuration was just entered: look for a read to force first. */
  private boolean fresh;
  private SearchResult result;

  /**
   * @param model the model
   * @param ops the partition's operations, each OK or INFO (FAIL removed), with distinct positions
   */
  WglSearch(Model<S> model, List<Operation> ops) {
    this.model = model;
    this.ops = ops;
  }

  /** The number of configurations visited so far. */
  int configurations() {
    return cache == null ? 0 : cache.size();
  }

  /**
   * Runs the search until it finishes or {@code pause} says to stop for now; {@code pause} is
   * polled every thousand or so steps. A paused search can be resumed later, from any thread (but
   * from one thread at a time, with a happens-before edge between calls, e.g. via an executor).
   *
   * @return the result, or {@code null} if paused before finishing
   * @throws ConfigCache.SearchSpaceExhaustedException if the memo cannot grow any further
   */
  SearchResult resume(BooleanSupplier pause) {
    if (result != null) {
      return result;
    }
    if (!started) {
      start();
    }
    int iterations = 0;
    while (head.next != null) {
      if ((++iterations & POLL_MASK) == 0 && pause.getAsBoolean()) {
        return null;
      }
      boolean fail = false;
      if (fresh) {
        fresh = false;
        Entry read = legalReadCandidate();
        if (read != null) {
          int id = read.id;
          bits[id >>> 6] |= 1L << id;
          long hash = bitsHash ^ zobrist[id];
          if (cache.add(bits, hash, state)) {
            push(read, hash, state, true);
            continue;
          }
          // Visited before, hence failed; so does this configuration (see forcing in the class comment).
          bits[id >>> 6] &= ~(1L << id);
          fail = true;
        }
      }
      if (!fail && e.call) {
        S next = model.step(state, e.op);
        if (next != null) {
          int id = e.id;
          bits[id >>> 6] |= 1L << id;
          long hash = bitsHash ^ zobrist[id];
          if (cache.add(bits, hash, next)) {
            push(e, hash, next, false);
            continue;
          }
          bits[id >>> 6] &= ~(1L << id);
        }
        e = e.next;
        continue;
      }
      if (!fail) {
        if (e.unknownReturn) {
          break; // only indeterminate operations remain; let them never take effect
        }
        if (depth > bestDepth) {
          bestDepth = depth;
          best = counterexample(e);
        }
      }
      // The current configuration fails: undo choices back to, and including, one not forced.
      while (true) {
        if (depth == 0) {
          return finish(new SearchResult(Verdict.NOT_LINEARIZABLE, List.of(), best));
        }
        depth--;
        Entry undone = stackEntries[depth];
        state = stackStates[depth];
        boolean forced = stackForced[depth];
        stackEntries[depth] = null;
        stackStates[depth] = null;
        bits[undone.id >>> 6] &= ~(1L << undone.id);
        bitsHash ^= zobrist[undone.id];
        unlift(undone);
        if (!forced) {
          e = undone.next;
          break;
        }
      }
    }
    List<Operation> linearization = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      linearization.add(stackEntries[i].op);
    }
    return finish(new SearchResult(Verdict.LINEARIZABLE, linearization, null));
  }

  private void start() {
    int n = ops.size();
    head = buildList();
    zobrist = new long[n];
    readOnly = new boolean[n];
    for (int i = 0; i < n; i++) {
      zobrist[i] = ConfigCache.mix(0x9E3779B97F4A7C15L * (i + 1));
      readOnly[i] = model.isReadOnly(ops.get(i));
    }
    bits = new long[(n + 63) >>> 6];
    cache = new ConfigCache();
    stackEntries = new Entry[n];
    @SuppressWarnings("unchecked")
    S[] states = (S[]) new Object[n];
    stackStates = states;
    stackForced = new boolean[n];
    state = model.initialState();
    e = head.next;
    fresh = true;
    started = true;
  }

  /** Linearizes {@code call} (its bit is already set), moving to state {@code next}. */
  private void push(Entry call, long hash, S next, boolean forced) {
    stackEntries[depth] = call;
    stackStates[depth] = state;
    stackForced[depth] = forced;
    depth++;
    bitsHash = hash;
    state = next;
    lift(call);
    e = head.next;
    fresh = true;
  }

  /** Records the result and lets go of the search's memory. */
  private SearchResult finish(SearchResult r) {
    result = r;
    cache = null;
    stackEntries = null;
    stackStates = null;
    head = null;
    e = null;
    best = null;
    return r;
  }

  /**
   * The first read-only operation that may go next (its call precedes every pending return) and is
   * legal in {@code state}, or null.
   */
  private Entry legalReadCandidate() {
    for (Entry x = head.next; x != null && x.call; x = x.next) {
      if (readOnly[x.id] && model.step(state, x.op) != null) {
        return x;
      }
    }
    return null;
  }

  /** Builds the call/return list behind a sentinel head; returns the head. */
  private Entry buildList() {
    int n = ops.size();
    Entry[] timed = new Entry[2 * n];
    List<Entry> unknownReturns = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < n; i++) {
      Operation op = ops.get(i);
      Entry call = new Entry(i, op, true, false);
      boolean indeterminate = op.outcome() != Outcome.OK;
      Entry ret = new Entry(i, op, false, indeterminate);
      call.match = ret;
      ret.match = call;
      timed[count++] = call;
      if (indeterminate) {
        unknownReturns.add(ret);
      } else {
        timed[count++] = ret;
      }
    }
    Entry[] sorted = Arrays.copyOf(timed, count);
    Arrays.sort(sorted, Comparator.comparingInt(WglSearch::position));
    Entry head = new Entry(-1, null, false, false);
    Entry tail = head;
    for (Entry x : sorted) {
      tail.next = x;
      x.prev = tail;
      tail = x;
    }
    for (Entry x : unknownReturns) {
      tail.next = x;
      x.prev = tail;
      tail = x;
    }
    return head;
  }

  private static int position(Entry e) {
    return e.call ? e.op.invokePosition() : e.op.completePosition();
  }

  /** Unlinks a call and its return. */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  /** Relinks what {@link #lift} unlinked, in reverse order. */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }

  private Counterexample counterexample(Entry stuck) {
    List<Counterexample.Step> prefix = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      Object after = i + 1 < depth ? stackStates[i + 1] : state;
      prefix.add(new Counterexample.Step(stackEntries[i].op, after));
    }
    List<Operation> illegal = new ArrayList<>();
    List<Operation> exhausted = new ArrayList<>();
    for (Entry x = head.next; x != stuck; x = x.next) {
      if (x.call) {
        (model.step(state, x.op) == null ? illegal : exhausted).add(x.op);
      }
    }
    return new Counterexample(prefix, state, stuck.op, illegal, exhausted);
  }
}
