package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A jetcd {@link Watch.Listener} that records everything a watch delivers: the created notification's
 * revision (when the watch asked for it with {@code withCreateNotify}), each event in arrival order, and
 * any error or completion. Callers wait on it with {@link #await}; every wait has a timeout.
 */
final class WatchRecorder implements Watch.Listener {

    /** One event as the client saw it; {@code prevValue} is null when the event carried no prev_kv. */
    record Event(String type, String key, String value, long modRevision, long createRevision, long version,
                 String prevValue) {
        static Event put(String key, String value, long revision) {
            return new Event("PUT", key, value, revision, revision, 1, null);
        }

        @Override
        public String toString() {
            return type + " " + key + "=" + value + "@" + modRevision
                    + (prevValue == null ? "" : " (prev " + prevValue + ")");
        }
    }

    private final String name;
    private final List<Event> events = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private long createdRevision = -1;
    private boolean completed;
    /** Responses whose events were not in strictly increasing revision order with what came before. */
    private int outOfOrder;

    WatchRecorder(String name) {
        this.name = name;
    }

    @Override
    public synchronized void onNext(WatchResponse response) {
        if (response.isCreatedNotify()) {
            createdRevision = response.getHeader().getRevision();
        }
        for (WatchEvent e : response.getEvents()) {
            var kv = e.getKeyValue();
            long last = events.isEmpty() ? 0 : events.get(events.size() - 1).modRevision();
            if (kv.getModRevision() < last) {
                outOfOrder++;
            }
            events.add(new Event(e.getEventType().name(), kv.getKey().toString(UTF_8), kv.getValue().toString(UTF_8),
                    kv.getModRevision(), kv.getCreateRevision(), kv.getVersion(),
                    e.getPrevKV() == null || e.getPrevKV().getKey().isEmpty() ? null
                            : e.getPrevKV().getValue().toString(UTF_8)));
        }
        notifyAll();
    }

    @Override
    public synchronized void onError(Throwable t) {
        errors.add(t);
        notifyAll();
    }

    @Override
    public synchronized void onCompleted() {
        completed = true;
        notifyAll();
    }

    String name() {
        return name;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    synchronized boolean completed() {
        return completed;
    }

    synchronized int outOfOrder() {
        return outOfOrder;
    }

    /** The revision of the created response, or -1 before it came (or if not asked for). */
    synchronized long createdRevision() {
        return createdRevision;
    }

    /** The mod revision of the last event received, 0 before any. */
    synchronized long lastRevision() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).modRevision();
    }

    /** Waits until {@code condition} holds for this recorder; fails with {@code what} after {@code timeout}. */
    synchronized void await(Duration timeout, String what, Predicate<WatchRecorder> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(name + ": " + what + " not seen after " + timeout + "; " + this);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    void awaitCreated(Duration timeout) throws InterruptedException {
        await(timeout, "created response", r -> r.createdRevision >= 0);
    }

    void awaitRevision(long revision, Duration timeout) throws InterruptedException {
        await(timeout, "an event at revision >= " + revision, r -> r.lastRevision() >= revision);
    }

    void awaitError(Duration timeout) throws InterruptedException {
        await(timeout, "an error", r -> !r.errors.isEmpty());
    }

    @Override
    public synchronized String toString() {
        return name + "[created " + createdRevision + ", " + events.size() + " events, last revision "
                + lastRevision() + ", errors " + errors + (completed ? ", completed" : "") + "]";
    }
}
