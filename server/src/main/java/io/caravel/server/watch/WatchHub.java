package io.caravel.server.watch;

import io.caravel.raft.ReplicatedKv;
import io.caravel.store.ApplyResult;
import io.caravel.store.Event;
import io.caravel.store.EventBatch;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All watchers of one member. A watcher is <em>synced</em> when it has been given every event up to the
 * last revision the hub saw committed; synced watchers get new revisions from the commit listener. An
 * <em>unsynced</em> watcher (start revision in the past, or after a snapshot install) catches up from
 * {@link ReplicatedKv#events} on {@code catchUpExecutor} and becomes synced once it reaches the hub's
 * revision.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Each watcher has {@code nextRevision}: every event below it has been handed to its delivery
 *       executor, none at or above it. Both live dispatch and catch-up deliver only revisions
 *       {@code >= nextRevision} and advance it under the hub's lock, so no event is delivered twice or
 *       skipped, whatever the interleaving of commits and catch-up reads.</li>
 *   <li>A watcher turns synced only when {@code nextRevision > hubRevision} (the last revision the commit
 *       listener reported), checked under the lock: a commit reported meanwhile keeps it unsynced for one
 *       more catch-up round.</li>
 *   <li>A watcher whose next revision is below the compact revision is canceled with that revision
 *       (etcd's {@code watcher_group.go}: compacted iff {@code minRev < compactRev}).</li>
 * </ul>
 *
 * <p>Thread-safe. The commit listener does O(synced watchers) work per revision and never blocks; reads
 * of history run on {@code catchUpExecutor}.
 */
public final class WatchHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    /** Events read per catch-up step (a revision is never split, so a step may return a few more). */
    static final int CATCH_UP_BATCH = 1_000;

    private final ReplicatedKv kv;
    private final Executor catchUpExecutor;
    private final Object lock = new Object();
    private final Set<Watcher> synced = new LinkedHashSet<>();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private long hubRevision;
    private boolean closed;

    public WatchHub(ReplicatedKv kv, Executor catchUpExecutor) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.catchUpExecutor = Objects.requireNonNull(catchUpExecutor, "catchUpExecutor == null");
        kv.addCommitListener(this::committed, this::reset);
        synchronized (lock) {
            hubRevision = Math.max(hubRevision, kv.currentRevision());
        }
    }

    /** The last revision the hub has seen committed. */
    public long revision() {
        synchronized (lock) {
            return hubRevision;
        }
    }

    /**
     * Creates a watcher. {@code listener} is called on {@code delivery}, first with
     * {@link WatchListener#onCreated}. Never blocks.
     */
    public Watcher watch(WatchSpec spec, Executor delivery, WatchListener listener) {
        Objects.requireNonNull(spec, "spec == null");
        Objects.requireNonNull(delivery, "delivery == null");
        Objects.requireNonNull(listener, "listener == null");
        synchronized (lock) {
            long created = hubRevision;
            Watcher w = new Watcher(this, spec, delivery, listener,
                    spec.startRevision() > 0 ? spec.startRevision() : created + 1);
            delivery.execute(() -> listener.onCreated(created));
            if (closed) {
                w.canceled = true;
                delivery.execute(() -> listener.onCanceled(0, "etcdserver: server stopped"));
                return w;
            }
            if (w.nextRevision > hubRevision) {
                synced.add(w);
            } else {
                unsynced.add(w);
                catchUpExecutor.execute(() -> catchUp(w));
            }
            return w;
        }
    }

    /**
     * Tells {@code callback} (on {@code delivery}, after every event already handed to the watchers'
     * deliveries) a revision up to which all of {@code watchers} have been given every event: etcd's
     * answer to a progress request.
     */
    public void requestProgress(Collection<Watcher> watchers, Executor delivery, LongConsumer callback) {
        synchronized (lock) {
            long rev = hubRevision;
            for (Watcher w : watchers) {
                if (!w.canceled) {
                    rev = Math.min(rev, w.nextRevision - 1);
                }
            }
            long progress = rev;
            delivery.execute(() -> callback.accept(progress));
        }
    }

    void cancel(Watcher w) {
        synchronized (lock) {
            if (w.canceled) {
                return;
            }
            w.canceled = true;
            synced.remove(w);
            unsynced.remove(w);
        }
    }

    /** Number of live watchers (for metrics). */
    public int size() {
        synchronized (lock) {
            return synced.size() + unsynced.size();
        }
    }

    // ---- live ----------------------------------------------------------------------------------------

    private void committed(List<ApplyResult> results) {
        synchronized (lock) {
            for (ApplyResult r : results) {
                if (r.events().isEmpty()) {
                    hubRevision = Math.max(hubRevision, r.revision());
                    continue;
                }
                long rev = r.events().get(0).revision();
                hubRevision = Math.max(hubRevision, rev);
                for (Watcher w : synced) {
                    if (rev >= w.nextRevision) {
                        List<Event> mine = w.select(r.events());
                        w.nextRevision = rev + 1;
                        if (!mine.isEmpty()) {
                            w.deliver(rev, mine);
                        }
                    }
                }
            }
        }
    }

    private void reset() {
        synchronized (lock) {
            // A snapshot from the leader replaced the store (raft calls this after the swap): every watcher
            // catches up again from where it was, through the history the snapshot brought, and the hub's
            // revision jumps to the new store's (no synced watcher is left to be misreported by progress).
            List<Watcher> all = new ArrayList<>(synced);
            synced.clear();
            hubRevision = Math.max(hubRevision, kv.currentRevision());
            for (Watcher w : all) {
                unsynced.add(w);
                catchUpExecutor.execute(() -> catchUp(w));
            }
        }
    }

    // ---- catch-up ------------------------------------------------------------------------------------

    private void catchUp(Watcher w) {
        try {
            while (true) {
                long from;
                synchronized (lock) {
                    if (w.canceled || closed) {
                        return;
                    }
                    if (w.nextRevision > hubRevision) {
                        unsynced.remove(w);
                        synced.add(w);
                        return;
                    }
                    from = w.nextRevision;
                }
                long to = Math.max(kv.currentRevision(), from);
                EventBatch batch = kv.events(from, to, CATCH_UP_BATCH, w.spec.prevKv());
                synchronized (lock) {
                    if (w.canceled) {
                        return;
                    }
                    // Deliver only what is still ahead of the watcher.
                    List<Event> mine = new ArrayList<>();
                    long last = 0;
                    for (Event e : batch.events()) {
                        if (e.revision() >= w.nextRevision && w.matches(e)) {
                            mine.add(w.spec.prevKv() ? e : e.withoutPrevKv());
                            last = e.revision();
                        }
                    }
                    long next = Math.max(w.nextRevision, batch.nextRevision());
                    if (batch.events().isEmpty() && !batch.reachedCurrent()) {
                        next = Math.max(next, from + 1);
                    }
                    // hubRevision is NOT raised here even when the store is ahead of the commit listener:
                    // progress answers rely on it meaning "reported to every synced watcher".
                    w.nextRevision = next;
                    if (!mine.isEmpty()) {
                        w.deliver(last, mine);
                    }
                }
            }
        } catch (KvException e) {
            if (e.error() == KvError.COMPACTED) {
                compacted(w);
            } else {
                failed(w, e);
            }
        } catch (RuntimeException e) {
            failed(w, e);
        }
    }

    private void compacted(Watcher w) {
        long compactRevision = Math.max(kv.compactRevision(), 1);
        synchronized (lock) {
            if (w.canceled) {
                return;
            }
            w.canceled = true;
            unsynced.remove(w);
            synced.remove(w);
            w.delivery.execute(() -> w.listener.onCanceled(compactRevision, ""));
        }
    }

    private void failed(Watcher w, RuntimeException e) {
        LOG.warn("watcher on {} failed while catching up", w.spec.range(), e);
        synchronized (lock) {
            if (w.canceled) {
                return;
            }
            w.canceled = true;
            unsynced.remove(w);
            synced.remove(w);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            w.delivery.execute(() -> w.listener.onCanceled(0, reason));
        }
    }

    /** Cancels every watcher (each is told {@code onCanceled}); new watchers are canceled at once. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            List<Watcher> all = new ArrayList<>(synced);
            all.addAll(unsynced);
            synced.clear();
            unsynced.clear();
            for (Watcher w : all) {
                w.canceled = true;
                w.delivery.execute(() -> w.listener.onCanceled(0, "etcdserver: server stopped"));
            }
        }
    }

    /** One watcher; cancel it with {@link #cancel()}. Its fields are guarded by the hub's lock. */
    public static final class Watcher {
        private final WatchHub hub;
        final WatchSpec spec;
        final Executor delivery;
        final WatchListener listener;
        long nextRevision;
        boolean canceled;

        Watcher(WatchHub hub, WatchSpec spec, Executor delivery, WatchListener listener, long nextRevision) {
            this.hub = hub;
            this.spec = spec;
            this.delivery = delivery;
            this.listener = listener;
            this.nextRevision = nextRevision;
        }

        public WatchSpec spec() {
            return spec;
        }

        /** Stops the watcher; no call to its listener is decided after this returns. Idempotent. */
        public void cancel() {
            hub.cancel(this);
        }

        boolean matches(Event e) {
            if (e.type() == Event.Type.PUT ? spec.noPut() : spec.noDelete()) {
                return false;
            }
            return spec.range().contains(e.kv().key());
        }

        List<Event> select(List<Event> events) {
            List<Event> out = null;
            for (Event e : events) {
                if (matches(e)) {
                    if (out == null) {
                        out = new ArrayList<>();
                    }
                    out.add(spec.prevKv() ? e : e.withoutPrevKv());
                }
            }
            return out == null ? List.of() : out;
        }

        void deliver(long revision, List<Event> events) {
            delivery.execute(() -> listener.onEvents(revision, events));
        }
    }
}
