package io.caravel.store.bench;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.PutRequest;
import io.caravel.store.StoreOptions;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Shared fixtures of the store benchmarks: the key space, values, a temp store and a writer that
 * feeds it strictly increasing log positions. Everything is seeded, so every run writes the same data.
 */
final class BenchData {
    /** The size of every value the benchmarks write. */
    static final int VALUE_SIZE = 256;
    /** The key space of the put and read benchmarks. */
    static final int KEY_SPACE = 100_000;

    private static final String KEY_PREFIX = "/registry/bench/"; // 16 bytes + 16 hex digits = 32 bytes

    private BenchData() {
    }

    /** {@code n} distinct random 32-byte keys ({@code /registry/bench/} + 16 hex digits), in random order. */
    static Bytes[] randomKeys(int n, long seed) {
        Random random = new Random(seed);
        Set<Long> seen = new HashSet<>(n * 2);
        Bytes[] keys = new Bytes[n];
        int i = 0;
        while (i < n) {
            long v = random.nextLong();
            if (seen.add(v)) {
                keys[i++] = Bytes.of(KEY_PREFIX + String.format("%016x", v));
            }
        }
        return keys;
    }

    /** The keys sorted as the store orders them. */
    static Bytes[] sorted(Bytes[] keys) {
        Bytes[] s = keys.clone();
        Arrays.sort(s);
        return s;
    }

    /** {@code n} distinct random values of {@link #VALUE_SIZE} bytes (random: LZ4 cannot shrink them). */
    static Bytes[] randomValues(int n, long seed) {
        Random random = new Random(seed);
        Bytes[] values = new Bytes[n];
        for (int i = 0; i < n; i++) {
            byte[] v = new byte[VALUE_SIZE];
            random.nextBytes(v);
            values[i] = Bytes.wrap(v);
        }
        return values;
    }

    /** A fresh directory under {@code $CARAVEL_BENCH_DIR} (default: java.io.tmpdir). */
    static Path tempDir(String name) {
        try {
            String configured = System.getenv("CARAVEL_BENCH_DIR");
            Path base = Path.of(configured != null && !configured.isEmpty() ? configured : System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "caravel-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Flushes the memtables to SST files: {@code RocksMvccStore.flush()} is package-private (meant for
     * tests and these measurements), so it is called reflectively rather than through a hook in main.
     */
    static void flush(RocksMvccStore store) {
        try {
            Method m = RocksMvccStore.class.getDeclaredMethod("flush");
            m.setAccessible(true);
            m.invoke(store);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("flush failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("RocksMvccStore.flush() is not reachable", e);
        }
    }

    /** An open store and the next log index to apply at; single-threaded like the Raft apply thread. */
    static final class Writer implements AutoCloseable {
        final Path dir;
        final RocksMvccStore store;
        private long index;

        Writer(Path dir, RocksMvccStore store) {
            this.dir = dir;
            this.store = store;
            this.index = store.appliedPosition().index();
        }

        static Writer create(String name) {
            Path dir = tempDir(name);
            // -Dcaravel.bench.wal=false: the store as a Raft member opens it (the Raft log is the WAL)
            boolean wal = Boolean.parseBoolean(System.getProperty("caravel.bench.wal", "true"));
            return new Writer(dir, RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults().withWriteAheadLog(wal)));
        }

        List<ApplyResult> apply(List<Mutation> mutations) {
            return store.applyAll(new LogPosition(1, ++index), mutations);
        }

        /**
         * Puts every key {@code versions} times (round by round: key 0..n-1, then again), {@code batch}
         * puts per applied entry. Makes {@code keys.length * versions} revisions.
         */
        void load(Bytes[] keys, int versions, int batch, Bytes[] values) {
            List<Mutation> pending = new ArrayList<>(batch);
            int v = 0;
            for (int round = 0; round < versions; round++) {
                for (Bytes key : keys) {
                    pending.add(PutRequest.of(key, values[v++ % values.length]));
                    if (pending.size() == batch) {
                        checked(apply(pending));
                        pending = new ArrayList<>(batch);
                    }
                }
            }
            if (!pending.isEmpty()) {
                checked(apply(pending));
            }
        }

        /** Closes the store (not the directory: see {@link #closeAndDelete}). */
        @Override
        public void close() {
            store.close();
        }

        void closeAndDelete() {
            store.close();
            deleteRecursively(dir);
        }
    }

    static List<ApplyResult> checked(List<ApplyResult> results) {
        for (ApplyResult r : results) {
            if (r.isRejected()) {
                throw new IllegalStateException("mutation rejected: " + r.result());
            }
        }
        return results;
    }
}
