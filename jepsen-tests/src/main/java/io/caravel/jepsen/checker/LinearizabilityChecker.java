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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *   <li>Partitions are searched in parallel on a bounded pool of daemon threads, smallest first,
 *       each with the Wing–Gong–Lowe search. With {@link CheckOptions#stopAtFirstViolation()} the
 *       first violation cancels the rest. When {@link CheckOptions#timeout()} passes, unfinished
 *       partitions are {@link Verdict#UNKNOWN}; so is a partition whose search runs out of memory.
 * </ol>
 *
 * <p>The check always returns within roughly the timeout plus {@link #GRACE}: searches poll the
 * deadline and the cancel flag every thousand or so steps, and the caller waits for them with a
 * bounded wait.
 *
 * <p>Instances are immutable and thread-safe; each call to {@link #check} uses its own thread pool,
 * which it shuts down before returning.
 */
public final class LinearizabilityChecker {

  /** How long after the deadline (or a cancel) the checker waits for searches to notice it. */
  public static final Duration GRACE = Duration.ofSeconds(2);

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

    AtomicBoolean cancelled = new AtomicBoolean();
    Map<Partition, PartitionResult> results = new HashMap<>();
    if (!partitions.isEmpty()) {
      searchAll(model, partitions, deadline, cancelled, results);
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
      Model<S> model, List<Partition> partitions, long deadline, AtomicBoolean cancelled,
      Map<Partition, PartitionResult> results) {
    int threads = Math.min(options.parallelism(), partitions.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    CompletionService<PartitionResult> completion = new ExecutorCompletionService<>(pool);
    try {
      List<Partition> bySize = new ArrayList<>(partitions);
      bySize.sort(Comparator.comparingInt((Partition p) -> p.ops.size()).thenComparingInt(p -> p.order));
      Map<Future<PartitionResult>, Partition> submitted = new HashMap<>();
      for (Partition p : bySize) {
        submitted.put(completion.submit(() -> search(model, p, deadline, cancelled)), p);
      }
      long graceNanos = GRACE.toNanos();
      for (int remaining = partitions.size(); remaining > 0; remaining--) {
        long now = System.nanoTime();
        long wait = cancelled.get() ? graceNanos : Math.max(0, deadline - now) + graceNanos;
        Future<PartitionResult> done = completion.poll(wait, TimeUnit.NANOSECONDS);
        if (done == null) {
          break; // searches failed to notice the deadline or cancel in time; report them unknown
        }
        PartitionResult r = get(done);
        results.put(submitted.get(done), r);
        if (r.verdict() == Verdict.NOT_LINEARIZABLE && options.stopAtFirstViolation()) {
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

  private <S> PartitionResult search(Model<S> model, Partition p, long deadline, AtomicBoolean cancelled) {
    long start = System.nanoTime();
    if (cancelled.get()) {
      return unknown(p, cancelReason(deadline), Duration.ZERO);
    }
    try {
      WglSearch<S> search = new WglSearch<>(model, p.ops, () ->
          cancelled.get() || System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted());
      WglSearch.SearchResult r = search.run();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (r.verdict() == Verdict.UNKNOWN) {
        return unknown(p, cancelReason(deadline), elapsed);
      }
      return new PartitionResult(p.key, r.verdict(), p.ops.size(), "", r.linearization(), r.counterexample(), elapsed);
    } catch (ConfigCache.SearchSpaceExhaustedException e) {
      return unknown(p, "the search space is too large (" + e.getMessage() + ")",
          Duration.ofNanos(System.nanoTime() - start));
    } catch (OutOfMemoryError e) {
      // The search's memory is garbage once we return; report rather than kill the whole check.
      return unknown(p, "the search ran out of memory", Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private String cancelReason(long deadline) {
    if (System.nanoTime() - deadline >= 0) {
      return "timed out after " + formatSeconds(options.timeout());
    }
    return "cancelled: another partition is not linearizable";
  }

  private static PartitionResult unknown(Partition p, String reason, Duration elapsed) {
    return new PartitionResult(p.key, Verdict.UNKNOWN, p.ops.size(), reason, List.of(), null, elapsed);
  }

  private static PartitionResult get(Future<PartitionResult> done) throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re; // a bug in a model, not a verdict
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
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
    return String.format(java.util.Locale.ROOT, "%.3g s", d.toNanos() / 1e9);
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
