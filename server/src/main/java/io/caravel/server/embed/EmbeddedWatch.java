package io.caravel.server.embed;

import io.caravel.server.watch.WatchHub;
import io.caravel.server.watch.WatchListener;
import io.caravel.server.watch.WatchSpec;
import io.caravel.store.Event;
import io.caravel.watch.WatchRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * etcd's Watch API in process, with the gRPC API's semantics: an inclusive start revision (0 = from
 * now), prev_kv, NOPUT/NODELETE filters, a compacted start revision ends the watcher with
 * {@link WatchListener#onCanceled} and the compact revision. Each watcher's listener is called on the
 * node's threads, one call at a time, in revision order. Backed by the node's
 * {@link io.caravel.watch.WatchHub}. Thread-safe.
 */
public final class EmbeddedWatch {
    private final io.caravel.watch.WatchHub hub;
    private final Executor executor;

    /** @param executor runs the listeners; must not run tasks inline (it would be the apply thread) */
    public EmbeddedWatch(io.caravel.watch.WatchHub hub, Executor executor) {
        this.hub = Objects.requireNonNull(hub, "hub == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
    }

    /**
     * Starts a watcher; cancel it with {@link WatchHub.Watcher#cancel()}. A start revision of 0 or less
     * means "from now".
     *
     * @throws IllegalStateException when the node is closed
     */
    public WatchHub.Watcher watch(WatchSpec spec, WatchListener listener) {
        Objects.requireNonNull(spec, "spec == null");
        Objects.requireNonNull(listener, "listener == null");
        WatchRequest request = new WatchRequest(spec.range(), Math.max(0, spec.startRevision()), 0, spec.prevKv(),
                spec.noPut(), spec.noDelete(), false, false);
        return WatchHub.Watcher.of(hub.watch(request, executor, new io.caravel.watch.WatchListener() {
            @Override
            public void onCreated(long revision) {
                listener.onCreated(revision);
            }

            @Override
            public void onEvents(long revision, List<Event> events) {
                listener.onEvents(events.get(events.size() - 1).revision(), events);
            }

            @Override
            public void onCanceled(long compactRevision, String reason) {
                listener.onCanceled(compactRevision, reason);
            }
        }));
    }
}
