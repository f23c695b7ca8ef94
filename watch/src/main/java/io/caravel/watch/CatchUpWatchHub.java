package io.caravel.watch;

import io.caravel.store.ApplyResult;
import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.EventBatch;
import io.caravel.store.KeyRange;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WatchHub}: etcd's {@code watchableStore}, with synced watchers fed by dispatch on the apply
 * thread and unsynced ones caught up from history by one thread of the hub's own.
 *
 * <h2>State</h2>
 * One lock guards the watcher groups and {@code lastDispatched}, the highest revision whose events were
 * dispatched. A watcher is either <em>synced</em> (in {@link #synced}: it has every event up to
 * {@code lastDispatched} queued, and dispatch queues the next ones) or <em>unsynced</em> (in
 * {@link #unsynced}: it has every event below its {@link Watcher#nextRevision} queued and waits for the
 * hub's thread). Both dispatch and catch-up skip events below a watcher's next revision, so a revision
 * reaches a watcher once however the two paths race, and a watcher joins the synced group only under
 * the lock, when its next revision is past {@code lastDispatched}.
 *
 * <p>The hub never calls its {@link EventSource} with the lock held, so that a source with locks of its
 * own (a replicated store whose apply thread calls {@link #committed} holding them) cannot deadlock with it.
 *
 * <h2>Differences from etcd, and why</h2>
 * <ul>
 *   <li>A slow consumer's watcher (etcd's "victim") keeps no copy of the events it missed: it becomes
 *       unsynced at the first revision it missed and is caught up from history once its consumer has
 *       drained half its queue. Memory stays bounded by the queue whatever the consumer does, and one
 *       mechanism serves both late starts and slow consumers.</li>
 *   <li>History is read in bounded batches ({@link WatchHubOptions#syncBatchEvents}) outside the lock;
 *       etcd reads from the oldest unsynced revision to the current one in one go, under its lock.</li>
 *   <li>A stream's responses share one queue bound, and consumers pull; etcd pushes into a channel.
 *       Pulling fits both gRPC's {@code isReady}/{@code onReady} and Flow's demand.</li>
 * </ul>
 */
public final class CatchUpWatchHub implements WatchHub {
    private static final Logger log = LoggerFactory.getLogger(CatchUpWatchHub.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** {@link #syncRound} outcomes. */
    static final int IDLE = 0;
    static final int WAITING = 1;
    static final int PROGRESSED = 2;

    private final EventSource source;
    private final WatchHubOptions options;
    private final ReentrantLock lock = new ReentrantLock();

    // ---- guarded by lock ----------------------------------------------------------------------
    private long lastDispatched;
    /** Incremented by {@link #reset}: a history read started before it is discarded. */
    private long epoch;
    private boolean closed;
    private final WatcherGroup synced = new WatcherGroup();
    /** In the order watchers became unsynced or were last served: the longest-waiting first. */
    private final LinkedHashSet<Watcher> unsynced = new LinkedHashSet<>();
    private final HashSet<Watcher> progressWatchers = new HashSet<>();
    private final LinkedHashSet<HubStream> progressRequested = new LinkedHashSet<>();
    private final HashSet<HubStream> streams = new HashSet<>();
    private int watcherCount;
    private long movedAside;
    private final ArrayList<Watcher> matchScratch = new ArrayList<>();

    /**
     * A commit that makes more streams readable than this tells them from the hub's thread rather than
     * from the apply thread: a hot key with thousands of streams costs the apply thread one hand-off,
     * not thousands of consumer wake-ups (each typically an executor submission).
     */
    static final int INLINE_NOTIFY_LIMIT = 64;

    // ---- the hub's thread -------------------------------------------------------------------
    /** Null when the hub is driven by hand ({@link #syncRound}, {@link #progressTick}), in tests. */
    private final Thread thread;
    private volatile boolean wakeRequested;
    private volatile boolean stopping;
    /** Readable notifications handed from the apply thread to the hub's thread. */
    private final ConcurrentLinkedQueue<List<HubStream>> deferredNotify = new ConcurrentLinkedQueue<>();

    CatchUpWatchHub(EventSource source, WatchHubOptions options, boolean startThread) {
        this.source = Objects.requireNonNull(source, "source == null");
        this.options = Objects.requireNonNull(options, "options == null");
        this.lastDispatched = source.currentRevision();
        if (startThread) {
            this.thread = new Thread(this::run, "caravel-watch-hub-" + THREAD_IDS.incrementAndGet());
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    /** Starts a hub with its catch-up thread; see {@link WatchHub#start}. */
    public static CatchUpWatchHub start(EventSource source, WatchHubOptions options) {
        return new CatchUpWatchHub(source, options, true);
    }

    @Override
    public WatchStream openStream(Runnable onReadable) {
        Objects.requireNonNull(onReadable, "onReadable == null");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("watch hub is closed");
            }
            HubStream s = new HubStream(onReadable);
            streams.add(s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastDispatchedRevision() {
        lock.lock();
        try {
            return lastDispatched;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(streams.size(), watcherCount, unsynced.size(), movedAside);
        } finally {
            lock.unlock();
        }
    }

    // ---- dispatch (apply thread) --------------------------------------------------------------

    @Override
    public void committed(List<ApplyResult> results) {
        ArrayList<HubStream> notify = new ArrayList<>(0);
        boolean wakeHub = false;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            ArrayList<Watcher> touched = new ArrayList<>(0);
            for (ApplyResult r : results) {
                long rev = r.revision();
                List<Event> events = r.events();
                if (rev <= lastDispatched) {
                    continue; // made no revision, or one dispatched already (replayed after a reset)
                }
                if (events.isEmpty() || rev != lastDispatched + 1) {
                    // A revision this hub never saw (registered late, or a store swapped without a
                    // reset): every synced watcher catches up from history instead of missing it.
                    if (synced.size() > 0) {
                        log.warn("watch hub saw revision {} after {}: every synced watcher catches up from history",
                                rev, lastDispatched);
                    }
                    flush(touched, notify);
                    touched.clear();
                    wakeHub |= desyncAll();
                    lastDispatched = rev;
                    continue;
                }
                if (synced.size() > 0) {
                    gather(events, rev, touched);
                }
                lastDispatched = rev;
            }
            flush(touched, notify);
        } finally {
            lock.unlock();
        }
        if (notify.size() > INLINE_NOTIFY_LIMIT && thread != null) {
            deferredNotify.add(notify);
            wakeHub = true;
        } else {
            notifyReadable(notify);
        }
        if (wakeHub) {
            wake();
        }
    }

    /** Adds the events of revision {@code rev} to the pending lists of the synced watchers they match. */
    private void gather(List<Event> events, long rev, List<Watcher> touched) {
        for (Event e : events) {
            matchScratch.clear();
            synced.collectMatching(e.kv().key(), matchScratch);
            // Shared by every watcher of the event that did not ask for prevKv: a hot key with thousands
            // of watchers costs one copy of the event, not one per watcher.
            Event bare = null;
            for (int i = 0, n = matchScratch.size(); i < n; i++) {
                Watcher w = matchScratch.get(i);
                if (rev < w.nextRevision || !w.accepts(e)) {
                    continue; // a start revision in the future, or filtered out
                }
                Event shaped = e;
                if (!w.has(Watcher.PREV_KV)) {
                    if (bare == null) {
                        bare = e.withoutPrevKv();
                    }
                    shaped = bare;
                }
                List<Event> pending = w.pending;
                if (pending == null) {
                    w.pending = List.of(shaped); // the usual case, one event: no list to grow or copy
                    touched.add(w);
                } else if (pending instanceof ArrayList<Event> list) {
                    list.add(shaped);
                } else {
                    ArrayList<Event> list = new ArrayList<>(4);
                    list.addAll(pending);
                    list.add(shaped);
                    w.pending = list;
                }
            }
        }
        matchScratch.clear();
    }

    /** Queues the gathered events of each touched watcher; one that does not fit becomes unsynced. */
    private void flush(List<Watcher> touched, List<HubStream> notify) {
        for (int i = 0, n = touched.size(); i < n; i++) {
            Watcher w = touched.get(i);
            List<Event> events = w.pending;
            w.pending = null;
            if (w.state != Watcher.SYNCED) {
                continue;
            }
            if (w.stream.tryOffer(w, WatchResponse.events(w.id, lastDispatched, events), notify)) {
                w.eventsSinceTick = true;
            } else {
                // etcd's victim: it has everything before the first revision it just missed.
                synced.remove(w);
                w.nextRevision = Math.max(w.nextRevision, events.get(0).revision());
                makeUnsynced(w);
                movedAside++;
            }
        }
    }

    private void makeUnsynced(Watcher w) {
        w.state = Watcher.UNSYNCED;
        unsynced.add(w);
        w.stream.unsyncedCount++;
    }

    private void promote(Watcher w) {
        w.state = Watcher.SYNCED;
        synced.add(w);
        w.stream.unsyncedCount--;
    }

    /** Moves every synced watcher to the unsynced set at the revision after {@code lastDispatched}. */
    private boolean desyncAll() {
        if (synced.size() == 0) {
            return false;
        }
        long next = lastDispatched + 1;
        synced.drain(w -> {
            w.nextRevision = Math.max(w.nextRevision, next);
            makeUnsynced(w);
        });
        return true;
    }

    @Override
    public void reset() {
        // The source is never called with the lock held: a replicated source may take locks of its own
        // that its apply thread holds while it calls committed().
        long current = source.currentRevision();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            epoch++;
            desyncAll();
            // A snapshot only moves a member forward; max() keeps header revisions monotonic should a
            // commit of the new store have been dispatched between the read above and here.
            lastDispatched = Math.max(lastDispatched, current);
            log.info("watch hub reset at revision {}: {} watchers catch up from history", lastDispatched, unsynced.size());
        } finally {
            lock.unlock();
        }
        wake();
    }

    // ---- catch-up (the hub's thread) ----------------------------------------------------------

    private void run() {
        long progressNanos = options.progressInterval().toNanos();
        long syncNanos = options.syncInterval().toNanos();
        long nextTick = System.nanoTime() + progressNanos;
        while (!stopping) {
            wakeRequested = false;
            for (List<HubStream> notify = deferredNotify.poll(); notify != null; notify = deferredNotify.poll()) {
                notifyReadable(notify);
            }
            int outcome = WAITING;
            try {
                outcome = syncRound();
            } catch (RuntimeException e) {
                // The source failed: a store being replaced or closed. Retry after the interval.
                log.warn("watch catch-up failed; retrying in {}", options.syncInterval(), e);
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                try {
                    progressTick();
                } catch (RuntimeException e) {
                    log.warn("watch progress notification failed", e);
                }
                nextTick = now + progressNanos;
            }
            if (outcome == PROGRESSED || stopping) {
                continue;
            }
            long park = nextTick - now;
            if (outcome == WAITING) {
                park = Math.min(park, syncNanos);
            }
            if (!wakeRequested && park > 0) {
                LockSupport.parkNanos(this, park);
            }
        }
    }

    /** The catch-up thread (null when driven by hand), for tests. */
    Thread thread() {
        return thread;
    }

    void wake() {
        wakeRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * One catch-up round: cancels unsynced watchers whose history is compacted, reads one batch of
     * history from the next revision of the longest-waiting watcher whose stream has room, queues each
     * watcher the batch covers its events and promotes those that reached {@code lastDispatched}. Returns {@link #PROGRESSED} when some watcher
     * advanced (another round may advance more at once), {@link #WAITING} when unsynced watchers remain
     * that could not advance (full queues), {@link #IDLE} when none remain.
     */
    int syncRound() {
        ArrayList<HubStream> notify = new ArrayList<>(0);
        ArrayList<Watcher> candidates = new ArrayList<>();
        long from = Long.MAX_VALUE;
        long to;
        long readEpoch;
        boolean prevKv = false;
        // Read before taking the lock (see reset()); compaction only moves forward, so a stale value at
        // worst postpones a cancel to the next round, where the history read has failed as compacted.
        long compact = source.compactRevision();
        lock.lock();
        try {
            if (closed) {
                return IDLE;
            }
            if (unsynced.isEmpty()) {
                answerProgressRequests(notify);
                return IDLE;
            }
            to = lastDispatched;
            for (Iterator<Watcher> it = unsynced.iterator(); it.hasNext(); ) {
                Watcher w = it.next();
                if (w.nextRevision < compact) {
                    // etcd: compacted iff minRev < compactRev (watcher_group.go chooseAll).
                    it.remove();
                    w.stream.unsyncedCount--;
                    w.stream.removeWatcher(w.id);
                    forget(w);
                    w.stream.offerControl(WatchResponse.compacted(w.id, lastDispatched, compact), notify);
                    continue;
                }
                if (w.nextRevision > to) {
                    it.remove();
                    promote(w);
                    continue;
                }
                if (!w.stream.hasRoomElseBlock()) {
                    continue;
                }
                // The round reads from the next revision of the watcher that has waited longest (the
                // first in order: served watchers go to the back), and serves with it every watcher at
                // or after that revision. A watcher far behind then takes turns with the others instead
                // of holding them all back until it has caught up.
                if (from == Long.MAX_VALUE) {
                    from = w.nextRevision;
                } else if (w.nextRevision < from) {
                    continue;
                }
                candidates.add(w);
                prevKv |= w.has(Watcher.PREV_KV);
            }
            answerProgressRequests(notify);
            if (candidates.isEmpty()) {
                return unsynced.isEmpty() ? IDLE : WAITING;
            }
            readEpoch = epoch;
        } finally {
            lock.unlock();
            notifyReadable(notify);
        }

        EventBatch batch;
        try {
            batch = source.events(from, to, options.syncBatchEvents(), prevKv);
        } catch (KvException e) {
            if (e.error() == KvError.COMPACTED) {
                return PROGRESSED; // compacted meanwhile: the next round cancels whoever needs it
            }
            throw e;
        }

        notify.clear();
        boolean progressed = false;
        lock.lock();
        try {
            if (closed || epoch != readEpoch) {
                clearPending(candidates);
                return PROGRESSED;
            }
            long covered = Math.min(batch.nextRevision() - 1, to);
            if (covered < from) {
                return WAITING; // the source is behind the hub (a store being swapped): retry later
            }
            distribute(batch.events(), candidates);
            for (Watcher w : candidates) {
                List<Event> mine = w.pending;
                w.pending = null;
                if (w.state != Watcher.UNSYNCED || w.nextRevision > covered) {
                    continue; // canceled meanwhile, or this batch held nothing new for it
                }
                if (mine != null) {
                    if (!w.stream.tryOffer(w, WatchResponse.events(w.id, lastDispatched, mine), notify)) {
                        continue; // its stream filled up (with its neighbours' events): next time
                    }
                    w.eventsSinceTick = true;
                }
                w.nextRevision = covered + 1;
                progressed = true;
                unsynced.remove(w);
                if (w.nextRevision > lastDispatched) {
                    promote(w);
                } else {
                    unsynced.add(w); // to the back: the others' turn first
                }
            }
            answerProgressRequests(notify);
        } finally {
            lock.unlock();
            notifyReadable(notify);
        }
        return progressed ? PROGRESSED : WAITING;
    }

    /** Adds each event of a history batch to the pending list of the candidates that want it. */
    private void distribute(List<Event> events, List<Watcher> candidates) {
        if (events.isEmpty()) {
            return;
        }
        if (candidates.size() <= 8) {
            for (Event e : events) {
                for (Watcher w : candidates) {
                    if (w.range.contains(e.kv().key())) {
                        offerPending(w, e);
                    }
                }
            }
            return;
        }
        WatcherGroup index = new WatcherGroup(false);
        for (Watcher w : candidates) {
            index.add(w);
        }
        ArrayList<Watcher> matches = new ArrayList<>();
        for (Event e : events) {
            matches.clear();
            index.collectMatching(e.kv().key(), matches);
            for (Watcher w : matches) {
                offerPending(w, e);
            }
        }
    }

    private static void offerPending(Watcher w, Event e) {
        if (w.state != Watcher.UNSYNCED || e.revision() < w.nextRevision || !w.accepts(e)) {
            return;
        }
        if (w.pending == null) {
            w.pending = new ArrayList<>();
        }
        w.pending.add(w.shape(e));
    }

    private static void clearPending(List<Watcher> watchers) {
        for (Watcher w : watchers) {
            w.pending = null;
        }
    }

    /** Answers the pending progress requests of streams whose watchers are all synced now. */
    private void answerProgressRequests(List<HubStream> notify) {
        if (progressRequested.isEmpty()) {
            return;
        }
        for (Iterator<HubStream> it = progressRequested.iterator(); it.hasNext(); ) {
            HubStream s = it.next();
            if (s.unsyncedCount == 0) {
                it.remove();
                s.offerControl(WatchResponse.progress(WatchResponse.INVALID_WATCH_ID, lastDispatched), notify);
            }
        }
    }

    /**
     * Queues a progress notification for every synced watcher that asked for them and got no event since
     * the last tick (etcd's progress ticker in {@code sendLoop}). Best effort, as in etcd: a full queue
     * skips the tick. Runs every {@link WatchHubOptions#progressInterval} on the hub's thread.
     */
    void progressTick() {
        ArrayList<HubStream> notify = new ArrayList<>(0);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Watcher w : progressWatchers) {
                if (w.state != Watcher.SYNCED) {
                    continue;
                }
                if (w.eventsSinceTick) {
                    w.eventsSinceTick = false;
                    continue;
                }
                w.stream.tryOffer(w, WatchResponse.progress(w.id, lastDispatched), notify);
            }
        } finally {
            lock.unlock();
        }
        notifyReadable(notify);
    }

    /** Removes a watcher from the synced group (or skips, for an unsynced one the caller removed) and the registries. */
    private void forget(Watcher w) {
        if (w.state == Watcher.SYNCED) {
            synced.remove(w);
        }
        if (w.has(Watcher.PROGRESS_NOTIFY)) {
            progressWatchers.remove(w);
        }
        w.state = Watcher.GONE;
        w.pending = null;
        watcherCount--;
    }

    private void notifyReadable(List<HubStream> notify) {
        for (int i = 0, n = notify.size(); i < n; i++) {
            HubStream s = notify.get(i);
            try {
                s.onReadable.run();
            } catch (RuntimeException e) {
                log.warn("a watch stream's readable callback failed", e);
            }
        }
    }

    @Override
    public void close() {
        List<HubStream> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(streams);
            for (HubStream s : open) {
                s.closeLocked();
            }
            streams.clear();
            unsynced.clear();
            progressRequested.clear();
        } finally {
            lock.unlock();
        }
        for (HubStream s : open) {
            s.closeQueue();
        }
        stopping = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("watch hub thread {} did not stop within 10 s", t.getName());
            }
        }
    }

    @Override
    public String toString() {
        return "CatchUpWatchHub{" + stats() + ", lastDispatched=" + lastDispatchedRevision() + "}";
    }

    /** A response of a watcher that asked for fragments: split at {@link HubStream#poll} when too big. */
    private record Fragmentable(WatchResponse response) {
    }

    /** The {@link WatchStream}: request methods under the hub's lock, the queue under its own monitor. */
    final class HubStream implements WatchStream {
        final Runnable onReadable;

        // ---- guarded by the hub's lock
        /** Created with the first watcher: a stream costs little until it watches something. */
        private HashMap<Long, Watcher> watchers;
        private long nextAutoId;
        int unsyncedCount;
        private boolean closedLocked;

        // ---- guarded by this
        private final ResponseQueue queue = new ResponseQueue();
        /**
         * The most event responses queued: {@link WatchHubOptions#streamCapacity}, or two per watcher on a
         * stream with more watchers than that, so that a commit touching every watcher of a big stream
         * (a hot key) does not overflow it by construction. Still bounded, by the stream's watchers.
         * Written under the hub's lock and the monitor.
         */
        private int capacity = options.streamCapacity();
        private volatile boolean closed;
        /**
         * Set, with the monitor held, when a response of this stream was refused for want of room;
         * {@link #poll} clears it and wakes the hub once half the queue is free. Checking room and setting
         * it under the same monitor as poll is what makes the wake-up impossible to miss.
         */
        private boolean blocked;

        HubStream(Runnable onReadable) {
            this.onReadable = onReadable;
        }

        @Override
        public long watch(WatchRequest request) {
            Objects.requireNonNull(request, "request == null");
            KeyRange range = request.range();
            if (range.key().isEmpty()) {
                range = new KeyRange(Bytes.ZERO, range.rangeEnd()); // etcd: "\x00 is the smallest key"
            }
            ArrayList<HubStream> notify = new ArrayList<>(1);
            boolean wakeHub = false;
            long id;
            lock.lock();
            try {
                if (closedLocked) {
                    throw new IllegalStateException("watch stream is closed");
                }
                long rev = lastDispatched;
                String refusal = null;
                if (request.startRevision() < 0) {
                    refusal = WatchErrors.COMPACTED;
                } else if (!range.isSingleKey() && !range.isUnbounded() && range.key().compareTo(range.rangeEnd()) >= 0) {
                    refusal = WatchErrors.EMPTY_RANGE;
                } else if (request.watchId() != 0 && watchers != null && watchers.containsKey(request.watchId())) {
                    refusal = WatchErrors.DUPLICATE_ID;
                }
                if (refusal != null) {
                    offerControl(WatchResponse.createRefused(rev, refusal), notify);
                    id = WatchResponse.INVALID_WATCH_ID;
                } else {
                    if (watchers == null) {
                        watchers = new HashMap<>(4);
                    }
                    id = request.watchId() != 0 ? request.watchId() : autoId();
                    long start = request.startRevision();
                    boolean fromNow = start == 0 || start > rev;
                    Watcher w = new Watcher(id, this, range, flags(request), fromNow ? Math.max(start, rev + 1) : start);
                    watchers.put(id, w);
                    watcherCount++;
                    resize();
                    offerControl(WatchResponse.created(id, rev), notify);
                    if (fromNow) {
                        w.state = Watcher.SYNCED;
                        synced.add(w);
                    } else {
                        makeUnsynced(w);
                        wakeHub = true;
                    }
                    if (w.has(Watcher.PROGRESS_NOTIFY)) {
                        progressWatchers.add(w);
                    }
                }
            } finally {
                lock.unlock();
            }
            notifyReadable(notify);
            if (wakeHub) {
                wake();
            }
            return id;
        }

        /** etcd's auto watch ids: 0, 1, 2, … skipping ids in use. */
        private long autoId() {
            while (watchers.containsKey(nextAutoId)) {
                nextAutoId++;
            }
            return nextAutoId++;
        }

        private static byte flags(WatchRequest r) {
            int f = 0;
            f |= r.prevKv() ? Watcher.PREV_KV : 0;
            f |= r.noPut() ? Watcher.NO_PUT : 0;
            f |= r.noDelete() ? Watcher.NO_DELETE : 0;
            f |= r.progressNotify() ? Watcher.PROGRESS_NOTIFY : 0;
            f |= r.fragment() ? Watcher.FRAGMENT : 0;
            return (byte) f;
        }

        @Override
        public boolean cancel(long watchId) {
            ArrayList<HubStream> notify = new ArrayList<>(1);
            lock.lock();
            try {
                Watcher w = watchers == null ? null : watchers.remove(watchId);
                if (w == null) {
                    return false;
                }
                detach(w);
                resize();
                offerControl(WatchResponse.canceled(watchId, lastDispatched), notify);
            } finally {
                lock.unlock();
            }
            notifyReadable(notify);
            return true;
        }

        /** Removes {@code w} from whichever group holds it. Hub lock held. */
        private void detach(Watcher w) {
            if (w.state == Watcher.UNSYNCED) {
                unsynced.remove(w);
                unsyncedCount--;
            }
            forget(w);
        }

        void removeWatcher(long id) {
            if (watchers != null) {
                watchers.remove(id);
                resize();
            }
        }

        /** Recomputes {@link #capacity} from the watcher count. Hub lock held. */
        private void resize() {
            int n = watchers == null ? 0 : watchers.size();
            int c = (int) Math.min(Integer.MAX_VALUE / 2, Math.max((long) options.streamCapacity(), 2L * n));
            synchronized (this) {
                capacity = c;
            }
        }

        @Override
        public void requestProgress() {
            ArrayList<HubStream> notify = new ArrayList<>(1);
            boolean wakeHub = false;
            lock.lock();
            try {
                if (closedLocked) {
                    return;
                }
                if (unsyncedCount == 0) {
                    offerControl(WatchResponse.progress(WatchResponse.INVALID_WATCH_ID, lastDispatched), notify);
                } else {
                    progressRequested.add(this);
                    wakeHub = true;
                }
            } finally {
                lock.unlock();
            }
            notifyReadable(notify);
            if (wakeHub) {
                wake();
            }
        }

        @Override
        public WatchResponse poll() {
            WatchResponse r;
            boolean wakeHub = false;
            synchronized (this) {
                Object item = queue.pollFirst();
                if (item == null) {
                    return null;
                }
                r = item instanceof Fragmentable f ? fragment(f.response()) : (WatchResponse) item;
                if (blocked && queue.size() <= capacity / 2) {
                    blocked = false;
                    wakeHub = true;
                }
            }
            if (wakeHub) {
                wake();
            }
            return r;
        }

        /**
         * etcd's {@code sendFragments}: a response of at least {@code maxResponseBytes} with two events or
         * more goes out as pieces holding as many events as fit (at least one), each flagged
         * {@code fragment} but the last. The rest goes back to the head of the queue. Monitor held.
         */
        private WatchResponse fragment(WatchResponse r) {
            int max = options.maxResponseBytes();
            List<Event> events = r.events();
            if (events.size() < 2 || WireSize.of(r) < max) {
                return r;
            }
            int size = WireSize.of(r.withEvents(List.of(), true));
            int n = 0;
            while (n < events.size()) {
                int e = WireSize.of(events.get(n));
                int add = 1 + WireSize.varintSize(e) + e;
                if (n >= 1 && size + add >= max) {
                    break;
                }
                size += add;
                n++;
            }
            if (n == events.size()) {
                return r;
            }
            queue.addFirst(new Fragmentable(r.withEvents(events.subList(n, events.size()), false)));
            return r.withEvents(events.subList(0, n), true);
        }

        /**
         * Queues an event or per-watcher progress response if the queue has room; returns false (and marks
         * the stream blocked) when it is full. Adds this stream to {@code notify} when the queue was empty.
         * Hub lock held.
         */
        boolean tryOffer(Watcher w, WatchResponse r, List<HubStream> notify) {
            Object item = w.has(Watcher.FRAGMENT) && r.events().size() >= 2 ? new Fragmentable(r) : r;
            synchronized (this) {
                if (closed) {
                    return true; // nobody reads it any more
                }
                if (queue.size() >= capacity) {
                    blocked = true;
                    return false;
                }
                if (queue.isEmpty()) {
                    notify.add(this);
                }
                queue.addLast(item);
                return true;
            }
        }

        /** Queues a control response (created, canceled, requested progress) whatever the queue holds. */
        void offerControl(WatchResponse r, List<HubStream> notify) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (queue.isEmpty()) {
                    notify.add(this);
                }
                queue.addLast(r);
            }
        }

        /** True when an event response fits; otherwise marks the stream blocked. */
        synchronized boolean hasRoomElseBlock() {
            if (queue.size() < capacity) {
                return true;
            }
            blocked = true;
            return false;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public int watcherCount() {
            lock.lock();
            try {
                return watchers == null ? 0 : watchers.size();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closedLocked) {
                    return;
                }
                closeLocked();
                streams.remove(this);
            } finally {
                lock.unlock();
            }
            closeQueue();
        }

        /** Detaches every watcher. Hub lock held. */
        void closeLocked() {
            closedLocked = true;
            if (watchers != null) {
                for (Watcher w : watchers.values()) {
                    detach(w);
                }
                watchers = null;
            }
            progressRequested.remove(this);
        }

        /** Drops the queue and tells the consumer, which then sees {@link #isClosed()}. No lock held. */
        void closeQueue() {
            synchronized (this) {
                closed = true;
                queue.clear();
            }
            try {
                onReadable.run();
            } catch (RuntimeException e) {
                log.warn("a watch stream's readable callback failed", e);
            }
        }

        @Override
        public String toString() {
            return "WatchStream{watchers=" + watcherCount() + ", closed=" + closed + "}";
        }
    }
}
