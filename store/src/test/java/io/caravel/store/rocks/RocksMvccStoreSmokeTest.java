package io.caravel.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.LogPosition;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.StoreOptions;
import java.nio.file.Path;
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
