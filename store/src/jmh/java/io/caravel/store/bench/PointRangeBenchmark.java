package io.caravel.store.bench;

import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point reads ({@code range} of one key at the current revision) of random keys of the preloaded
 * 100,000-key space, on one thread and on two (this machine has two cores; the two-thread score is
 * the sum over both threads).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class PointRangeBenchmark {
    private RangeRequest[] requests;

    @Setup(Level.Trial)
    public void setUp(LoadedStore loaded) {
        requests = new RangeRequest[loaded.keys.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RangeRequest.get(loaded.keys[i]);
        }
    }

    private RangeResult read(LoadedStore loaded, ThreadRandom random) {
        RangeResult r = loaded.writer.store.range(requests[random.next(requests.length)]);
        if (r.kvs().size() != 1) {
            throw new IllegalStateException("a preloaded key is missing: " + r);
        }
        return r;
    }

    @Benchmark
    @Threads(1)
    public RangeResult oneThread(LoadedStore loaded, ThreadRandom random) {
        return read(loaded, random);
    }

    @Benchmark
    @Threads(2)
    public RangeResult twoThreads(LoadedStore loaded, ThreadRandom random) {
        return read(loaded, random);
    }
}
