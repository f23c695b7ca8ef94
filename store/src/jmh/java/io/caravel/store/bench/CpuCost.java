package io.caravel.store.bench;

import io.caravel.store.Bytes;
import io.caravel.store.Mutation;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The store's cost per operation in CPU time of the calling thread, next to its wall-clock rate: on a
 * shared machine the wall-clock figure says how much of a core the thread got, while
 * {@code ops / thread CPU second} says what one core does for the store. Measures, on the data of
 * {@link PutBenchmark} and {@link PointRangeBenchmark}: puts of 256-byte values in batches of 100
 * (one applied entry each; updates of a preloaded 100,000-key space) and single-key reads.
 *
 * <pre>
 *   store/bench.sh is for JMH; this one runs as
 *   java -cp ... io.caravel.store.bench.CpuCost [rounds] [puts per round] [reads per round]
 * </pre>
 *
 * Each round prints both rates; the summary prints medians. RocksDB's background threads (flush,
 * compaction) are not the calling thread and are not counted: they run on the other core. For puts,
 * operations per process-CPU-second (every thread of the JVM: RocksDB's flushes and compactions, the
 * JIT, GC) are printed beside them, since those threads share the machine's cores with the rest of a
 * member; flushes and compactions lag the puts, so that figure is noisier.
 */
public final class CpuCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CpuCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int putsPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        int readsPerRound = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Bytes[] keys = BenchData.randomKeys(BenchData.KEY_SPACE, 1);
        Bytes[] values = BenchData.randomValues(64, 2);
        double[] putWall = new double[rounds];
        double[] putCpu = new double[rounds];
        double[] readWall = new double[rounds];
        double[] readCpu = new double[rounds];
        double[] putProcess = new double[rounds];
        BenchData.Writer writer = BenchData.Writer.create("cpu-cost");
        try {
            writer.load(keys, 1, 1_000, values);
            BenchData.flush(writer.store);
            long rng = 0x9E3779B97F4A7C15L;
            // Warm-up: one round of each, not reported.
            rng = puts(writer, keys, values, putsPerRound / 5, rng, null);
            rng = reads(writer, keys, readsPerRound / 5, rng, null);
            for (int r = 0; r < rounds; r++) {
                double[] rates = new double[3];
                rng = puts(writer, keys, values, putsPerRound, rng, rates);
                putWall[r] = rates[0];
                putCpu[r] = rates[1];
                putProcess[r] = rates[2];
                rng = reads(writer, keys, readsPerRound, rng, rates);
                readWall[r] = rates[0];
                readCpu[r] = rates[1];
                System.out.printf("round %d: put(batch 100) %,.0f/s wall, %,.0f/CPU-s (%,.0f/process-CPU-s) | point read %,.0f/s wall, %,.0f/CPU-s | load %.2f%n",
                        r + 1, putWall[r], putCpu[r], putProcess[r], readWall[r], readCpu[r],
                        OS.getSystemLoadAverage());
            }
        } finally {
            writer.closeAndDelete();
        }
        System.out.printf("median of %d rounds: put(batch 100) %,.0f/s wall, %,.0f per CPU-second (%,.0f per process-CPU-second); point read %,.0f/s wall, %,.0f per CPU-second%n",
                rounds, median(putWall), median(putCpu), median(putProcess), median(readWall), median(readCpu));
    }

    private static long puts(BenchData.Writer writer, Bytes[] keys, Bytes[] values, int n, long rng, double[] rates) {
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long process = OS.getProcessCpuTime();
        for (int done = 0; done < n; done += 100) {
            List<Mutation> batch = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                rng = xorshift(rng);
                Bytes key = keys[(int) ((rng >>> 1) % keys.length)];
                rng = xorshift(rng);
                batch.add(PutRequest.of(key, values[(int) ((rng >>> 1) % values.length)]));
            }
            BenchData.checked(writer.apply(batch));
        }
        record(rates, n, wall, cpu);
        if (rates != null) {
            rates[2] = n / ((OS.getProcessCpuTime() - process) / 1e9);
        }
        return rng;
    }

    private static long reads(BenchData.Writer writer, Bytes[] keys, int n, long rng, double[] rates) {
        RangeRequest[] requests = new RangeRequest[keys.length];
        for (int i = 0; i < keys.length; i++) {
            requests[i] = RangeRequest.get(keys[i]);
        }
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            rng = xorshift(rng);
            if (writer.store.range(requests[(int) ((rng >>> 1) % requests.length)]).kvs().size() != 1) {
                throw new IllegalStateException("a preloaded key is missing");
            }
        }
        record(rates, n, wall, cpu);
        return rng;
    }

    private static void record(double[] rates, int n, long wallStart, long cpuStart) {
        if (rates != null) {
            rates[0] = n / ((System.nanoTime() - wallStart) / 1e9);
            rates[1] = n / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        }
    }

    private static long xorshift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
