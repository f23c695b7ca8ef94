package io.caravel.apiserver.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The graceful end of one API server: once {@link #begin()} is called, new requests get 503 (with Retry-After), and
 * {@link #awaitWatchesEnded} waits until every open watch stream has been ended cleanly (the last chunk of an
 * HTTP stream written, a WebSocket closed) — so that clients see a normal end of their watch and re-watch from
 * their last resourceVersion, instead of a connection cut mid-stream (which some clients, such as fabric8's
 * Vert.x HTTP client before 7.4, never notice). Thread-safe.
 */
public final class Shutdown {
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger openWatches = new AtomicInteger();

    /** Refuses new requests from now on. */
    public void begin() {
        closing.set(true);
    }

    boolean closing() {
        return closing.get();
    }

    void watchOpened() {
        openWatches.incrementAndGet();
    }

    void watchEnded() {
        openWatches.decrementAndGet();
    }

    /** The number of watch streams not yet ended. */
    public int openWatches() {
        return openWatches.get();
    }

    /** Waits up to {@code millis} until no watch stream is open; returns whether none is. */
    public boolean awaitWatchesEnded(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (openWatches.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
