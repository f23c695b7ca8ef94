package io.caravel.store.bench;

import io.caravel.store.Bytes;
import io.caravel.store.StoreOptions;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a store of {@code keys} keys (one 256-byte version each), written once per trial, flushed
 * and compacted into SST files ({@code defragment()}: flush + full compaction, so that no background
 * compaction is pending when it is reopened) and closed. Each shot is one {@code RocksMvccStore.open};
 * the store is closed after the shot, outside the measurement. The files are in the OS page cache
 * (warm open), as for a node restarting its process.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class OpenBenchmark {
    @Param({"100000", "1000000"})
    public int keys;

    private Path dir;
    private RocksMvccStore opened;
    private long expectedRevision;

    @Setup(Level.Trial)
    public void setUp() {
        Bytes[] k = BenchData.randomKeys(keys, 5);
        try (BenchData.Writer writer = BenchData.Writer.create("open-" + keys)) {
            dir = writer.dir;
            writer.load(k, 1, 1_000, BenchData.randomValues(64, 6));
            BenchData.flush(writer.store);
            writer.store.defragment();
            expectedRevision = writer.store.currentRevision();
        }
        System.out.printf("store of %,d keys: %,d bytes on disk, %d SST files%n", keys, du(dir), sstFiles(dir));
    }

    @TearDown(Level.Iteration)
    public void close() {
        if (opened != null) {
            opened.close();
            opened = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchData.deleteRecursively(dir);
    }

    @Benchmark
    public long open() {
        opened = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults());
        long revision = opened.currentRevision();
        if (revision != expectedRevision) {
            throw new IllegalStateException("reopened at revision " + revision + ", expected " + expectedRevision);
        }
        return revision;
    }

    private static long du(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sstFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".sst")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
