package io.caravel.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LogPosition;
import io.caravel.store.MutationResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RocksMvccStore#resetAppliedPosition}: the offline step of restoring a backup into a new cluster. */
class RocksMvccStoreResetAppliedPositionTest {
    @TempDir
    Path dir;

    @Test
    void aNewLogIsAppliedFromItsFirstEntryAndTheDataIsKept() {
        Path db = dir.resolve("db");
        try (RocksMvccStore s = RocksMvccStore.open(db, StoreOptions.defaults())) {
            s.apply(new LogPosition(4, 100), new LeaseGrantRequest(77, 600));
            s.apply(new LogPosition(4, 101), new PutRequest(Bytes.of("a"), Bytes.of("1"), 77, false, false, false));
            s.apply(new LogPosition(4, 102), PutRequest.of("b", "2"));
            s.apply(new LogPosition(4, 103), new CompactRequest(3));
            // before the reset, an entry of a new log at a low index is skipped as already applied
            assertThat(s.apply(new LogPosition(1, 1), PutRequest.of("c", "3")).result())
                    .isInstanceOf(MutationResult.AlreadyApplied.class);

            assertThat(s.resetAppliedPosition()).isEqualTo(new LogPosition(4, 103));
            assertThat(s.appliedPosition()).isEqualTo(LogPosition.NONE);
            assertThat(s.currentRevision()).isEqualTo(3);
            assertThat(s.compactRevision()).isEqualTo(3);
        }
        try (RocksMvccStore s = RocksMvccStore.open(db, StoreOptions.defaults())) {
            assertThat(s.appliedPosition()).isEqualTo(LogPosition.NONE);
            assertThat(s.currentRevision()).isEqualTo(3);
            assertThat(s.compactRevision()).isEqualTo(3);
            assertThat(s.lease(77)).isPresent();
            var a = s.range(RangeRequest.get(Bytes.of("a"))).kvs().get(0);
            assertThat(a.modRevision()).isEqualTo(2);
            assertThat(a.lease()).isEqualTo(77);
            PutResult r = s.apply(new LogPosition(1, 1), PutRequest.of("c", "3")).resultAs(PutResult.class);
            assertThat(r.revision()).isEqualTo(4);
            assertThat(s.appliedPosition()).isEqualTo(new LogPosition(1, 1));
        }
    }
}
