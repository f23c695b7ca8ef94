package io.caravel.watch;

import io.caravel.store.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A consumer of one stream for tests with the hub's thread running: its readable callback drains the
 * stream (unless paused), and {@link #await} waits, with a timeout, for a condition on what it got.
 */
final class Collector implements Runnable {
    private final List<WatchResponse> responses = new ArrayList<>();
    private WatchStream stream;
    private boolean paused;

    static Collector open(WatchHub hub) {
        Collector c = new Collector();
        WatchStream s = hub.openStream(c);
        synchronized (c) {
            c.stream = s;
        }
        return c;
    }

    synchronized WatchStream stream() {
        return stream;
    }

    @Override
    public synchronized void run() {
        if (stream == null || paused) {
            return;
        }
        for (WatchResponse r = stream.poll(); r != null; r = stream.poll()) {
            responses.add(r);
        }
        notifyAll();
    }

    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        run();
    }

    synchronized List<WatchResponse> responses() {
        return List.copyOf(responses);
    }

    synchronized List<Event> events(long watchId) {
        List<Event> out = new ArrayList<>();
        for (WatchResponse r : responses) {
            if (r.watchId() == watchId) {
                out.addAll(r.events());
            }
        }
        return out;
    }

    /** Waits until {@code condition} holds on the responses so far. */
    synchronized List<WatchResponse> await(Predicate<List<WatchResponse>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(responses)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + "; got " + responses);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(responses);
    }
}
