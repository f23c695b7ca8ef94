package io.caravel.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.AbstractMvccStoreContractTest;
import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.LogPosition;
import io.caravel.store.MvccStore;
import io.caravel.store.PutRequest;
import io.caravel.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@link MvccStore} contract against {@link RocksMvccStore}, each store in its own directory
 * under a JUnit temporary directory; reopening closes the store and opens its directory again. Adds the
 * checkpoint paths the in-memory model cannot have.
 */
class RocksMvccStoreContractTest extends AbstractMvccStoreContractTest {
    @TempDir
    Path tmp;

    private final Map<MvccStore, Path> dirs = new IdentityHashMap<>();
    private int stores;

    @Override
    protected MvccStore newStore(StoreOptions options) {
        Path dir = tmp.resolve("db" + stores++);
        RocksMvccStore s = RocksMvccStore.open(dir, options);
        dirs.put(s, dir);
        return s;
    }

    @Override
    protected boolean supportsReopen() {
        return true;
    }

    @Override
    protected MvccStore reopen(MvccStore s) {
        Path dir = dirs.get(s);
        s.close();
        RocksMvccStore reopened = RocksMvccStore.open(dir, s.options());
        dirs.put(reopened, dir);
        return reopened;
    }

    @Test
    void checkpointOpensAsAStoreWithTheSameStateAndPosition() {
        for (int i = 0; i < 10; i++) {
            put("k" + (i % 3), "v" + i);
        }
        ok(new CompactRequest(5), CompactResult.class);
        Observed before = observe();
        LogPosition position = store.appliedPosition();
        Path checkpoint = tmp.resolve("checkpoint");
        store.checkpoint(checkpoint);
        put("after", "checkpoint");

        try (RocksMvccStore copy = RocksMvccStore.open(checkpoint, StoreOptions.defaults())) {
            assertThat(copy.appliedPosition()).isEqualTo(position);
            assertThat(copy.currentRevision()).isEqualTo(before.revision());
            assertThat(copy.hashKv(0)).isEqualTo(before.hash());
            assertThat(copy.range(all()).kvs()).isEqualTo(before.kvs());
        }
        Path restored = tmp.resolve("restored");
        RocksMvccStore.restoreCheckpoint(checkpoint, restored);
        try (RocksMvccStore copy = RocksMvccStore.open(restored, StoreOptions.defaults())) {
            assertThat(copy.appliedPosition()).isEqualTo(position);
            assertThat(copy.compactRevision()).isEqualTo(5);
            assertThat(copy.hashKv(0)).isEqualTo(before.hash());
            assertThat(copy.events(5, 100, 1000, true).events()).isEqualTo(before.history());
        }
    }

    @Test
    void checkpointIntoAnExistingDirectoryFails() throws Exception {
        put("a", "1");
        Path existing = Files.createDirectories(tmp.resolve("exists"));
        assertThatThrownBy(() -> store.checkpoint(existing)).isInstanceOf(RuntimeException.class);
        assertThat(store.range(all()).kvs()).hasSize(1);
    }

    @Test
    void closedStoreRefusesUse() {
        store.apply(nextPosition(), PutRequest.of("a", "1"));
        store.close();
        assertThatThrownBy(() -> store.range(io.caravel.store.RangeRequest.get(Bytes.of("a"))))
                .isInstanceOf(RuntimeException.class);
    }
}
