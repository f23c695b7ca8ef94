package io.caravel.server.watch;

import io.caravel.watch.ListenerWatch;
import java.util.Objects;

/**
 * Only the embedding API's watcher handle ({@link Watcher}), kept so that
 * {@code node.watch().watch(spec, listener)} keeps the signature {@code docs/embedding.md} documents. The
 * hub itself is {@link io.caravel.watch.WatchHub} (module {@code watch/}); this class has no instances.
 */
public final class WatchHub {
    private WatchHub() {
    }

    /** One watcher started with {@code EmbeddedWatch.watch}; {@link #cancel()} ends it. Thread-safe. */
    public static final class Watcher {
        private final ListenerWatch watch;

        private Watcher(ListenerWatch watch) {
            this.watch = Objects.requireNonNull(watch, "watch == null");
        }

        /** Wraps a watch of the hub (for the embedding facade). */
        public static Watcher of(ListenerWatch watch) {
            return new Watcher(watch);
        }

        /** Ends the watcher; its listener is not called again (a call under way finishes). Idempotent. */
        public void cancel() {
            watch.cancel();
        }
    }
}
