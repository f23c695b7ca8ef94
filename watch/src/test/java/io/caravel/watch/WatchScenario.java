package io.caravel.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.store.Mutation;
import io.caravel.store.Op;
import io.caravel.store.PutRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.statistics.Statistics;

/**
 * One run of a random workload against a hub over a real RocksDB store, checked against the store's
 * full history (recorded by {@link StoreFixture}). Clients are modelled as etcd's clientv3 behaves: each
 * logical watcher remembers the revision to resume from (last event + 1, or a progress notification's
 * revision + 1, or the created revision + 1 for a watch "from now") and, when its stream breaks, is
 * re-created on a new stream from there. At the end every logical watcher must have received exactly
 * the events of its range from its start on, in order, each once, revisions whole, prevKv right; or, if
 * it was canceled, a prefix of them, the cancel being one it asked for or justified by compaction. Every
 * progress notification must cover only events already delivered.
 *
 * <p>{@link Mode#MANUAL} drives the hub by hand (catch-up rounds, progress ticks, consumer polls are
 * actions), so that a run is deterministic; {@link Mode#THREADED} runs the hub's thread and consumers
 * that drain on the readable callback, pausing and resuming at random.
 */
final class WatchScenario implements AutoCloseable {
    enum Mode { MANUAL, THREADED }

    static final List<String> KEYS = List.of("a", "b", "c", "d/1", "d/2", "d/3");
    static final List<KeyRange> RANGES = List.of(
            KeyRange.single(Bytes.of("a")),
            KeyRange.single(Bytes.of("d/2")),
            KeyRange.prefix(Bytes.of("d/")),
            new KeyRange(Bytes.of("b"), Bytes.of("d/2")),
            new KeyRange(Bytes.of("c"), Bytes.ZERO),
            new KeyRange(Bytes.ZERO, Bytes.ZERO));
    static final int STREAMS = 3;

    // ---- actions ----------------------------------------------------------------------------------

    sealed interface Action permits Put, Delete, DeletePrefix, Txn, Batch, Compact, Watch, Poll, Sync, ProgressTick,
            RequestProgress, BreakStream, Cancel, TogglePause, Reset {
    }

    record Put(int key, int value) implements Action {
    }

    record Delete(int key) implements Action {
    }

    record DeletePrefix() implements Action {
    }

    /** A txn of puts (value &ge; 0) and deletes (value &lt; 0) on distinct keys, one revision. */
    record Txn(List<Integer> keys, List<Integer> values) implements Action {
    }

    /** Several puts in one applied batch: several revisions in one commit. */
    record Batch(List<Integer> keys) implements Action {
    }

    /** Compacts at a fraction (per mille) of the way from the compact revision to the current one. */
    record Compact(int perMille) implements Action {
    }

    /**
     * @param startKind 0: from now; 1: {@code offset} revisions back (possibly compacted, at least 1);
     *                  2: {@code offset} revisions ahead
     */
    record Watch(int stream, int range, int startKind, int offset, boolean prevKv, boolean noPut,
                 boolean noDelete, boolean progressNotify) implements Action {
    }

    record Poll(int stream, int count) implements Action {
    }

    record Sync() implements Action {
    }

    record ProgressTick() implements Action {
    }

    record RequestProgress(int stream) implements Action {
    }

    /** The client loses the stream (unread responses too) and re-creates its watchers on a new one. */
    record BreakStream(int stream) implements Action {
    }

    record Cancel(int stream, int which) implements Action {
    }

    record TogglePause(int stream) implements Action {
    }

    /** As if a snapshot install had replaced the store (by an identical one): every watcher catches up. */
    record Reset() implements Action {
    }

    // ---- client model ----------------------------------------------------------------------------

    /** What one client-side watcher knows, across the incarnations that resumption creates. */
    static final class LogicalWatcher {
        final int number;
        final KeyRange range;
        final WatchRequest base;
        /** The first revision it must see: the requested start, or the first created revision + 1 for "now". */
        long start = -1;
        final List<Event> received = new ArrayList<>();
        /** (revision, events received before it) of every progress notification that covered it. */
        final List<long[]> progress = new ArrayList<>();
        long lastProgress;
        long lastEventRevision;
        boolean ended;
        long compactedAt;
        boolean cancelRequested;
        Incarnation current;

