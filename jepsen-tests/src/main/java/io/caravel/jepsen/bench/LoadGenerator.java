package io.caravel.jepsen.bench;

import io.caravel.jepsen.run.Runner;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one {@link Point} against an etcd v3 endpoint list with closed-loop asynchronous clients,
 * as etcd's {@code benchmark} tool does: each client issues its next request as soon as the previous
 * one completes (no think time, no blocking thread per client). A warm-up runs first and is not
 * counted; then a measurement window of fixed length counts the requests that complete in it and
 * records their latencies (call to completion, nanoseconds) in an HdrHistogram. The server
 * processes given as {@link Observed} are sampled from {@code /proc} at both ends of the window.
 *
 * <p>Connections: {@link BenchSettings#connsFor} jetcd clients, connection {@code i} pinned to endpoint
 * {@code i mod n}; client {@code j} uses connection {@code j mod conns}. Callers put the leader's
 * endpoint first, so a single client talks to the leader.
 */
public final class LoadGenerator {

  /** A server process to sample: its node name, OS pid and Raft role. */
  public record Observed(String name, long pid, String role) {}

  private static final int MAX_ERROR_SAMPLES = 5;
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();
  private static final int PHASE_WARMUP = 0;
  private static final int PHASE_MEASURE = 1;
  private static final int PHASE_DONE = 2;

  private final Point point;
  private final BenchSettings settings;
  private final KeySpace keys;
  private final List<Client> conns = new ArrayList<>();
  private final Recorder recorder = new Recorder(3);
  private final LongAdder errors = new LongAdder();
  private final LongAdder warmupErrors = new LongAdder();
  private final Map<String, Boolean> errorSamples = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  /** Completed when no client has a request outstanding any more (after the window). */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final ScheduledExecutorService timer;
  private volatile int phase = PHASE_WARMUP;

  private LoadGenerator(List<String> endpoints, Point point, BenchSettings settings, KeySpace keys) {
    this.point = point;
    this.settings = settings;
    this.keys = keys;
    int n = settings.connsFor(endpoints.size(), point.clients());
    for (int i = 0; i < n; i++) {
      conns.add(open(endpoints.get(i % endpoints.size())));
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-timer");
      t.setDaemon(true);
      return t;
    });
  }

  /** A jetcd client on one endpoint. */
  static Client open(String endpoint) {
    return Client.builder().endpoints(endpoint).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Runs one point: warm-up, then the measurement window.
   *
   * @param side the label of the system driven ({@code caravel}, {@code etcd}, {@code endpoints})
   * @param round the round number to record
   * @param endpoints client URLs, the leader's first where known
   * @param point the workload and client count
   * @param settings key space, sizes, connections, times
   * @param keys the keys and values (built once per key space)
   * @param processes the server processes to sample (may be empty)
   * @param log where progress goes
   */
  public static RunResult run(String side, int round, List<String> endpoints, Point point, BenchSettings settings,
      KeySpace keys, List<Observed> processes, PrintStream log) throws InterruptedException {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoints");
    }
    LoadGenerator g = new LoadGenerator(endpoints, point, settings, keys);
    try {
      return g.execute(side, round, processes, log);
    } finally {
      g.close();
    }
  }

  private RunResult execute(String side, int round, List<Observed> processes, PrintStream log)
      throws InterruptedException {
    Runnable stop;
    if (point.workload() == Workload.WATCH_LATENCY) {
      stop = startWatchLatency();
    } else if (point.workload() == Workload.IDLE) {
      stop = () -> { };
    } else {
      startLoops();
      stop = () -> { };
    }
    Thread.sleep(settings.warmup().toMillis());

    Map<Observed, ProcStats.Sample> before = new LinkedHashMap<>();
    for (Observed o : processes) {
      before.put(o, ProcStats.sample(o.pid()));
    }
    double selfBefore = ProcStats.selfCpuSeconds();
    String loadBefore = Runner.loadAverage();
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    phase = PHASE_MEASURE;
    recorder.reset();
    Thread.sleep(settings.duration().toMillis());
    phase = PHASE_DONE;
    long t1 = System.nanoTime();
    Histogram h = recorder.getIntervalHistogram();
    double seconds = (t1 - t0) / 1e9;
    double selfAfter = ProcStats.selfCpuSeconds();
    String loadAfter = Runner.loadAverage();
    List<NodeUsage> nodes = new ArrayList<>();
    for (Observed o : processes) {
      ProcStats.Sample a = before.get(o);
      ProcStats.Sample b = ProcStats.sample(o.pid());
      if (a == null || b == null) {
        continue;
      }
      double cpu = b.cpuSeconds() - a.cpuSeconds();
      nodes.add(new NodeUsage(o.name(), o.role(), cpu, 100 * cpu / seconds, b.rssBytes() / 1048576.0,
          b.peakRssBytes() / 1048576.0));
    }
    stop.run();
    if (active.get() == 0) {
      drained.complete(null); // idle, watch-latency, or every loop already stopped
    }
    try {
      drained.get(settings.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.printf(Locale.ROOT, "    %d clients still waiting at the end%n", active.get());
    }
    if (point.workload() == Workload.LEASE_KEEPALIVE) {
      revokeLeases();
    }
    boolean none = h.getTotalCount() == 0;
    RunResult.Latency lat = none
        ? new RunResult.Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
        : new RunResult.Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
            ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1e6);
    return new RunResult(side, point, round, started.toString(), seconds, h.getTotalCount(), errors.sum(),
        warmupErrors.sum(), lat, cdf(h), List.copyOf(errorSamples.keySet()), nodes,
        100 * (selfAfter - selfBefore) / seconds, loadBefore, loadAfter,
        processes.stream().filter(o -> o.role().equals("leader")).map(Observed::name).findFirst().orElse(""));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The distribution as [percentile, ms] pairs: every 5 % up to 90, then ever closer to 100. */
  static List<double[]> cdf(Histogram h) {
    List<double[]> out = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return out;
    }
    out.add(new double[] {0, ms(h.getMinValue())});
    for (int p = 5; p <= 90; p += 5) {
      out.add(new double[] {p, ms(h.getValueAtPercentile(p))});
    }
    for (double p : new double[] {92.5, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99}) {
      out.add(new double[] {p, ms(h.getValueAtPercentile(p))});
    }
    out.add(new double[] {100, ms(h.getMaxValue())});
    return out;
  }

  private void recordError(Throwable e) {
    if (phase == PHASE_MEASURE) {
      errors.increment();
    } else if (phase == PHASE_WARMUP) {
      warmupErrors.increment();
    }
    if (errorSamples.size() < MAX_ERROR_SAMPLES) {
      Throwable root = e;
      while ((root instanceof java.util.concurrent.CompletionException
          || root instanceof java.util.concurrent.ExecutionException) && root.getCause() != null) {
        root = root.getCause();
      }
      String msg = root.getClass().getSimpleName() + ": " + root.getMessage();
      errorSamples.putIfAbsent(msg.length() > 160 ? msg.substring(0, 160) : msg, Boolean.TRUE);
    }
  }

  // ---- request/response workloads ----------------------------------------------------------

  private final class Loop {
    final KV kv;
    final Client client;
    long leaseId;

    Loop(Client client) {
      this.client = client;
      this.kv = client.getKVClient();
    }

    void next() {
      if (phase == PHASE_DONE) {
        if (active.decrementAndGet() == 0) {
          drained.complete(null);
        }
        return;
      }
      long start = System.nanoTime();
      CompletableFuture<?> f;
      try {
        f = issue(this, ThreadLocalRandom.current());
      } catch (RuntimeException e) {
        recordError(e);
        timer.schedule(this::next, 10, TimeUnit.MILLISECONDS);
        return;
      }
      f.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
        if (e != null) {
          recordError(e);
          timer.schedule(this::next, 10, TimeUnit.MILLISECONDS);
          return;
        }
        if (phase == PHASE_MEASURE) {
          recorder.recordValue(System.nanoTime() - start);
        }
        next();
      });
    }
  }

  private CompletableFuture<?> issue(Loop l, ThreadLocalRandom r) {
    ByteSequence key = keys.key(r.nextInt(keys.size()));
    switch (point.workload()) {
      case PUT -> {
        return l.kv.put(key, keys.value());
      }
      case RANGE_LIN -> {
        return l.kv.get(key, GetOption.DEFAULT);
      }
      case RANGE_SER -> {
        return l.kv.get(key, SERIALIZABLE);
      }
      case TXN_PUT -> {
        return l.kv.txn().If(new Cmp(key, Cmp.Op.LESS, CmpTarget.version(Long.MAX_VALUE)))
            .Then(Op.put(key, keys.value(), PutOption.DEFAULT)).commit();
      }
      case TXN_MIXED -> {
        double rw = settings.rwRatio();
        boolean read = r.nextDouble() < rw / (rw + 1);
        Op op = read ? Op.get(key, GetOption.DEFAULT) : Op.put(key, keys.value(), PutOption.DEFAULT);
        return l.kv.txn().Then(op).commit();
      }
      case LEASE_KEEPALIVE -> {
        return l.client.getLeaseClient().keepAliveOnce(l.leaseId);
      }
      default -> throw new IllegalStateException("not a request workload: " + point.workload());
    }
  }

  private final List<Loop> loops = new ArrayList<>();

  private void startLoops() throws InterruptedException {
    for (int j = 0; j < point.clients(); j++) {
      loops.add(new Loop(conns.get(j % conns.size())));
    }
    if (point.workload() == Workload.LEASE_KEEPALIVE) {
      // all grants in flight at once (one round trip, not one per client), then one deadline for all
      List<CompletableFuture<io.etcd.jetcd.lease.LeaseGrantResponse>> grants = new ArrayList<>();
      for (Loop l : loops) {
        grants.add(l.client.getLeaseClient().grant(settings.leaseTtlSeconds()));
      }
      long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
      for (int j = 0; j < loops.size(); j++) {
        try {
          loops.get(j).leaseId = grants.get(j)
              .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).getID();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          recordError(e);
        }
      }
    }
    active.set(loops.size());
    for (Loop l : loops) {
      l.next();
    }
  }

  private void revokeLeases() {
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (Loop l : loops) {
      if (l.leaseId != 0) {
        fs.add(l.client.getLeaseClient().revoke(l.leaseId));
      }
    }
    try {
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the leases expire by themselves
    }
  }

  // ---- watch latency ------------------------------------------------------------------------

  private volatile long putStartNanos;
  private volatile long lastProgressNanos;
  private final AtomicLong currentSeq = new AtomicLong(-1);
  private final AtomicInteger remaining = new AtomicInteger();

  /** Starts the watchers and the writer; returns what stops the writer's watchdog. */
  private Runnable startWatchLatency() throws InterruptedException {
    ByteSequence key = ByteSequence.from(watchKey(settings.keySize()), StandardCharsets.US_ASCII);
    long startRev;
    try {
      startRev = conns.get(0).getKVClient().get(key).get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .getHeader().getRevision() + 1;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read the watch key's revision: " + e, e);
    }
    int watchers = point.clients();
    // every watcher starts at the same revision, so none misses the first puts while being created
    WatchOption opt = WatchOption.builder().withRevision(startRev).build();
    for (int w = 0; w < watchers; w++) {
      Watch watch = conns.get(w % conns.size()).getWatchClient();
      watch.watch(key, opt, Watch.listener(this::onWatchResponse, this::recordError));
    }
    KV writer = conns.get(0).getKVClient();
    active.set(1);
    lastProgressNanos = System.nanoTime();
    var watchdog = timer.scheduleWithFixedDelay(() -> {
      if (phase != PHASE_DONE
          && System.nanoTime() - lastProgressNanos > settings.requestTimeout().toNanos()) {
        recordError(new IllegalStateException("watch events of put " + currentSeq.get() + " missing after "
            + settings.requestTimeout().toSeconds() + " s (" + remaining.get() + " watchers)"));
        writeNext(writer, key, currentSeq.get() + 1);
      }
    }, 1, 1, TimeUnit.SECONDS);
    this.watchWriter = writer;
    this.watchKey = key;
    writeNext(writer, key, 0);
    return () -> {
      watchdog.cancel(false);
      active.set(0); // events still on their way are not waited for
    };
  }

  private KV watchWriter;
  private ByteSequence watchKey;

  static String watchKey(int keySize) {
    String base = "bench-watch-latency";
    return base.length() >= keySize ? base.substring(0, keySize) : base + "-".repeat(keySize - base.length());
  }

  private void writeNext(KV writer, ByteSequence key, long seq) {
    if (phase == PHASE_DONE) {
      return;
    }
    // only one of the racing callers (last watcher, put failure, watchdog) moves to seq
    if (!currentSeq.compareAndSet(seq - 1, seq)) {
      return;
    }
    remaining.set(point.clients());
    putStartNanos = System.nanoTime();
    lastProgressNanos = putStartNanos;
    writer.put(key, keys.valueWithSequence(seq)).orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> {
          if (e != null) {
            recordError(e);
            timer.schedule(() -> writeNext(writer, key, seq + 1), 10, TimeUnit.MILLISECONDS);
          }
        });
  }

  private void onWatchResponse(WatchResponse resp) {
    long now = System.nanoTime();
    for (WatchEvent ev : resp.getEvents()) {
      if (ev.getEventType() != WatchEvent.EventType.PUT) {
        continue;
      }
      long seq = KeySpace.sequenceOf(ev.getKeyValue().getValue());
      if (seq != currentSeq.get()) {
        continue; // a late event of a put the watchdog gave up on
      }
      if (phase == PHASE_MEASURE) {
        recorder.recordValue(now - putStartNanos);
      }
      lastProgressNanos = now;
      if (remaining.decrementAndGet() == 0) {
        writeNext(watchWriter, watchKey, seq + 1);
      }
    }
  }

  // ---- setup -----------------------------------------------------------------------------------

  /**
   * Writes every key of the key space once (transactions of 64 puts, 16 in flight), so that reads
   * find values. Not measured.
   *
   * @throws IllegalStateException if a transaction fails
   */
  public static void prefill(List<String> endpoints, KeySpace keys, PrintStream log) throws InterruptedException {
    int batch = 64;
    Semaphore inFlight = new Semaphore(16);
    AtomicLong failures = new AtomicLong();
    StringBuilder firstError = new StringBuilder();
    long t0 = System.nanoTime();
    try (Client c = open(endpoints.get(0))) {
      KV kv = c.getKVClient();
      for (int start = 0; start < keys.size(); start += batch) {
        inFlight.acquire();
        List<Op> ops = new ArrayList<>();
        for (int i = start; i < Math.min(keys.size(), start + batch); i++) {
          ops.add(Op.put(keys.key(i), keys.value(), PutOption.DEFAULT));
        }
        kv.txn().Then(ops.toArray(Op[]::new)).commit().orTimeout(30, TimeUnit.SECONDS).whenComplete((r, e) -> {
          if (e != null && failures.incrementAndGet() == 1) {
            synchronized (firstError) {
              firstError.append(e);
            }
          }
          inFlight.release();
        });
      }
      inFlight.acquire(16);
    }
    if (failures.get() > 0) {
      synchronized (firstError) {
        throw new IllegalStateException(failures.get() + " prefill transactions failed, first: " + firstError);
      }
    }
    log.printf(Locale.ROOT, "  prefilled %,d keys in %.1f s%n", keys.size(), (System.nanoTime() - t0) / 1e9);
  }

  private void close() {
    timer.shutdownNow();
    for (Client c : conns) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // closing anyway
      }
    }
  }
}
