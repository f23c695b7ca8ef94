package io.caravel.watch;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.CompactRequest;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.Event;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.Op;
import io.caravel.store.PutRequest;
import io.caravel.store.StoreOptions;
import io.caravel.store.TxnRequest;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@link RocksMvccStore} in a directory of its own, with a full record of its history (every
 * event of every applied batch, with its prevKv) kept by a commit listener registered before any other.
 */
final class StoreFixture implements AutoCloseable {
    final Path dir;
    final RocksMvccStore store;
    /** Every event ever committed, in order; guarded by itself. */
    private final List<Event> history = new ArrayList<>();
    private long index;

    StoreFixture(Path dir) {
        this.dir = dir;
        this.store = RocksMvccStore.open(dir, StoreOptions.defaults());
        store.addCommitListener(results -> {
            synchronized (history) {
                for (ApplyResult r : results) {
                    history.addAll(r.events());
                }
            }
        });
    }

    static StoreFixture inTempDir() {
        try {
            return new StoreFixture(Files.createTempDirectory("caravel-watch-test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    EventSource source() {
        return EventSource.of(store);
    }

    List<Event> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Applies one log entry holding {@code mutations}; returns the store's revision after it. */
    synchronized long apply(Mutation... mutations) {
        List<ApplyResult> results = store.applyAll(new LogPosition(1, ++index), List.of(mutations));
        return results.get(results.size() - 1).revision();
    }

    long put(String key, String value) {
        return apply(PutRequest.of(key, value));
    }

    long delete(String key) {
        return apply(DeleteRangeRequest.key(Bytes.of(key)));
    }

    long deletePrefix(String prefix) {
        return apply(DeleteRangeRequest.prefix(Bytes.of(prefix)));
    }

    long txn(Op... ops) {
        return apply(new TxnRequest(List.of(), List.of(ops), List.of()));
    }

    long compact(long revision) {
        return apply(new CompactRequest(revision));
    }

    long revision() {
        return store.currentRevision();
    }

    @Override
    public void close() {
        store.close();
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
