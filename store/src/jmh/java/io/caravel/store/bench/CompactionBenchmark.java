package io.caravel.store.bench;

import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.RangeRequest;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compaction of 1,000,000 revisions: 10,000 keys x 100 versions of 256 bytes (written 100 puts per
 * entry, then flushed), compacted to the head revision, then {@code compactStep()} run until it
 * reports nothing left (default batch: 1,000 history entries per step). One shot per fresh store:
 * the score is the time of the compact mutation plus every step.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class CompactionBenchmark {
    static final int KEYS = 10_000;
    static final int VERSIONS = 100;

    private Bytes[] keys;
    private Bytes[] values;
    private BenchData.Writer writer;
    private int steps;

    @Setup(Level.Trial)
    public void setUpTrial() {
        keys = BenchData.randomKeys(KEYS, 3);
        values = BenchData.randomValues(64, 4);
    }

    @Setup(Level.Iteration)
    public void setUp() {
        writer = BenchData.Writer.create("compaction");
        writer.load(keys, VERSIONS, 100, values);
        BenchData.flush(writer.store);
        if (writer.store.currentRevision() != 1 + (long) KEYS * VERSIONS) {
            throw new IllegalStateException("unexpected revision " + writer.store.currentRevision());
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        try {
            // 1,000,000 history entries, 1,000 per step: about 1,000 steps; and the data must still be there.
            if (steps < KEYS * VERSIONS / 1_000 - 1) {
                throw new IllegalStateException("only " + steps + " compaction steps for 1M revisions");
            }
            long live = writer.store.range(RangeRequest.prefix(Bytes.of("/registry/bench/")).toBuilder().countOnly(true).build()).count();
            if (live != KEYS) {
                throw new IllegalStateException("expected " + KEYS + " live keys after compaction, found " + live);
            }
        } finally {
            writer.closeAndDelete();
        }
    }

    @Benchmark
    public int compactToHead() {
        writer.apply(List.of(new CompactRequest(writer.store.currentRevision())))
                .get(0).resultAs(CompactResult.class);
        int n = 0;
        while (writer.store.compactStep()) {
            n++;
        }
        steps = n;
        return n;
    }
}
