package io.caravel.store.bench;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.Mutation;
import io.caravel.store.PutRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Put throughput, counted per put: 256-byte values to random keys of a 100,000-key space (every key
 * preloaded once, so puts are updates that grow the history, as between two compactions), applied
 * one put per log entry ({@link #batch1}) and 100 puts per log entry ({@link #batch100}), one writer
 * thread as the Raft apply thread. Each applied entry is one RocksDB write batch (WAL, no fsync).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Threads(1)
@State(Scope.Benchmark)
public class PutBenchmark {
    private BenchData.Writer writer;
    private Bytes[] keys;
    private Bytes[] values;
    private long rng = 0x9E3779B97F4A7C15L;
    private long puts;
    private long startRevision;

    @Setup(Level.Trial)
    public void setUp() {
        keys = BenchData.randomKeys(BenchData.KEY_SPACE, 1);
        values = BenchData.randomValues(64, 2);
        writer = BenchData.Writer.create("put");
        writer.load(keys, 1, 1_000, values);
        BenchData.flush(writer.store);
        startRevision = writer.store.currentRevision();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long made = writer.store.currentRevision() - startRevision;
        writer.closeAndDelete();
        if (made != puts) {
            throw new IllegalStateException("expected " + puts + " revisions from the puts, the store made " + made);
        }
    }

    private int next(int bound) {
        long x = rng; // xorshift64
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rng = x;
        return (int) ((x >>> 1) % bound);
    }

    private PutRequest nextPut() {
        return PutRequest.of(keys[next(keys.length)], values[next(values.length)]);
    }

    @Benchmark
    public List<ApplyResult> batch1() {
        puts++;
        return writer.apply(List.of(nextPut()));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public List<ApplyResult> batch100() {
        List<Mutation> batch = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
            batch.add(nextPut());
        }
        puts += 100;
        return writer.apply(batch);
    }
}
