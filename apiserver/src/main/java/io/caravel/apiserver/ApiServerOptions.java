package io.caravel.apiserver;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link ApiServer}. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param host                 listen address (default 127.0.0.1)
 * @param port                 listen port (0 = any free port; default 8080)
 * @param maxBodyBytes         request bodies over this size get 413 (default 3 MiB, as kube-apiserver)
 * @param watchCacheCapacity   events each resource's watch cache keeps for watches from a past resourceVersion
 * @param bookmarkInterval     how often watches with allowWatchBookmarks get a BOOKMARK
 * @param maxWatchTimeout      the longest a watch runs without timeoutSeconds (kube: 30-60 min)
 * @param maxPendingWatchEvents events queued for one slow watcher before it is closed (it then re-watches)
 * @param clock                the clock for creationTimestamp, deletionTimestamp and ages
 */
public record ApiServerOptions(String host, int port, int maxBodyBytes, int watchCacheCapacity,
                               Duration bookmarkInterval, Duration maxWatchTimeout, int maxPendingWatchEvents,
                               Clock clock) {
    public ApiServerOptions {
        Objects.requireNonNull(host, "host == null");
        Objects.requireNonNull(bookmarkInterval, "bookmarkInterval == null");
        Objects.requireNonNull(maxWatchTimeout, "maxWatchTimeout == null");
        Objects.requireNonNull(clock, "clock == null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static ApiServerOptions defaults() {
        return new ApiServerOptions("127.0.0.1", 8080, 3 * 1024 * 1024, 10_000, Duration.ofSeconds(60),
                Duration.ofMinutes(30), 10_000, Clock.systemUTC());
    }

    public ApiServerOptions withListen(String host, int port) {
        return new ApiServerOptions(host, port, maxBodyBytes, watchCacheCapacity, bookmarkInterval, maxWatchTimeout,
                maxPendingWatchEvents, clock);
    }

    public ApiServerOptions withMaxBodyBytes(int bytes) {
        return new ApiServerOptions(host, port, bytes, watchCacheCapacity, bookmarkInterval, maxWatchTimeout,
                maxPendingWatchEvents, clock);
    }

    public ApiServerOptions withWatchCacheCapacity(int events) {
        return new ApiServerOptions(host, port, maxBodyBytes, events, bookmarkInterval, maxWatchTimeout,
                maxPendingWatchEvents, clock);
    }

    public ApiServerOptions withBookmarkInterval(Duration d) {
        return new ApiServerOptions(host, port, maxBodyBytes, watchCacheCapacity, d, maxWatchTimeout,
                maxPendingWatchEvents, clock);
    }

    public ApiServerOptions withClock(Clock c) {
        return new ApiServerOptions(host, port, maxBodyBytes, watchCacheCapacity, bookmarkInterval, maxWatchTimeout,
                maxPendingWatchEvents, c);
    }
}