        LogicalWatcher(int number, KeyRange range, WatchRequest base) {
            this.number = number;
            this.range = range;
            this.base = base;
        }

        /** The revision etcd's client would resume from. */
        long resumeRevision() {
            return Math.max(start, Math.max(lastEventRevision + 1, lastProgress + 1));
        }

        @Override
        public String toString() {
            return "watcher#" + number + "{" + base + ", start=" + start + ", received=" + received.size()
                    + ", ended=" + ended + ", compactedAt=" + compactedAt + "}";
        }
    }

    /** One server-side watcher of a logical watcher. */
    static final class Incarnation {
        final LogicalWatcher owner;
        final long requestedStart;
        final long expectedCreatedRevision;
        /** The start was below the compact revision when the watch was created: it must be canceled. */
        final boolean startCompacted;
        boolean createdSeen;
        long lastResponseRevision;
        boolean gotEvents;

        Incarnation(LogicalWatcher owner, long requestedStart, long expectedCreatedRevision, boolean startCompacted) {
            this.owner = owner;
            this.requestedStart = requestedStart;
            this.expectedCreatedRevision = expectedCreatedRevision;
            this.startCompacted = startCompacted;
        }
    }

    /** One client stream slot: the current stream, its consumer and the watchers it carries. */
    final class Slot {
        WatchStream stream;
        Collector collector; // THREADED only
        final List<WatchResponse> got = new ArrayList<>(); // MANUAL only
        int processed;
        final Map<Long, Incarnation> byId = new HashMap<>();
        long lastHeader;
        boolean paused;

        void open() {
            if (mode == Mode.THREADED) {
                collector = Collector.open(hub);
                stream = collector.stream();
                if (paused) {
                    collector.pause();
                }
            } else {
                stream = hub.openStream(() -> { });
                got.clear();
            }
            processed = 0;
            byId.clear();
            lastHeader = 0;
        }

        List<WatchResponse> received() {
            return mode == Mode.THREADED ? collector.responses() : got;
        }

        /** Applies every response received since the last call to the client model. */
        void process() {
            List<WatchResponse> all = received();
            for (; processed < all.size(); processed++) {
                handle(this, all.get(processed));
            }
        }
    }

    // ---- the run ---------------------------------------------------------------------------------

    final Mode mode;
    final StoreFixture fx;
    final CatchUpWatchHub hub;
    final Slot[] slots = new Slot[STREAMS];
    final List<LogicalWatcher> watchers = new ArrayList<>();
    /** How often an action left some watcher unsynced (late start or slow consumer), for statistics. */
    int unsyncedSightings;
    int resumptions;

    WatchScenario(Mode mode, int streamCapacity, int syncBatchEvents) {
        this.mode = mode;
        this.fx = StoreFixture.inTempDir();
        WatchHubOptions options = WatchHubOptions.defaults()
                .withStreamCapacity(streamCapacity)
                .withSyncBatchEvents(syncBatchEvents)
                .withSyncInterval(Duration.ofMillis(5))
                .withProgressInterval(Duration.ofMillis(mode == Mode.THREADED ? 3 : 1_000_000));
        this.hub = new CatchUpWatchHub(fx.source(), options, mode == Mode.THREADED);
        fx.store.addCommitListener(hub);
        for (int i = 0; i < STREAMS; i++) {
            slots[i] = new Slot();
            slots[i].open();
        }
    }

    void run(List<Action> actions) throws InterruptedException {
        for (Action a : actions) {
            step(a);
            if (hub.stats().unsynced() > 0) {
                unsyncedSightings++;
            }
        }
        finish();
        check();
        Statistics.label("events delivered").collect(bucket(watchers.stream().mapToInt(w -> w.received.size()).sum()));
        Statistics.label("watchers canceled by compaction").collect(watchers.stream().filter(w -> w.compactedAt > 0).count() > 0);
        Statistics.label("progress notifications checked").collect(bucket(watchers.stream().mapToInt(w -> w.progress.size()).sum()));
        Statistics.label("resumptions").collect(resumptions > 0);
        Statistics.label("actions leaving watchers unsynced").collect(bucket(unsyncedSightings));
        Statistics.label("watchers moved aside for a full queue").collect(bucket(hub.stats().movedAside()));
    }

