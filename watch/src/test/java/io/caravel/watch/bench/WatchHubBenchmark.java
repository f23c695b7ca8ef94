package io.caravel.watch.bench;

import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.LogPosition;
import io.caravel.store.PutRequest;
import io.caravel.store.StoreOptions;
import io.caravel.store.rocks.RocksMvccStore;
import io.caravel.watch.EventSource;
import io.caravel.watch.ResponsePump;
import io.caravel.watch.WatchHub;
import io.caravel.watch.WatchHubOptions;
import io.caravel.watch.WatchRequest;
import io.caravel.watch.WatchResponse;
import io.caravel.watch.WatchStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The watch hub under load, in process: a {@link RocksMvccStore}, a hub over it, N watchers on M streams
 * drained by {@link ResponsePump}s on a small pool (as the gRPC service does), and one writer applying
 * puts at a fixed rate on the apply path ({@code applyAll}, which runs the hub's dispatch).
 *
 * <p>Measured:
 * <ul>
 *   <li>delivery latency of every event, from the return of the {@code applyAll} that made it (the put's
 *       acknowledgement in a one-node store) to its receipt by the consumer, in an HdrHistogram; a
 *       receipt that comes before {@code applyAll} returned counts as 0. Also from the call of
 *       {@code applyAll}, which adds the RocksDB write.</li>
 *   <li>heap per idle watcher: used heap after a full GC with the watchers created (and their created
 *       responses read) minus before, divided by the number of watchers; measured with all watchers on
 *       M streams and with one stream per watcher (jetcd opens one stream per watcher).</li>
 * </ul>
 *
 * <p>Parameters are system properties: {@code watchers} (10000), {@code streams} (100), {@code keys}
 * (10000: watcher i watches key i mod keys, so a put reaches watchers/keys watchers), {@code rate}
 * (1000 puts/s), {@code seconds} (60), {@code warmup} (10 s, not recorded), {@code consumers} (2 drain
 * threads), {@code valueBytes} (100). Run with {@code watch/bench.sh}.
 */
public final class WatchHubBenchmark {
    private final int watchers = Integer.getInteger("watchers", 10_000);
    private final int streams = Integer.getInteger("streams", 100);
    private final int keys = Integer.getInteger("keys", 10_000);
    private final int rate = Integer.getInteger("rate", 1_000);
    private final int seconds = Integer.getInteger("seconds", 60);
    private final int warmup = Integer.getInteger("warmup", 10);
    private final int consumers = Integer.getInteger("consumers", 2);
    private final int valueBytes = Integer.getInteger("valueBytes", 100);

    private WatchHubBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        new WatchHubBenchmark().run();
    }

    private static Bytes key(int i) {
        return Bytes.of(String.format(Locale.ROOT, "/registry/bench/key-%06d", i));
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "watchers=%d streams=%d keys=%d (fan-out %d) rate=%d/s seconds=%d warmup=%d consumers=%d valueBytes=%d%n",
                watchers, streams, keys, Math.max(1, watchers / keys), rate, seconds, warmup, consumers, valueBytes);
        System.out.printf(Locale.ROOT, "jvm=%s %s, cpus=%d, maxHeap=%d MiB, load=%s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        Path dir = Files.createTempDirectory("caravel-watch-bench");
        ExecutorService drains = Executors.newFixedThreadPool(consumers, r -> {
            Thread t = new Thread(r, "bench-drain");
            t.setDaemon(true);
            return t;
        });
        try (RocksMvccStore store = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults());
             WatchHub hub = WatchHub.start(EventSource.of(store), WatchHubOptions.defaults())) {
            store.addCommitListener(hub);
            measureIdleMemory(hub, drains);
            measureLatency(store, hub, drains);
        } finally {
            drains.shutdownNow();
            deleteRecursively(dir);
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    private void measureIdleMemory(WatchHub hub, ExecutorService drains) throws InterruptedException {
        int shared = Math.max(1, watchers / streams);
        for (int perStream : shared == 1 ? new int[] {1} : new int[] {shared, 1}) {
            int streamCount = (watchers + perStream - 1) / perStream;
            long before = usedHeapAfterGc();
            List<Object> keep = new ArrayList<>(streamCount);
            AtomicInteger created = new AtomicInteger();
            for (int s = 0; s < streamCount; s++) {
                ResponsePump pump = ResponsePump.open(hub, drains, () -> true, r -> {
                    if (r.created()) {
                        created.incrementAndGet();
                    }
                }, () -> { });
                for (int i = s * perStream; i < Math.min(watchers, (s + 1) * perStream); i++) {
                    pump.stream().watch(WatchRequest.key(key(i % keys)));
                }
                keep.add(pump);
            }
            awaitCount(created, watchers);
            long after = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "idle heap: %d watchers on %d streams (%d per stream): %.0f B per watcher (%.1f MiB in all)%n",
                    watchers, streamCount, perStream, (after - before) / (double) watchers, (after - before) / 1048576.0);
            for (Object o : keep) {
                ((ResponsePump) o).stream().close();
            }
            keep.clear();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void awaitCount(AtomicInteger count, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.get() + " of " + target + " created responses");
            }
            Thread.sleep(10);
        }
    }

    // ---- latency ------------------------------------------------------------------------------

    private void measureLatency(RocksMvccStore store, WatchHub hub, ExecutorService drains) throws Exception {
        int total = rate * (warmup + seconds);
        int warmupPuts = rate * warmup;
        long base = store.currentRevision();
        // Revision r's put (index r - base - 1): when applyAll was called and when it returned. The call
        // time is written before applyAll, so every receipt sees it (the hub's locks order them); the
        // return time may not be there yet when the event arrives first: that receipt counts as 0.
        long[] called = new long[total];
        AtomicLongArray acked = new AtomicLongArray(total);
        Recorder fromAck = new Recorder(3);
        Recorder fromCall = new Recorder(3);
        AtomicLong early = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicInteger created = new AtomicInteger();

        List<ResponsePump> pumps = new ArrayList<>();
        int perStream = Math.max(1, watchers / streams);
        for (int s = 0; s * perStream < watchers; s++) {
            ResponsePump pump = ResponsePump.open(hub, drains, () -> true, r -> {
                long now = System.nanoTime();
                if (r.created()) {
                    created.incrementAndGet();
                }
                for (Event e : r.events()) {
                    received.incrementAndGet();
                    int i = (int) (e.revision() - base - 1);
                    if (i < warmupPuts || i >= total) {
                        continue;
                    }
                    fromCall.recordValue(Math.max(0, now - called[i]));
                    long ack = acked.get(i);
                    if (ack == 0 || now < ack) {
                        early.incrementAndGet();
                        fromAck.recordValue(0);
                    } else {
                        fromAck.recordValue(now - ack);
                    }
                }
            }, () -> { });
            for (int i = s * perStream; i < Math.min(watchers, (s + 1) * perStream); i++) {
                pump.stream().watch(WatchRequest.key(key(i % keys)));
            }
            pumps.add(pump);
        }
        awaitCount(created, watchers);

        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        long gcCountBefore = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        long gcTimeBefore = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        long cpuBefore = processCpuNanos();

        Histogram apply = new Histogram(3);
        SplittableRandom random = new SplittableRandom(42);
        byte[] value = new byte[valueBytes];
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long maxLag = 0;
        long index = 1_000_000;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
            } else {
                maxLag = Math.max(maxLag, now - due);
            }
            PutRequest put = PutRequest.of(key(random.nextInt(keys)), Bytes.wrap(value.clone()));
            called[i] = System.nanoTime();
            store.applyAll(new LogPosition(1, ++index), List.of(put));
            long ack = System.nanoTime();
            acked.set(i, ack);
            if (i >= warmupPuts) {
                apply.recordValue(ack - called[i]);
            }
        }
        long elapsed = System.nanoTime() - start;
        long expected = (long) total * Math.max(1, watchers / keys);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long drained = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuBefore;
        long gcCount = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum() - gcCountBefore;
        long gcTime = gcs.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() - gcTimeBefore;

        System.out.printf(Locale.ROOT, "puts: %d in %.1f s (%.0f/s achieved, writer max lag %.1f ms); events received %d of %d (%.0f/s)%n",
                total, elapsed / 1e9, total / (elapsed / 1e9), maxLag / 1e6, received.get(), expected,
                received.get() / (drained / 1e9));
        System.out.printf(Locale.ROOT, "process CPU %.0f%% of one core; GCs %d taking %d ms; load=%s%n",
                100.0 * cpu / drained, gcCount, gcTime, loadAverage());
        System.out.printf(Locale.ROOT, "hub: %s (movedAside: watchers moved aside for a full stream queue, then caught up from history)%n",
                hub.stats());
        Histogram ack = fromAck.getIntervalHistogram();
        print("apply-return to receipt", ack);
        System.out.printf(Locale.ROOT, "  (%d of %d receipts came before applyAll returned: counted as 0)%n", early.get(), ack.getTotalCount());
        print("apply-call to receipt", fromCall.getIntervalHistogram());
        print("of applyAll itself (RocksDB write + dispatch)", apply);
        for (ResponsePump p : pumps) {
            p.stream().close();
        }
    }

    private static void print(String what, Histogram h) {
        System.out.printf(Locale.ROOT, "latency %s (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (n=%d)%n", what,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
