package io.caravel.apiserver.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** Completed when the last open watch ends after {@link #begin()}. */
    private final CompletableFuture<Void> watchesEnded = new CompletableFuture<>();

    /** Refuses new requests from now on; returns whether this call began the shutdown (false if it had begun). */
    public boolean begin() {
        boolean first = closing.compareAndSet(false, true);
        if (openWatches.get() == 0) {
            watchesEnded.complete(null);
        }
        return first;
    }

    /** Whether {@link #begin()} was called. */
    public boolean closing() {
        return closing.get();
    }

    void watchOpened() {
        openWatches.incrementAndGet();
    }

    void watchEnded() {
        if (openWatches.decrementAndGet() == 0 && closing.get()) {
            watchesEnded.complete(null);
        }
    }

    /** The number of watch streams not yet ended. */
    public int openWatches() {
        return openWatches.get();
    }

    /** Waits up to {@code millis} until no watch stream is open; returns whether none is. */
    public boolean awaitWatchesEnded(long millis) throws InterruptedException {
        try {
            watchesEnded.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
