package io.caravel.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.KeyValue;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.StoreMemory;
import io.caravel.store.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB-specific paths: reopen, physical compaction, checkpoints. Semantics are in the contract suite. */
class RocksMvccStoreSmokeTest {
    @TempDir
    Path dir;

    @Test
    void dataAndPositionSurviveReopen() {
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults())) {
            PutResult r = s.apply(new LogPosition(1, 1), PutRequest.of("a", "1")).resultAs(PutResult.class);
            assertThat(r.revision()).isEqualTo(2);
            s.apply(new LogPosition(1, 2), PutRequest.of("a", "2"));
        }
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults())) {
            assertThat(s.appliedPosition()).isEqualTo(new LogPosition(1, 2));
            assertThat(s.currentRevision()).isEqualTo(3);
            var kv = s.range(RangeRequest.get(Bytes.of("a"))).kvs().get(0);
            assertThat(kv.value().toStringUtf8()).isEqualTo("2");
            assertThat(kv.version()).isEqualTo(2);
            assertThat(kv.createRevision()).isEqualTo(2);
            var old = s.range(RangeRequest.builder(Bytes.of("a")).revision(2).build()).kvs().get(0);
            assertThat(old.value().toStringUtf8()).isEqualTo("1");
        }
    }

    @Test
    void memoryAccountsMemtablesThenCachedBlocks() {
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults())) {
            StoreMemory empty = s.memory();
            String value = "v".repeat(1000);
            for (int i = 1; i <= 200; i++) {
                s.apply(new LogPosition(1, i), PutRequest.of("k" + i, value));
            }
            StoreMemory written = s.memory();
            assertThat(written.memtableBytes()).isGreaterThan(empty.memtableBytes() + 200 * 1000);
            s.defragment(); // flushes the memtables into tables
            assertThat(s.memory().memtableBytes()).isLessThan(written.memtableBytes());
            for (int i = 1; i <= 200; i++) {
                assertThat(s.range(RangeRequest.get(Bytes.of("k" + i))).kvs()).hasSize(1);
            }
            assertThat(s.memory().blockCacheBytes()).as("the reads above went through the block cache").isPositive();
        }
    }

    @Test
    void physicalCompactionRemovesOnlyWhatIsUnreadable() {
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults().withCompactionBatchSize(3))) {
            long index = 0;
            for (int round = 0; round < 10; round++) {
                for (int k = 0; k < 5; k++) {
                    s.apply(new LogPosition(1, ++index), PutRequest.of("k" + k, "v" + round));
                }
            }
            s.apply(new LogPosition(1, ++index), DeleteRangeRequest.key(Bytes.of("k0")));
            long compactAt = s.currentRevision() - 3;
            var before = s.range(RangeRequest.builder(Bytes.of("k")).rangeEnd(Bytes.of("l")).revision(compactAt).build());
            s.apply(new LogPosition(1, ++index), new CompactRequest(compactAt));
            var hashAfterLogical = s.hashKv(0);
            long sizeOfHistory = s.events(compactAt, s.currentRevision(), 1000, false).events().size();
            int steps = 0;
            while (s.compactStep()) {
                steps++;
            }
            assertThat(steps).isGreaterThan(5);
            assertThat(s.hashKv(0)).isEqualTo(hashAfterLogical);
            var after = s.range(RangeRequest.builder(Bytes.of("k")).rangeEnd(Bytes.of("l")).revision(compactAt).build());
            assertThat(after.kvs()).isEqualTo(before.kvs());
            assertThat(s.events(compactAt, s.currentRevision(), 1000, false).events()).hasSize((int) sizeOfHistory);
        }
    }

    /**
     * More keys than {@link RecentLatest} holds and more data than several memtables: the previous
     * versions that the apply path reads ahead (MultiGet past the memtable's Bloom filter, from the
     * memtable, the immutable memtables or the flushed tables) are the right ones, as are the reads
     * after a reopen. About 48 MB of puts (three memtables), WAL off as a Raft member runs the store.
     */
    @Test
    void previousVersionsAreRightAcrossManyMemtableFlushes() {
        int keys = 6_000; // RecentLatest holds about 4,000 of them
        byte[] filler = new byte[4_000];
        StoreOptions options = StoreOptions.defaults().withWriteAheadLog(false);
        long[] create = new long[keys];
        long[] version = new long[keys];
        String[] value = new String[keys];
        Random random = new Random(7);
        long index = 0;
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), options)) {
            for (int round = 0; round < 2; round++) {
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    order.add(k);
                }
                java.util.Collections.shuffle(order, random);
                for (int from = 0; from < keys; from += 100) {
                    List<Mutation> batch = new ArrayList<>();
                    List<Integer> batchKeys = order.subList(from, Math.min(keys, from + 100));
                    for (int k : batchKeys) {
                        byte[] v = filler.clone();
                        String text = "v" + round + "-" + k;
                        byte[] t = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        System.arraycopy(t, 0, v, 0, t.length);
                        batch.add(new PutRequest(key(k), Bytes.wrap(v), 0, true, false, false));
                    }
                    List<ApplyResult> results = s.applyAll(new LogPosition(1, ++index), batch);
                    for (int i = 0; i < batchKeys.size(); i++) {
                        int k = batchKeys.get(i);
                        PutResult r = results.get(i).resultAs(PutResult.class);
                        KeyValue prev = r.prevKv();
                        if (version[k] == 0) {
                            assertThat(prev).as("key %d", k).isNull();
                            create[k] = r.revision();
                        } else {
                            assertThat(prev.version()).as("key %d", k).isEqualTo(version[k]);
                            assertThat(prev.createRevision()).isEqualTo(create[k]);
                            assertThat(text(prev)).isEqualTo(value[k]);
                        }
                        version[k]++;
                        value[k] = "v" + round + "-" + k;
                    }
                }
            }
        }
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), options)) {
            assertThat(s.appliedPosition()).isEqualTo(new LogPosition(1, index));
            for (int k = 0; k < keys; k += 97) {
                KeyValue kv = s.range(RangeRequest.get(key(k))).kvs().get(0);
                assertThat(kv.version()).isEqualTo(2);
                assertThat(kv.createRevision()).isEqualTo(create[k]);
                assertThat(text(kv)).isEqualTo(value[k]);
            }
        }
    }

    private static Bytes key(int k) {
        return Bytes.of(String.format("/registry/test/%08d", k));
    }

    private static String text(KeyValue kv) {
        String s = new String(kv.value().toByteArray(), java.nio.charset.StandardCharsets.US_ASCII);
        return s.substring(0, s.indexOf('\0'));
    }

    @Test
    void checkpointOpensAsACopy() {
        Path cp = dir.resolve("cp");
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("db"), StoreOptions.defaults())) {
            s.apply(new LogPosition(3, 7), PutRequest.of("x", "y"));
            s.checkpoint(cp);
            s.apply(new LogPosition(3, 8), PutRequest.of("x", "z"));
        }
        RocksMvccStore.restoreCheckpoint(cp, dir.resolve("restored"));
        try (RocksMvccStore s = RocksMvccStore.open(dir.resolve("restored"), StoreOptions.defaults())) {
            assertThat(s.appliedPosition()).isEqualTo(new LogPosition(3, 7));
            assertThat(s.range(RangeRequest.get(Bytes.of("x"))).kvs().get(0).value().toStringUtf8()).isEqualTo("y");
        }
    }
}
