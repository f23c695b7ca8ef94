package io.caravel.server.watch;

import io.caravel.raft.ReplicatedKv;
import io.caravel.store.EventBatch;
import io.caravel.watch.EventSource;
import io.caravel.watch.WatchHub;
import io.caravel.watch.WatchHubOptions;
import java.util.Objects;

/** A {@link WatchHub} over a {@link ReplicatedKv}: its history, its commits and its snapshot installs. */
public final class ReplicatedWatchHub {
    private ReplicatedWatchHub() {
    }

    /**
     * Starts a hub catching watchers up from {@code kv}'s history (whichever store is current) and registers
     * it as {@code kv}'s commit listener, with {@link WatchHub#reset} run after a snapshot replaced the store.
     * Call it before the first commit is applied to a fresh store.
     */
    public static WatchHub start(ReplicatedKv kv, WatchHubOptions options) {
        Objects.requireNonNull(kv, "kv == null");
        WatchHub hub = WatchHub.start(new EventSource() {
            @Override
            public EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
                return kv.events(fromRevision, toRevision, maxEvents, withPrevKv);
            }

            @Override
            public long currentRevision() {
                return kv.currentRevision();
            }

            @Override
            public long compactRevision() {
                return kv.compactRevision();
            }
        }, options);
        kv.addCommitListener(hub, hub::reset);
        return hub;
    }
}
