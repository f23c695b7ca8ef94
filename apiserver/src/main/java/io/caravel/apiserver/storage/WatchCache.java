package io.caravel.apiserver.storage;

import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.ResourceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch cache of one resource (kube-apiserver's {@code Cacher}): one store watch on
 * {@code /registry/<resource>/} keeps the current objects and a bounded window of recent events, and serves every
 * watch of the resource and the lists at {@code resourceVersion=0}. Thousands of watchers cost one store watch.
 *
 * <p>Consistency: the cache's revision is the store revision its state reflects (the initial list's revision,
 * then each event's, or a progress notification's). Events reach watchers in revision order, each once. A watch
 * from revision {@code N} is served when every event after {@code N} is still in the window; older is 410 Expired.
 * If the store watch ends (compaction, store failure), the cache closes every watcher (they re-watch, and get a
 * 410 if their revision is now too old), re-lists and watches again.
 *
 * <p>History on start: a new cache (an API server that just started, or a cache that re-listed) fills its window
 * from the store's history as well: it lists at revision {@code R}, then starts its one store watch at
 * {@code R - capacity + 1} (or just after the store's compaction point, if that is later). The events up to
 * {@code R} go to the window only (the listed state already reflects them), the later ones are applied as
 * usual. So a client that watched another API server, or this one before a restart, resumes from its
 * resourceVersion without a 410 as long as the store still has the history and fewer than {@code capacity}
 * revisions passed; like etcd, only compaction (or a full window) makes a revision too old.
 *
 * <p>Threading: all state lives on one thread of the cache; {@link Sink} methods are called on it and must not
 * block. Public methods are thread-safe. The one exception to the confinement is the map of current objects: it
 * is written only on the cache thread but may be read from any thread, so that {@link #get} answers on the
 * caller's thread without waiting for (or continuing on) the cache thread.
 */
public final class WatchCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);

    /** The kind of a cache event, as in a Kubernetes watch. */
    public enum EventType { ADDED, MODIFIED, DELETED }

    /**
     * One change.
     *
     * @param type   ADDED, MODIFIED or DELETED
     * @param object the new state (for DELETED: the last state, with resourceVersion = the deletion revision)
     * @param prev   the previous state: null exactly for ADDED
     */
    public record Event(EventType type, StoredObject object, StoredObject prev) {
        public long revision() {
            return object.modRevision();
        }
    }

    /** A watcher's receiving end. Called on the cache thread, in order; must not block. */
    public interface Sink {
        /** A change (or, during the initial events of a watch without a revision, a synthetic ADDED). */
        void event(Event e);

        /**
         * Everything up to {@code revision} has been delivered (for BOOKMARK events). Optional; the default ignores
         * it.
         */
        default void bookmark(long revision) {
        }

        /**
         * The synthetic initial events are complete as of {@code revision} (for sendInitialEvents). Optional; the
         * default ignores it.
         */
        default void initialEventsEnd(long revision) {
        }

        /** The watch ended: {@code error} is a 410 for a too old revision, or null for a clean end. */
        void closed(ApiException error);
    }

    /** A registered watcher; {@link #cancel()} is idempotent. */
    public interface Registration {
        void cancel();
    }

    private final ResourceType type;
    private final KvClient kv;
    private final int capacity;
    private final long bookmarkMillis;
    private final ScheduledExecutorService thread;

    /**
     * The current objects by key: replaced and modified only on the cache thread, read on any thread by
     * {@link #get} (hence a concurrent map, published through this volatile field on each re-list).
     */
    private volatile NavigableMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
    /** Set on the cache thread, read by {@link #get} on any thread. */
    private volatile boolean ready;
    private volatile boolean closed;

    // --- state, confined to the cache thread
    private final ArrayDeque<Event> window = new ArrayDeque<>();
    private final Set<Watcher> watchers = new LinkedHashSet<>();
    private final List<Runnable> whenReady = new ArrayList<>();
    private long revision;
    /** Every event after this revision is in the window (or, while replaying, will be before any later one). */
    private long historyStart;
    /** The revision of the initial list: store events up to it are history for the window only. */
    private long listRevision;
    /** Whether the store watch may still deliver history (events at or before {@link #listRevision}). */
    private boolean replaying;
    /** While replaying: every history event up to this revision has been delivered. */
    private long replayedTo;
    /** The highest compaction point the store reported, below which no watch can start. */
    private long compactedFloor;
    private KvWatch storeWatch;
    private long generation;
    private long backoffMillis = 100;

    public WatchCache(ResourceType type, KvClient kv, int capacity, long bookmarkMillis) {
        this.type = Objects.requireNonNull(type, "type == null");
        this.kv = Objects.requireNonNull(kv, "kv == null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.bookmarkMillis = bookmarkMillis;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watch-cache-" + type.plural());
            t.setDaemon(true);
            return t;
        });
    }

    public ResourceType type() {
        return type;
    }

    /** Starts the initial list and the store watch; returns at once. */
    public void start() {
        thread.execute(this::initialize);
        if (bookmarkMillis > 0) {
            thread.scheduleWithFixedDelay(this::bookmarks, bookmarkMillis, bookmarkMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void initialize() {
        if (closed) {
            return;
        }
        long gen = ++generation;
        NavigableMap<String, StoredObject> fresh = new ConcurrentSkipListMap<>();
        listAll(null, 0, fresh).whenComplete((rev, err) -> thread.execute(() -> {
            if (closed || gen != generation) {
                return;
            }
            if (err != null) {
                LOG.warn("watch cache {}: initial list failed ({}); retrying in {} ms", type.plural(), err.toString(), backoffMillis);
                retryLater();
                return;
            }
            objects = fresh;
            window.clear();
            revision = rev;
            listRevision = rev;
            // replay up to `capacity` revisions of history into the window (never below the compaction point)
            historyStart = Math.min(rev, Math.max(compactedFloor, rev - capacity));
            replayedTo = historyStart;
            replaying = historyStart < rev;
            ready = true;
            backoffMillis = 100;
            storeWatch = kv.watch(type.keyPrefix(), historyStart + 1, new StoreListener(gen));
            List<Runnable> rs = new ArrayList<>(whenReady);
            whenReady.clear();
            rs.forEach(Runnable::run);
        }));
    }

    private CompletableFuture<Long> listAll(String start, long rev, NavigableMap<String, StoredObject> into) {
        return kv.list(type.keyPrefix(), rev, KvClient.PAGE_LIMIT, start).thenCompose(page -> {
            for (KeyValue k : page.items()) {
                into.put(k.key(), StoredObject.decode(k));
            }
            if (page.more() && !page.items().isEmpty()) {
                return listAll(page.items().get(page.items().size() - 1).key() + "\0", page.revision(), into);
            }
            return CompletableFuture.completedFuture(page.revision());
        });
    }

    private void retryLater() {
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, 5000);
        thread.schedule(this::initialize, delay, TimeUnit.MILLISECONDS);
    }

    /** The store watch ended: drop every watcher, then list and watch again. */
    private void restart(String why) {
        LOG.info("watch cache {}: store watch ended ({}); re-listing", type.plural(), why);
        ready = false;
        if (storeWatch != null) {
            storeWatch.close();
            storeWatch = null;
        }
        for (Watcher w : List.copyOf(watchers)) {
            w.end(null);
        }
        retryLater();
    }

    private final class StoreListener implements KvWatchListener {
        private final long gen;
        /** Whether this store watch delivered any event (confined to the cache thread). */
        private boolean received;

        StoreListener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onEvents(List<KvEvent> events) {
            thread.execute(() -> {
                if (gen == generation && ready) {
                    received = true;
                    apply(events);
                }
            });
        }

        @Override
        public void onProgress(long rev) {
            thread.execute(() -> {
                if (gen == generation && ready) {
                    if (replaying && rev >= listRevision) {
                        replaying = false;
                    }
                    if (rev > revision) {
                        revision = rev;
                    }
                }
            });
        }

        @Override
        public void onCompacted(long compactRevision) {
            thread.execute(() -> {
                if (gen != generation || closed) {
                    return;
                }
                compactedFloor = Math.max(compactedFloor, compactRevision);
                if (replaying && !received && compactRevision <= listRevision) {
                    // the history to replay starts below the compaction point: replay what is left (the listed
                    // state is still good). Watchers from before it would miss events: they get 410 now.
                    historyStart = Math.max(historyStart, compactRevision);
                    replayedTo = historyStart;
                    replaying = historyStart < listRevision;
                    for (Watcher w : List.copyOf(watchers)) {
                        if (w.after < historyStart) {
                            w.end(tooOld(w.after));
                        }
                    }
                    storeWatch = kv.watch(type.keyPrefix(), historyStart + 1, new StoreListener(gen));
                    return;
                }
                restart("compacted at " + compactRevision);
            });
        }

        @Override
        public void onError(Throwable error) {
            thread.execute(() -> {
                if (gen == generation && !closed) {
                    restart(String.valueOf(error));
                }
            });
        }
    }

    private void apply(List<KvEvent> events) {
        for (KvEvent e : events) {
            if (e.revision() <= listRevision) {
                replayed(e);
                continue;
            }
            replaying = false;
            String key = e.kv().key();
            Event ev = event(e, objects.get(key));
            if (e.type() == KvEvent.Type.PUT) {
                objects.put(key, ev.object());
            } else {
                objects.remove(key);
            }
            if (ev != null) {
                revision = Math.max(revision, e.revision());
                publish(ev);
            }
        }
    }

    /**
     * A history event (at or before the initial list's revision): into the window and to the watchers from an
     * earlier revision, without touching the listed state.
     */
    private void replayed(KvEvent e) {
        replayedTo = Math.max(replayedTo, e.revision());
        Event ev = event(e, null);
        if (ev != null) {
            publish(ev);
        }
    }

    /**
     * The cache event of a store event: the one place they are built, for live changes and replayed history alike,
     * so that a watcher served from the window sees what a watcher that was there saw.
     *
     * @param e      the store event
     * @param cached the key's state before {@code e} as the cache holds it, for a live change (null when the cache
     *               does not have the key); null for history, whose listed state is later than {@code e}. When
     *               null, the store's {@code prevKv} is the previous state.
     * @return ADDED (no previous state) when the put created the key or nothing earlier is known, MODIFIED with
     *         the previous state, DELETED with the last state at the deletion's revision; null for the deletion
     *         of a key whose last state neither the cache nor the store has (there is nothing to show)
     */
    private static Event event(KvEvent e, StoredObject cached) {
        StoredObject prev = cached != null ? cached : e.prevKv() == null ? null : StoredObject.decode(e.prevKv());
        if (e.type() == KvEvent.Type.DELETE) {
            return prev == null ? null : new Event(EventType.DELETED, prev.atRevision(e.revision()), prev);
        }
        KeyValue kv = e.kv();
        StoredObject o = StoredObject.decode(kv);
        boolean created = kv.createRevision() == kv.modRevision(); // etcd: version 1
        return created || prev == null ? new Event(EventType.ADDED, o, null) : new Event(EventType.MODIFIED, o, prev);
    }

    private void publish(Event ev) {
        window.addLast(ev);
        if (window.size() > capacity) {
            historyStart = window.removeFirst().revision();
        }
        for (Watcher w : List.copyOf(watchers)) {
            if (ev.revision() > w.after) {
                w.sink.event(ev);
            }
        }
    }

    private ApiException tooOld(long fromRevision) {
        return ApiException.expired("too old resource version: " + fromRevision + " (" + historyStart + ")");
    }

    private void bookmarks() {
        if (!ready) {
            return;
        }
        // while history is still arriving, only what was replayed so far is known to be complete
        long upTo = replaying ? replayedTo : revision;
        for (Watcher w : List.copyOf(watchers)) {
            if (upTo > w.after) {
                w.sink.bookmark(upTo);
            }
        }
    }

    private void whenReady(Runnable r) {
        if (ready) {
            r.run();
        } else {
            whenReady.add(r);
        }
    }

    /** A consistent snapshot of the cached objects under {@code keyPrefix} and the revision it reflects. */
    public record Snapshot(List<StoredObject> items, long revision) {
    }

    /** The current objects under {@code keyPrefix} (a list at resourceVersion=0). */
    public CompletableFuture<Snapshot> snapshot(String keyPrefix) {
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        thread.execute(() -> {
            if (closed) {
                f.completeExceptionally(ApiException.unavailable("the watch cache is closed"));
                return;
            }
            whenReady(() -> {
                NavigableMap<String, StoredObject> range = objects.subMap(keyPrefix, true, KvClient.prefixEnd(keyPrefix), false);
                f.complete(new Snapshot(new ArrayList<>(range.values()), revision));
            });
        });
        return f;
    }

    /**
     * The cached object at {@code key}, read on the caller's thread: never blocks and never involves the cache
     * thread, so a caller that continues with other work (a store request, say) does it on its own thread and
     * cannot hold back the events of this cache's watchers. Empty when the cache does not have the object, or is
     * not ready (starting, re-listing) or closed. May trail the store by the cache's lag.
     */
    public Optional<StoredObject> get(String key) {
        // ready is written after objects on (re-)list, so a reader that sees ready sees the listed map
        if (closed || !ready) {
            return Optional.empty();
        }
        return Optional.ofNullable(objects.get(key));
    }

    /** The cache's current revision, once it is ready. */
    public CompletableFuture<Long> revision() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        thread.execute(() -> whenReady(() -> f.complete(revision)));
        return f;
    }

    /**
     * Registers a watcher.
     *
     * @param fromRevision the revision after which to deliver changes; {@code < 0} for "any": the current objects
     *                     under {@code keyPrefix} first, as synthetic ADDED events (followed by
     *                     {@link Sink#initialEventsEnd}), then the changes after the cache's revision
     * @param keyPrefix    the prefix of the keys the initial events cover (the watcher filters live events itself)
     */
    public Registration watch(long fromRevision, String keyPrefix, Sink sink) {
        Watcher w = new Watcher(sink);
        thread.execute(() -> {
            if (closed) {
                sink.closed(null);
                return;
            }
            whenReady(() -> {
                if (w.cancelled) {
                    return;
                }
                if (fromRevision < 0) {
                    for (StoredObject o : objects.subMap(keyPrefix, true, KvClient.prefixEnd(keyPrefix), false).values()) {
                        sink.event(new Event(EventType.ADDED, o, null));
                    }
                    w.after = revision;
                    sink.initialEventsEnd(revision);
                } else {
                    if (fromRevision < historyStart) {
                        sink.closed(tooOld(fromRevision));
                        return;
                    }
                    w.after = fromRevision;
                    for (Event e : window) {
                        if (e.revision() > fromRevision) {
                            sink.event(e);
                        }
                    }
                }
                watchers.add(w);
            });
        });
        return w;
    }

    /** The number of registered watchers (for metrics and tests). */
    public CompletableFuture<Integer> watcherCount() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        thread.execute(() -> f.complete(watchers.size()));
        return f;
    }

    private final class Watcher implements Registration {
        final Sink sink;
        long after;
        volatile boolean cancelled;

        Watcher(Sink sink) {
            this.sink = sink;
        }

        void end(ApiException error) {
            watchers.remove(this);
            sink.closed(error);
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (!thread.isShutdown()) {
                try {
                    thread.execute(() -> watchers.remove(this));
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // closing: the watcher set goes away with the cache
                }
            }
        }
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                closed = true;
                if (storeWatch != null) {
                    storeWatch.close();
                }
                for (Watcher w : List.copyOf(watchers)) {
                    w.end(null);
                }
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("watch cache {}: close: {}", type.plural(), e.toString());
        }
        thread.shutdownNow();
    }

    /** For tests: the objects currently cached, by key. */
    Map<String, StoredObject> objectsForTest() {
        return new TreeMap<>(objects);
    }
}
