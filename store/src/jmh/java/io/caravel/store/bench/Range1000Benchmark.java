package io.caravel.store.bench;

import io.caravel.store.Bytes;
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
 * Ranges of 1,000 consecutive keys (with their 256-byte values) at the current revision, starting at
 * a random key of the preloaded 100,000-key space; one thread. The score is ranges per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Threads(1)
@State(Scope.Benchmark)
public class Range1000Benchmark {
    static final int RANGE = 1_000;

    private RangeRequest[] requests;

    @Setup(Level.Trial)
    public void setUp(LoadedStore loaded) {
        Bytes[] sorted = loaded.sortedKeys;
        requests = new RangeRequest[sorted.length - RANGE];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RangeRequest.builder(sorted[i]).rangeEnd(sorted[i + RANGE]).build();
        }
    }

    @Benchmark
    public RangeResult range1000(LoadedStore loaded, ThreadRandom random) {
        RangeResult r = loaded.writer.store.range(requests[random.next(requests.length)]);
        if (r.kvs().size() != RANGE) {
            throw new IllegalStateException("expected " + RANGE + " kvs, got " + r.kvs().size());
        }
        return r;
    }
}
