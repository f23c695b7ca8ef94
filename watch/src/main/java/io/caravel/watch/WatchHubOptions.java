package io.caravel.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * The hub's limits and tuning; every one is documented in {@code docs/watch.md}.
 *
 * @param streamCapacity the most event responses a stream queues for its consumer (etcd's
 *                       {@code chanBufLen}, 128), or two per watcher on a stream with more watchers
 *                       than half that. A watcher whose events do not fit is moved aside and caught up
 *                       from history later. Control responses (created, canceled, a requested progress)
 *                       are always queued: there is at most one per request and one per watcher.
 * @param syncBatchEvents the most events one history read returns (whole revisions: a revision larger
 *                        than this is read whole); bounds the memory of a catch-up round
 * @param syncInterval how often the hub's thread retries unsynced watchers when nothing wakes it
 *                     (etcd's 100 ms)
 * @param progressInterval how often a watcher that asked for progress notifications gets one when it
 *                         received no event in the interval (etcd's {@code --experimental-watch-progress-notify-interval},
 *                         10 minutes)
 * @param maxResponseBytes the wire size above which a response is split into fragments for a watcher
 *                         that asked for it (etcd: {@code --max-request-bytes} + 512 KiB gRPC overhead
 *                         = 2 MiB by default)
 */
public record WatchHubOptions(int streamCapacity, int syncBatchEvents, Duration syncInterval,
                              Duration progressInterval, int maxResponseBytes) {
    public static final int DEFAULT_STREAM_CAPACITY = 128;
    public static final int DEFAULT_SYNC_BATCH_EVENTS = 1_000;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = (int) (1.5 * 1024 * 1024) + 512 * 1024;

    public WatchHubOptions {
        if (streamCapacity < 1) {
            throw new IllegalArgumentException("streamCapacity must be >= 1: " + streamCapacity);
        }
        if (syncBatchEvents < 1) {
            throw new IllegalArgumentException("syncBatchEvents must be >= 1: " + syncBatchEvents);
        }
        Objects.requireNonNull(syncInterval, "syncInterval == null");
        Objects.requireNonNull(progressInterval, "progressInterval == null");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("syncInterval must be > 0: " + syncInterval);
        }
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be > 0: " + progressInterval);
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes must be >= 1: " + maxResponseBytes);
        }
    }

    public static WatchHubOptions defaults() {
        return new WatchHubOptions(DEFAULT_STREAM_CAPACITY, DEFAULT_SYNC_BATCH_EVENTS, DEFAULT_SYNC_INTERVAL,
                DEFAULT_PROGRESS_INTERVAL, DEFAULT_MAX_RESPONSE_BYTES);
    }

    public WatchHubOptions withStreamCapacity(int v) {
        return new WatchHubOptions(v, syncBatchEvents, syncInterval, progressInterval, maxResponseBytes);
    }

    public WatchHubOptions withSyncBatchEvents(int v) {
        return new WatchHubOptions(streamCapacity, v, syncInterval, progressInterval, maxResponseBytes);
    }

    public WatchHubOptions withSyncInterval(Duration v) {
        return new WatchHubOptions(streamCapacity, syncBatchEvents, v, progressInterval, maxResponseBytes);
    }

    public WatchHubOptions withProgressInterval(Duration v) {
        return new WatchHubOptions(streamCapacity, syncBatchEvents, syncInterval, v, maxResponseBytes);
    }

    public WatchHubOptions withMaxResponseBytes(int v) {
        return new WatchHubOptions(streamCapacity, syncBatchEvents, syncInterval, progressInterval, v);
    }
}
