package io.caravel.store.bench;

import io.caravel.store.Bytes;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A store holding the 100,000-key space (one 256-byte version each), flushed to SST files so that
 * reads go through RocksDB's table readers and block cache (64 MiB, which holds all of it) rather
 * than the memtable. Shared by the reading threads of one benchmark.
 */
@State(Scope.Benchmark)
public class LoadedStore {
    BenchData.Writer writer;
    /** The keys in load (random) order. */
    Bytes[] keys;
    /** The keys in store order. */
    Bytes[] sortedKeys;

    @Setup(Level.Trial)
    public void setUp() {
        keys = BenchData.randomKeys(BenchData.KEY_SPACE, 1);
        sortedKeys = BenchData.sorted(keys);
        writer = BenchData.Writer.create("read");
        writer.load(keys, 1, 1_000, BenchData.randomValues(64, 2));
        BenchData.flush(writer.store);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        writer.closeAndDelete();
    }
}
