package io.caravel.server.embed;

import io.caravel.server.watch.SerialExecutor;
import io.caravel.server.watch.WatchHub;
import io.caravel.server.watch.WatchListener;
import io.caravel.server.watch.WatchSpec;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * etcd's Watch API in process, with the gRPC API's semantics: an inclusive start revision (0 = from
 * now), prev_kv, NOPUT/NODELETE filters, a compacted start revision ends the watcher with
 * {@link WatchListener#onCanceled} and the compact revision. Each watcher's listener is called on the
 * node's threads, one call at a time, in revision order. Thread-safe.
 */
public final class EmbeddedWatch {
    private final WatchHub hub;
    private final Executor executor;

    public EmbeddedWatch(WatchHub hub, Executor executor) {
        this.hub = Objects.requireNonNull(hub, "hub == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
    }

    /** Starts a watcher; cancel it with {@link WatchHub.Watcher#cancel()}. */
    public WatchHub.Watcher watch(WatchSpec spec, WatchListener listener) {
        return hub.watch(spec, new SerialExecutor(executor), listener);
    }
}
