package io.caravel.jepsen.checker;

import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryFormatException;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.model.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a history for linearizability against a {@link Model}.
 *
 * <p>Steps:
 *
 * <ol>
 *   <li>Every operation is {@linkplain Model#validate validated}; a malformed one raises {@link
 *       HistoryFormatException} naming its line.
 *   <li>{@code :fail} operations are removed (they had no effect), and so are indeterminate
 *       ({@code :info}) operations the model calls {@linkplain Model#isReadOnly read-only} (they
 *       constrain nothing). Remaining {@code :info} operations stay open until +infinity: they may
 *       take effect at any moment after their invocation, or never.
 *   <li>Operations are split into partitions by {@link Model#partitionKey}; by P-compositionality
 *       the history is linearizable exactly when every partition is.
 *   <li>Partitions are searched in parallel on a bounded pool of daemon threads, each with the
 *       Wing–Gong–Lowe search, smallest first and time-sliced round-robin (a search that has not
 *       finished after {@link #SLICE} yields its thread to the next partition), so one expensive
 *       partition cannot hold up a verdict another gives quickly. With {@link
 *       CheckOptions#stopAtFirstViolation()} the first violation cancels the rest. When {@link
 *       CheckOptions#timeout()} passes, unfinished partitions are {@link Verdict#UNKNOWN}; so is a
 *       partition whose search runs out of memory.
 * </ol>
 *
 * <p>The check always returns within roughly the timeout plus {@link #GRACE}: searches poll the
 * deadline and the cancel flag every thousand or so steps, and the caller waits for them with
 * bounded waits.
 *
 * <p>Instances are immutable and thread-safe; each call to {@link #check} uses its own thread pool,
 * which it shuts down before returning.
 */
public final class LinearizabilityChecker {

  /** How long after the deadline (or a cancel) the checker waits for searches to notice it. */
  public static final Duration GRACE = Duration.ofSeconds(2);

  /** How long a partition's search runs before it yields its thread to the next partition. */
  public static final Duration SLICE = Duration.ofMillis(50);

  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  private final CheckOptions options;

  /** A checker with the given options. */
  public LinearizabilityChecker(CheckOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A checker with {@link CheckOptions#defaults()}. */
  public LinearizabilityChecker() {
    this(CheckOptions.defaults());
  }

  /** The options this checker runs with. */
  public CheckOptions options() {
    return options;
  }

  /**
   * Checks {@code history} against {@code model}.
   *
   * @throws HistoryFormatException if an operation is not one the model understands
   */
  public <S> CheckResult check(Model<S> model, History history) {
    long start = System.nanoTime();
    long deadline = start + options.timeout().toNanos();
    List<Partition> partitions = partition(model, history.operations());

    Map<Partition, PartitionResult> results = new HashMap<>();
    if (!partitions.isEmpty()) {
      searchAll(model, partitions, deadline, results);
    }
    List<PartitionResult> ordered = new ArrayList<>(partitions.size());
    for (Partition p : partitions) {
      PartitionResult r = results.get(p);
      if (r == null) {
        r = unknown(p, "the search did not stop within the grace period", Duration.ZERO);
      }
      ordered.add(r);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new CheckResult(CheckResult.combine(ordered), model.name(), ordered, elapsed);
  }

  private <S> void searchAll(
      Model<S> model, List<Partition> partitions, long deadline, Map<Partition, PartitionResult> results) {
    AtomicBoolean cancelled = new AtomicBoolean();
    int threads = Math.min(options.parallelism(), partitions.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    BlockingQueue<Finished> done = new LinkedBlockingQueue<>();
    try {
      List<Partition> bySize = new ArrayList<>(partitions);
      bySize.sort(Comparator.comparingInt((Partition p) -> p.ops.size()).thenComparingInt(p -> p.order));
      for (Partition p : bySize) {
        pool.execute(new Slice<>(new WglSearch<>(model, p.ops), p, pool, deadline, cancelled, done));
      }
      long graceNanos = GRACE.toNanos();
      for (int remaining = partitions.size(); remaining > 0; remaining--) {
        long now = System.nanoTime();
        long wait = cancelled.get() ? graceNanos : Math.max(0, deadline - now) + graceNanos;
        Finished f = done.poll(wait, TimeUnit.NANOSECONDS);
        if (f == null) {
          break; // searches failed to notice the deadline or cancel in time; report them unknown
        }
        results.put(f.partition, f.result);
        if (f.result.verdict() == Verdict.NOT_LINEARIZABLE && options.stopAtFirstViolation()) {
          cancelled.set(true);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      cancelled.set(true);
      pool.shutdownNow();
      try {
        pool.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A partition's final result. */
  private record Finished(Partition partition, PartitionResult result) {}

  /**
   * One partition's search, run one time slice at a time. Partitions take turns on the pool: a
   * search that has not finished when its slice ends is paused and queued again behind the
   * others, so every partition makes progress and an easy violation is found even while hard
   * partitions are still running.
   */
  private final class Slice<S> implements Runnable {
    private final WglSearch<S> search;
    private final Partition partition;
    private final ExecutorService pool;
    private final long deadline;
    private final AtomicBoolean cancelled;
    private final BlockingQueue<Finished> done;
    private long searchNanos;

    Slice(WglSearch<S> search, Partition partition, ExecutorService pool, long deadline,
        AtomicBoolean cancelled, BlockingQueue<Finished> done) {
      this.search = search;
      this.partition = partition;
      this.pool = pool;
      this.deadline = deadline;
      this.cancelled = cancelled;
      this.done = done;
    }

    @Override
    public void run() {
      if (stopped()) {
        finish(unknown(partition, stopReason(), Duration.ofNanos(searchNanos)));
        return;
      }
      long start = System.nanoTime();
      long sliceEnd = start + SLICE.toNanos();
      WglSearch.SearchResult r;
      try {
        r = search.resume(() -> System.nanoTime() - sliceEnd >= 0 || stopped());
      } catch (ConfigCache.SearchSpaceExhaustedException e) {
        finish(unknown(partition, "the search space is too large (" + e.getMessage() + ")", elapsed(start)));
        return;
      } catch (OutOfMemoryError e) {
        // The search's memory becomes garbage once this slice is dropped; report, don't kill the check.
        finish(unknown(partition, "the search ran out of memory", elapsed(start)));
        return;
      } catch (RuntimeException e) {
        // A bug, most likely in a model; the reason names the exception.
        finish(unknown(partition, "the search failed: " + e, elapsed(start)));
        return;
      }
      Duration elapsed = elapsed(start);
      if (r != null) {
        finish(new PartitionResult(partition.key, r.verdict(), partition.ops.size(), "",
            r.linearization(), r.counterexample(), elapsed));
      } else if (stopped()) {
        finish(unknown(partition, stopReason(), elapsed));
      } else {
        try {
          pool.execute(this); // to the back of the queue: the other partitions have a turn
        } catch (RejectedExecutionException e) {
          finish(unknown(partition, stopReason(), elapsed));
        }
      }
    }

    private void finish(PartitionResult result) {
      done.add(new Finished(partition, result));
    }

    private Duration elapsed(long sliceStart) {
      searchNanos += System.nanoTime() - sliceStart;
      return Duration.ofNanos(searchNanos);
    }

    private boolean stopped() {
      return cancelled.get() || System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted();
    }

    private String stopReason() {
      if (System.nanoTime() - deadline >= 0) {
        return "timed out after " + formatSeconds(options.timeout());
      }
      if (cancelled.get()) {
        return "cancelled: another partition is not linearizable";
      }
      return "interrupted";
    }
  }

  private static PartitionResult unknown(Partition p, String reason, Duration elapsed) {
    return new PartitionResult(p.key, Verdict.UNKNOWN, p.ops.size(), reason, List.of(), null, elapsed);
  }

  private static <S> List<Partition> partition(Model<S> model, List<Operation> operations) {
    Map<Object, Partition> byKey = new LinkedHashMap<>();
    for (Operation op : operations) {
      String problem = model.validate(op);
      if (problem != null) {
        throw new HistoryFormatException(op.invokeLine(), problem);
      }
      if (op.outcome() == Outcome.FAIL) {
        continue;
      }
      if (op.outcome() == Outcome.INFO && model.isReadOnly(op)) {
        continue;
      }
      Object key = model.partitionKey(op);
      byKey.computeIfAbsent(key, k -> new Partition(k, byKey.size())).ops.add(op);
    }
    return new ArrayList<>(byKey.values());
  }

  private static ThreadFactory daemonThreads() {
    int pool = POOL_NUMBER.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, "wgl-" + pool + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static String formatSeconds(Duration d) {
    return String.format(Locale.ROOT, "%.3g s", d.toNanos() / 1e9);
  }

  /** The operations of one key. */
  private static final class Partition {
    final Object key;
    final int order;
    final List<Operation> ops = new ArrayList<>();

    Partition(Object key, int order) {
      this.key = key;
      this.order = order;
    }
  }
}