    private void step(Action a) {
        if (a instanceof Put p) {
            fx.put(KEYS.get(p.key()), "v" + p.value());
        } else if (a instanceof Delete d) {
            fx.delete(KEYS.get(d.key()));
        } else if (a instanceof DeletePrefix) {
            fx.deletePrefix("d/");
        } else if (a instanceof Txn t) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < t.keys().size(); i++) {
                Bytes key = Bytes.of(KEYS.get(t.keys().get(i)));
                int v = t.values().get(i);
                ops.add(v >= 0 ? PutRequest.of(key, Bytes.of("t" + v)) : DeleteRangeRequest.key(key));
            }
            fx.txn(ops.toArray(Op[]::new));
        } else if (a instanceof Batch b) {
            List<Mutation> ms = new ArrayList<>();
            for (int k : b.keys()) {
                ms.add(PutRequest.of(KEYS.get(k), "b" + ms.size()));
            }
            fx.apply(ms.toArray(Mutation[]::new));
        } else if (a instanceof Compact c) {
            long compact = fx.store.compactRevision();
            long current = fx.revision();
            if (current > compact) {
                fx.compact(compact + 1 + (current - compact - 1) * c.perMille() / 1000);
            }
        } else if (a instanceof Watch w) {
            watch(w);
        } else if (a instanceof Poll p) {
            if (mode == Mode.MANUAL) {
                Slot s = slots[p.stream()];
                s.got.addAll(Drain.some(s.stream, p.count()));
                s.process();
            }
        } else if (a instanceof Sync) {
            if (mode == Mode.MANUAL) {
                hub.syncRound();
            }
        } else if (a instanceof ProgressTick) {
            if (mode == Mode.MANUAL) {
                hub.progressTick();
            }
        } else if (a instanceof RequestProgress r) {
            slots[r.stream()].stream.requestProgress();
        } else if (a instanceof BreakStream b) {
            breakStream(slots[b.stream()]);
        } else if (a instanceof Cancel c) {
            cancel(slots[c.stream()], c.which());
        } else if (a instanceof TogglePause t) {
            Slot s = slots[t.stream()];
            if (mode == Mode.THREADED) {
                s.paused = !s.paused;
                if (s.paused) {
                    s.collector.pause();
                } else {
                    s.collector.resume();
                }
            }
        } else if (a instanceof Reset) {
            hub.reset();
        } else {
            throw new IllegalArgumentException("unknown action " + a);
        }
    }

    private void watch(Watch w) {
        KeyRange range = RANGES.get(w.range());
        WatchRequest base = WatchRequest.of(range).withFilters(w.noPut(), w.noDelete());
        if (w.prevKv()) {
            base = base.withPrevKv();
        }
        if (w.progressNotify()) {
            base = base.withProgressNotify();
        }
        long current = fx.revision();
        long start = switch (w.startKind()) {
            case 0 -> 0;
            case 1 -> Math.max(1, current - w.offset());
            default -> current + w.offset();
        };
        LogicalWatcher lw = new LogicalWatcher(watchers.size(), range, base);
        if (start > 0) {
            lw.start = start;
        }
        watchers.add(lw);
        create(slots[w.stream()], lw, start);
    }

    private void create(Slot slot, LogicalWatcher lw, long start) {
        boolean compacted = start > 0 && start < fx.store.compactRevision();
        Incarnation inc = new Incarnation(lw, start, fx.revision(), compacted);
        lw.current = inc;
        long id = slot.stream.watch(lw.base.fromRevision(start));
        assertThat(id).as("watch id").isGreaterThanOrEqualTo(0);
        slot.byId.put(id, inc);
    }

    private void breakStream(Slot slot) {
        if (mode == Mode.THREADED) {
            slot.collector.pause(); // what it has read so far is all the client got
        }
        slot.process();
        List<Incarnation> survivors = new ArrayList<>();
        for (Incarnation inc : slot.byId.values()) {
            LogicalWatcher lw = inc.owner;
            if (lw.current == inc && !lw.ended && !lw.cancelRequested) {
                survivors.add(inc);
            } else if (lw.current == inc && lw.cancelRequested) {
                lw.ended = true; // the cancel is as good as done: the client stops watching
            }
        }
        slot.stream.close();
        slot.open();
        survivors.sort((x, y) -> Integer.compare(x.owner.number, y.owner.number));
        for (Incarnation inc : survivors) {
            LogicalWatcher lw = inc.owner;
            // clientv3: a watcher whose created response never came is re-requested as it was first asked.
            long resume = lw.start < 0 ? 0 : lw.resumeRevision();
            create(slot, lw, resume);
            resumptions++;
        }
    }

    private void cancel(Slot slot, int which) {
        List<Map.Entry<Long, Incarnation>> live = new ArrayList<>();
        for (Map.Entry<Long, Incarnation> e : slot.byId.entrySet()) {
            LogicalWatcher lw = e.getValue().owner;
            if (lw.current == e.getValue() && !lw.ended && !lw.cancelRequested) {
                live.add(e);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        live.sort(Map.Entry.comparingByKey());
        Map.Entry<Long, Incarnation> victim = live.get(which % live.size());
        victim.getValue().owner.cancelRequested = true;
        slot.stream.cancel(victim.getKey());
    }

    // ---- responses -----------------------------------------------------------------------------

    private void handle(Slot slot, WatchResponse r) {
        assertThat(r.revision()).as("header revisions never go back on a stream: %s", r)
                .isGreaterThanOrEqualTo(slot.lastHeader);
        slot.lastHeader = r.revision();
        assertThat(r.fragment()).as("nobody asked for fragments").isFalse();
        if (r.watchId() == WatchResponse.INVALID_WATCH_ID) {
            assertThat(r.isProgressNotify()).as("only progress uses watch id -1 here: %s", r).isTrue();
            for (Incarnation inc : slot.byId.values()) {
                LogicalWatcher lw = inc.owner;
                if (inc.createdSeen && lw.current == inc && !lw.ended) {
                    recordProgress(lw, r.revision());
                }
            }
            return;
        }
        Incarnation inc = slot.byId.get(r.watchId());
        assertThat(inc).as("a response for an unknown watch id: %s", r).isNotNull();
        LogicalWatcher lw = inc.owner;
        if (r.created()) {
            assertThat(inc.createdSeen).as("two created responses: %s", r).isFalse();
            assertThat(r.canceled()).isFalse();
            assertThat(r.revision()).as("created revision = current revision").isEqualTo(inc.expectedCreatedRevision);
            inc.createdSeen = true;
            if (lw.start < 0) {
                lw.start = r.revision() + 1;
            }
            return;
        }
        assertThat(inc.createdSeen).as("a response before created: %s", r).isTrue();
        assertThat(lw.ended).as("a response after the end of %s: %s", lw, r).isFalse();
        if (r.canceled()) {
            lw.ended = true;
            if (r.compactRevision() > 0) {
                assertThat(r.cancelReason()).isEqualTo(WatchErrors.COMPACTED);
                assertThat(r.compactRevision()).isLessThanOrEqualTo(fx.store.compactRevision());
                long needed = Math.max(Math.max(inc.requestedStart, lw.start),
                        Math.max(lw.lastEventRevision + 1, lw.lastProgress + 1));
                assertThat(needed).as("canceled for compaction, but it had everything before %s: %s", r, lw)
                        .isLessThan(r.compactRevision());
                lw.compactedAt = r.compactRevision();
            } else {
                assertThat(lw.cancelRequested).as("canceled without asking: %s", r).isTrue();
            }
            return;
        }
        assertThat(inc.startCompacted).as("a compacted start must be canceled, got %s", r).isFalse();
        if (r.isProgressNotify()) {
            recordProgress(lw, r.revision());
            return;
        }
        List<Event> events = r.events();
        assertThat(events.get(0).revision()).as("revisions strictly after the previous response's (%s)", r)
                .isGreaterThan(lw.lastEventRevision);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).revision()).isGreaterThanOrEqualTo(events.get(i - 1).revision());
        }
        assertThat(r.revision()).as("header covers the events").isGreaterThanOrEqualTo(r.lastRevision());
        lw.received.addAll(events);
        lw.lastEventRevision = r.lastRevision();
        inc.gotEvents = true;
    }

    private static void recordProgress(LogicalWatcher lw, long revision) {
        lw.progress.add(new long[] {revision, lw.received.size()});
        lw.lastProgress = Math.max(lw.lastProgress, revision);
    }

    // ---- the end ---------------------------------------------------------------------------------

    /** Lets every consumer read everything and the hub catch everyone up. */
    private void finish() throws InterruptedException {
        if (mode == Mode.MANUAL) {
            for (int round = 0; round < 100_000; round++) {
                boolean any = false;
                for (Slot s : slots) {
                    List<WatchResponse> more = Drain.all(s.stream);
                    any |= !more.isEmpty();
                    s.got.addAll(more);
                    s.process();
                }
                int outcome = hub.syncRound();
                if (!any && outcome == CatchUpWatchHub.IDLE) {
                    break;
                }
            }
            assertThat(hub.stats().unsynced()).as("everyone caught up").isZero();
        } else {
            // A progress notification for the whole stream at the last revision, answered once every
            // watcher of the stream is synced, says that each one has everything queued.
            long last = fx.revision();
            long[] before = new long[STREAMS];
            for (int i = 0; i < STREAMS; i++) {
                Slot s = slots[i];
                s.paused = false;
                s.collector.resume();
                before[i] = streamProgressCount(s.collector.responses());
                s.stream.requestProgress();
            }
            for (int i = 0; i < STREAMS; i++) {
                Slot s = slots[i];
                long seen = before[i];
                List<WatchResponse> rs = s.collector.await(got -> streamProgressCount(got) > seen, Duration.ofSeconds(60));
                WatchResponse answer = rs.stream().filter(r -> r.watchId() == -1 && r.isProgressNotify())
                        .skip(seen).findFirst().orElseThrow();
                assertThat(answer.revision()).isEqualTo(last);
                s.process();
            }
        }
    }

    private static String bucket(long n) {
        return n == 0 ? "0" : n < 10 ? "1-9" : n < 100 ? "10-99" : "100+";
    }

    private static long streamProgressCount(List<WatchResponse> rs) {
        return rs.stream().filter(r -> r.watchId() == -1 && r.isProgressNotify()).count();
    }

    private void check() {
        List<Event> history = fx.history();
        long compact = fx.store.compactRevision();
        for (LogicalWatcher lw : watchers) {
            if (lw.start < 0) {
                // Its stream broke before the created response and... every live incarnation gets one.
                assertThat(lw.ended).as("%s never saw created", lw).isTrue();
                assertThat(lw.received).isEmpty();
                continue;
            }
            List<Event> expected = new ArrayList<>();
            for (Event e : history) {
                if (e.revision() >= lw.start && lw.range.contains(e.kv().key()) && accepts(lw.base, e)) {
                    expected.add(e);
                }
            }
            if (lw.ended) {
                assertThat(lw.received.size()).as("%s got more than its range had", lw).isLessThanOrEqualTo(expected.size());
            } else {
                assertThat(lw.received.size()).as("%s: got %s, expected %s", lw, lw.received, expected)
                        .isEqualTo(expected.size());
            }
            for (int i = 0; i < lw.received.size(); i++) {
                assertSameEvent(lw, lw.received.get(i), expected.get(i), compact);
            }
            for (long[] p : lw.progress) {
                long covered = expected.stream().filter(e -> e.revision() <= p[0]).count();
                assertThat(p[1]).as("%s: progress at %s after %s events, but %s events are at or below it",
                        lw, p[0], p[1], covered).isGreaterThanOrEqualTo(covered);
            }
        }
    }

    private static boolean accepts(WatchRequest r, Event e) {
        return e.type() == Event.Type.PUT ? !r.noPut() : !r.noDelete();
    }

    private static void assertSameEvent(LogicalWatcher lw, Event got, Event want, long compact) {
        assertThat(got.type()).as("%s: %s vs %s", lw, got, want).isEqualTo(want.type());
        assertThat(got.kv()).as("%s: %s vs %s", lw, got, want).isEqualTo(want.kv());
        if (!lw.base.prevKv()) {
            assertThat(got.prevKv()).as("%s: unasked prevKv in %s", lw, got).isNull();
        } else if (got.prevKv() == null) {
            // Read from history once the previous version was compacted away (etcd skips it too).
            assertThat(want.prevKv() == null || got.revision() - 1 < compact)
                    .as("%s: prevKv missing in %s, want %s", lw, got, want).isTrue();
        } else {
            assertThat(got.prevKv()).as("%s: prevKv of %s", lw, got).isEqualTo(want.prevKv());
        }
    }

    @Override
    public void close() {
        hub.close();
        fx.close();
    }

    @Override
    public String toString() {
        return "WatchScenario{" + mode + ", " + Objects.toString(hub) + "}";
    }
}
