package io.caravel.watch;

import io.caravel.store.EventBatch;
import io.caravel.store.KvError;
import io.caravel.store.MvccStore;
import java.util.Objects;

/**
 * The history a {@link WatchHub} catches unsynced watchers up from: this member's committed revisions.
 * {@code server/} adapts its {@code ReplicatedKv} (whose store a snapshot install may replace) to it;
 * {@link #of(MvccStore)} adapts a local store.
 *
 * <p>Implementations are thread-safe: the hub calls them from its own thread, concurrently with apply.
 */
public interface EventSource {

    /**
     * Every event with revision in [{@code fromRevision}, {@code toRevision}], in order, stopping after the
     * revision that makes the batch reach {@code maxEvents} (a revision is never split); with
     * {@code withPrevKv}, each event carries the version it replaced when that is still retained. See
     * {@link MvccStore#events}.
     *
     * @throws io.caravel.store.KvException {@link KvError#COMPACTED} when {@code fromRevision} is below the
     *         compact revision
     */
    EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv);

    /** The revision of the last applied change. */
    long currentRevision();

    /** The compact revision: history below it is gone (0 when never compacted). */
    long compactRevision();

    /** A source reading {@code store} directly. */
    static EventSource of(MvccStore store) {
        Objects.requireNonNull(store, "store == null");
        return new EventSource() {
            @Override
            public EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
                return store.events(fromRevision, toRevision, maxEvents, withPrevKv);
            }

            @Override
            public long currentRevision() {
                return store.currentRevision();
            }

            @Override
            public long compactRevision() {
                return store.compactRevision();
            }

            @Override
            public String toString() {
                return "EventSource.of(" + store + ")";
            }
        };
    }
}
