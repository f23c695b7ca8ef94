package io.caravel.apiserver.http;

import java.util.concurrent.TimeUnit;

/**
 * The graceful end of one API server: once {@link #begin()} is called, new requests get 503 (with Retry-After), and
 * {@link #awaitWatchesEnded} waits until every open watch stream has been ended cleanly (the last chunk of an
 * HTTP stream written, a WebSocket closed) — so that clients see a normal end of their watch and re-watch from
 * their last resourceVersion, instead of a connection cut mid-stream (which some clients, such as fabric8's
 * Vert.x HTTP client before 7.4, never notice). Thread-safe.
 */
public final class Shutdown {
    private volatile boolean closing;
    private int openWatches; // guarded by this; awaitWatchesEnded waits on this monitor for it to reach 0

    /** Refuses new requests from now on; returns whether this call began the shutdown (false if it had begun). */
    public synchronized boolean begin() {
        boolean first = !closing;
        closing = true;
        return first;
    }

    /** Whether {@link #begin()} was called. */
    public boolean closing() {
        return closing;
    }

    /**
     * Counts a watch stream that is about to start; false, counting nothing, once {@link #begin()} was called
     * (the caller then ends the stream at once). Checking and counting in one step is what lets
     * {@link #awaitWatchesEnded} return knowing no watch can open after it.
     */
    synchronized boolean tryOpenWatch() {
        if (closing) {
            return false;
        }
        openWatches++;
        return true;
    }

    synchronized void watchEnded() {
        if (--openWatches == 0) {
            notifyAll();
        }
    }

    /** The number of watch streams not yet ended. */
    public synchronized int openWatches() {
        return openWatches;
    }

    /** Waits up to {@code millis} until no watch stream is open; returns whether none is. */
    public synchronized boolean awaitWatchesEnded(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (openWatches > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
