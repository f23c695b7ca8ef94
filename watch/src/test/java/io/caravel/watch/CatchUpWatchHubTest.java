package io.caravel.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.Bytes;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.Event;
import io.caravel.store.EventBatch;
import io.caravel.store.KeyRange;
import io.caravel.store.KvError;
import io.caravel.store.PutRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's behaviours one by one, against a real RocksDB store. Most tests drive the hub by hand
 * ({@link CatchUpWatchHub#syncRound}, {@link CatchUpWatchHub#progressTick}) so that every step is
 * deterministic; the last ones run its thread.
 */
@Timeout(60)
class CatchUpWatchHubTest {
    private static final String COMPACTED = KvError.COMPACTED.message();

    private StoreFixture fx;
    private CatchUpWatchHub hub;

    @BeforeEach
    void open() {
        fx = StoreFixture.inTempDir();
    }

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close();
        }
        fx.close();
    }

    private CatchUpWatchHub manualHub(WatchHubOptions options) {
        hub = new CatchUpWatchHub(fx.source(), options, false);
        fx.store.addCommitListener(hub);
        return hub;
    }

    private CatchUpWatchHub manualHub() {
        return manualHub(WatchHubOptions.defaults());
    }

    private static String fmt(Event e) {
        String s = e.type() + " " + e.kv().key().toStringUtf8()
                + (e.type() == Event.Type.PUT ? "=" + e.kv().value().toStringUtf8() : "") + "@" + e.revision();
        if (e.prevKv() != null) {
            s += " prev=" + e.prevKv().value().toStringUtf8() + "@" + e.prevKv().modRevision();
        }
        return s;
    }

    private static List<String> events(List<WatchResponse> responses) {
        List<String> out = new ArrayList<>();
        for (WatchResponse r : responses) {
            r.events().forEach(e -> out.add(fmt(e)));
        }
        return out;
    }

    private static List<String> events(List<WatchResponse> responses, long watchId) {
        return events(responses.stream().filter(r -> r.watchId() == watchId).toList());
    }

    /** Runs catch-up rounds until nothing advances. */
    private void syncAll() {
        for (int i = 0; i < 1_000 && hub.syncRound() == CatchUpWatchHub.PROGRESSED; i++) {
            // keep going
        }
    }

    // ---- create ---------------------------------------------------------------------------------

    @Test
    void createdCarriesTheCurrentRevisionAndEtcdsAutoIds() {
        manualHub();
        fx.put("a", "1");
        fx.put("b", "1");
        WatchStream s = hub.openStream(() -> { });

        assertThat(s.watch(WatchRequest.key("a"))).isEqualTo(0);
        assertThat(s.watch(WatchRequest.key("a"))).isEqualTo(1);
        assertThat(s.watch(WatchRequest.key("a").withWatchId(3))).isEqualTo(3);
        assertThat(s.watch(WatchRequest.key("a"))).isEqualTo(2);
        assertThat(s.watch(WatchRequest.key("a"))).isEqualTo(4); // 3 is taken

        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs).extracting(WatchResponse::watchId).containsExactly(0L, 1L, 3L, 2L, 4L);
        assertThat(rs).allSatisfy(r -> {
            assertThat(r.created()).isTrue();
            assertThat(r.canceled()).isFalse();
            assertThat(r.revision()).isEqualTo(3);
            assertThat(r.events()).isEmpty();
        });
        assertThat(s.watcherCount()).isEqualTo(5);
    }

    @Test
    void refusedCreatesAreCreatedAndCanceledWithEtcdsReasons() {
        manualHub();
        fx.put("a", "1");
        WatchStream s = hub.openStream(() -> { });
        s.watch(WatchRequest.key("a").withWatchId(7));

        assertThat(s.watch(WatchRequest.key("a").withWatchId(7))).isEqualTo(-1);
        assertThat(s.watch(WatchRequest.key("a").fromRevision(-1))).isEqualTo(-1);
        assertThat(s.watch(WatchRequest.of(new KeyRange(Bytes.of("b"), Bytes.of("a"))))).isEqualTo(-1);
        assertThat(s.watch(WatchRequest.of(new KeyRange(Bytes.of("b"), Bytes.of("b"))))).isEqualTo(-1);

        List<WatchResponse> rs = Drain.all(s).subList(1, 5);
        assertThat(rs).allSatisfy(r -> {
            assertThat(r.created()).isTrue();
            assertThat(r.canceled()).isTrue();
            assertThat(r.watchId()).isEqualTo(-1);
            assertThat(r.revision()).isEqualTo(2);
        });
        assertThat(rs).extracting(WatchResponse::cancelReason).containsExactly(
                "mvcc: duplicate watch ID provided on the WatchStream", COMPACTED,
                "mvcc: watcher range is empty", "mvcc: watcher range is empty");
        assertThat(s.watcherCount()).isEqualTo(1);
    }

    @Test
    void anEmptyKeyIsTheZeroKeyAsInEtcd() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        s.watch(WatchRequest.of(new KeyRange(Bytes.EMPTY, Bytes.ZERO))); // every key
        s.watch(WatchRequest.of(new KeyRange(Bytes.EMPTY, Bytes.EMPTY))); // the key "\0"
        fx.put("a", "1");
        fx.apply(PutRequest.of(Bytes.ZERO, Bytes.of("z")));
        List<WatchResponse> rs = Drain.all(s);
        assertThat(events(rs, 0)).containsExactly("PUT a=1@2", "PUT \0=z@3");
        assertThat(events(rs, 1)).containsExactly("PUT \0=z@3");
    }

    // ---- matching -------------------------------------------------------------------------------

    @Test
    void keyRangePrefixAndFromKeyWatchersSeeExactlyTheirKeys() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long key = s.watch(WatchRequest.key("b"));
        long prefix = s.watch(WatchRequest.prefix("b"));
        long range = s.watch(WatchRequest.of(new KeyRange(Bytes.of("a"), Bytes.of("b1"))));
        long fromKey = s.watch(WatchRequest.of(new KeyRange(Bytes.of("b1"), Bytes.ZERO)));
        long sameKey = s.watch(WatchRequest.key("b"));
        Drain.all(s);

        fx.put("a", "1");
        fx.put("b", "1");
        fx.put("b1", "1");
        fx.put("bz", "1");
        fx.put("c", "1");
        fx.delete("b");
        List<WatchResponse> rs = Drain.all(s);

        assertThat(events(rs, key)).containsExactly("PUT b=1@3", "DELETE b@7");
        assertThat(events(rs, sameKey)).containsExactly("PUT b=1@3", "DELETE b@7");
        assertThat(events(rs, prefix)).containsExactly("PUT b=1@3", "PUT b1=1@4", "PUT bz=1@5", "DELETE b@7");
        assertThat(events(rs, range)).containsExactly("PUT a=1@2", "PUT b=1@3", "DELETE b@7");
        assertThat(events(rs, fromKey)).containsExactly("PUT b1=1@4", "PUT bz=1@5", "PUT c=1@6");
        assertThat(rs).allSatisfy(r -> assertThat(r.revision()).isEqualTo(r.lastRevision()));
    }

    @Test
    void aTxnsEventsArriveInOneResponseInOpOrder() {
        manualHub();
        fx.put("p/c", "0");
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.prefix("p/"));
        Drain.all(s);

        fx.txn(PutRequest.of("p/b", "1"), PutRequest.of("p/a", "1"), DeleteRangeRequest.key(Bytes.of("p/c")));
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs).hasSize(1);
        assertThat(events(rs, id)).containsExactly("PUT p/b=1@3", "PUT p/a=1@3", "DELETE p/c@3");
    }

    @Test
    void aBatchOfSeveralRevisionsIsOneResponseOfWholeRevisions() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.prefix("k"));
        Drain.all(s);
        fx.apply(PutRequest.of("k1", "a"), PutRequest.of("x", "a"), PutRequest.of("k2", "a"));
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).revision()).isEqualTo(4);
        assertThat(events(rs, id)).containsExactly("PUT k1=a@2", "PUT k2=a@4");
    }

    @Test
    void filtersDropPutsOrDeletes() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long noPut = s.watch(WatchRequest.key("a").withFilters(true, false));
        long noDelete = s.watch(WatchRequest.key("a").withFilters(false, true));
        long both = s.watch(WatchRequest.key("a").withFilters(true, true));
        Drain.all(s);
        fx.put("a", "1");
        fx.delete("a");
        List<WatchResponse> rs = Drain.all(s);
        assertThat(events(rs, noPut)).containsExactly("DELETE a@3");
        assertThat(events(rs, noDelete)).containsExactly("PUT a=1@2");
        assertThat(events(rs, both)).isEmpty();
        assertThat(rs).noneMatch(r -> r.watchId() == both);
    }

    @Test
    void prevKvOnlyWhenAskedLiveAndFromHistory() {
        manualHub();
        fx.put("a", "1");
        fx.put("a", "2");
        fx.delete("a");
        WatchStream s = hub.openStream(() -> { });
        long with = s.watch(WatchRequest.key("a").fromRevision(2).withPrevKv());
        long without = s.watch(WatchRequest.key("a").fromRevision(2));
        syncAll();
        fx.put("a", "3");
        fx.put("a", "4");
        List<WatchResponse> rs = Drain.all(s);
        assertThat(events(rs, with)).containsExactly(
                "PUT a=1@2", "PUT a=2@3 prev=1@2", "DELETE a@4 prev=2@3", "PUT a=3@5", "PUT a=4@6 prev=3@5");
        assertThat(events(rs, without)).containsExactly("PUT a=1@2", "PUT a=2@3", "DELETE a@4", "PUT a=3@5", "PUT a=4@6");
    }

    // ---- start revisions ------------------------------------------------------------------------

    @Test
    void startRevisionIsInclusiveAndZeroMeansFromNow() {
        manualHub();
        fx.put("a", "1");
        fx.put("a", "2");
        fx.put("b", "1");
        fx.put("a", "3");
        WatchStream s = hub.openStream(() -> { });
        long past = s.watch(WatchRequest.key("a").fromRevision(3));
        long now = s.watch(WatchRequest.key("a"));
        long current = s.watch(WatchRequest.key("a").fromRevision(5));
        assertThat(hub.stats().unsynced()).isEqualTo(2);
        syncAll();
        assertThat(hub.stats().unsynced()).isZero();
        fx.put("a", "4");
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs.get(0).created()).isTrue();
        assertThat(rs.get(0).revision()).isEqualTo(5);
        assertThat(events(rs, past)).containsExactly("PUT a=2@3", "PUT a=3@5", "PUT a=4@6");
        assertThat(events(rs, now)).containsExactly("PUT a=4@6");
        assertThat(events(rs, current)).containsExactly("PUT a=3@5", "PUT a=4@6");
    }

    @Test
    void aFutureStartRevisionSkipsEverythingBeforeIt() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.key("a").fromRevision(4));
        assertThat(hub.stats().unsynced()).isZero();
        fx.put("a", "1");
        fx.put("a", "2");
        fx.put("a", "3");
        fx.put("a", "4");
        assertThat(events(Drain.all(s), id)).containsExactly("PUT a=3@4", "PUT a=4@5");
    }

    @Test
    void historyIsReadInBoundedBatchesOfWholeRevisions() {
        List<Long> reads = new ArrayList<>();
        EventSource counting = new EventSource() {
            @Override
            public EventBatch events(long from, long to, int max, boolean prevKv) {
                reads.add(from);
                return fx.store.events(from, to, max, prevKv);
            }

            @Override
            public long currentRevision() {
                return fx.store.currentRevision();
            }

            @Override
            public long compactRevision() {
                return fx.store.compactRevision();
            }
        };
        fx.txn(PutRequest.of("k1", "a"), PutRequest.of("k2", "a"), PutRequest.of("k3", "a")); // 3 events at 2
        for (int i = 0; i < 5; i++) {
            fx.put("k" + i, "b"); // 3..7
        }
        hub = new CatchUpWatchHub(counting, WatchHubOptions.defaults().withSyncBatchEvents(2), false);
        fx.store.addCommitListener(hub);
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.prefix("k").fromRevision(1));
        syncAll();
        List<WatchResponse> rs = Drain.all(s);
        assertThat(reads).containsExactly(1L, 3L, 5L, 7L);
        assertThat(rs.subList(1, rs.size())).extracting(WatchResponse::firstRevision).containsExactly(2L, 3L, 5L, 7L);
        assertThat(events(rs, id)).hasSize(8);
        assertThat(rs.get(1).events()).hasSize(3);
    }

    @Test
    void aWatcherFarBehindTakesTurnsWithTheOthers() {
        manualHub(WatchHubOptions.defaults().withSyncBatchEvents(5));
        for (int i = 0; i < 50; i++) {
            fx.put("k", "v" + i); // 2..51
        }
        WatchStream far = hub.openStream(() -> { });
        WatchStream near = hub.openStream(() -> { });
        far.watch(WatchRequest.key("k").fromRevision(1));
        long id = near.watch(WatchRequest.key("k").fromRevision(46));
        for (int round = 0; round < 4; round++) {
            hub.syncRound(); // far, near, far, near
            Drain.all(far);
        }
        assertThat(hub.stats().unsynced()).isEqualTo(1); // only the far one is still catching up
        assertThat(events(Drain.all(near), id)).hasSize(6).first().isEqualTo("PUT k=v44@46");
        syncAll();
        assertThat(hub.stats().unsynced()).isZero();
    }

    // ---- compaction -----------------------------------------------------------------------------

    @Test
    void aCompactedStartRevisionIsCanceledWithTheCompactRevision() {
        manualHub();
        for (int i = 0; i < 5; i++) {
            fx.put("a", "" + i); // 2..6
        }
        fx.compact(4);
        WatchStream s = hub.openStream(() -> { });
        long below = s.watch(WatchRequest.key("a").fromRevision(3));
        long at = s.watch(WatchRequest.key("a").fromRevision(4));
        syncAll();
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs.get(0).created()).isTrue();
        WatchResponse cancel = rs.stream().filter(r -> r.watchId() == below && r.canceled()).findFirst().orElseThrow();
        assertThat(cancel.compactRevision()).isEqualTo(4);
        assertThat(cancel.cancelReason()).isEqualTo(COMPACTED);
        assertThat(cancel.revision()).isEqualTo(6);
        assertThat(events(rs, below)).isEmpty();
        assertThat(events(rs, at)).containsExactly("PUT a=2@4", "PUT a=3@5", "PUT a=4@6");
        assertThat(s.watcherCount()).isEqualTo(1);
        assertThat(hub.stats().watchers()).isEqualTo(1);
    }

    // ---- slow consumers -------------------------------------------------------------------------

    @Test
    void aSlowConsumerIsMovedAsideAndCaughtUpWithoutStallingApplyOrOthers() {
        manualHub(WatchHubOptions.defaults().withStreamCapacity(4));
        WatchStream slow = hub.openStream(() -> { });
        WatchStream fast = hub.openStream(() -> { });
        long slowId = slow.watch(WatchRequest.prefix("k"));
        long otherSlowId = slow.watch(WatchRequest.key("k3"));
        long fastId = fast.watch(WatchRequest.prefix("k"));
        List<WatchResponse> fastGot = new ArrayList<>(Drain.all(fast));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long rev = fx.put("k" + (i % 5), "v" + i);
            expected.add("PUT k" + (i % 5) + "=v" + i + "@" + rev);
            fastGot.addAll(Drain.all(fast));
        }
        assertThat(events(fastGot, fastId)).isEqualTo(expected);
        assertThat(hub.stats().unsynced()).isEqualTo(2);
        assertThat(hub.stats().movedAside()).isEqualTo(2);

        List<WatchResponse> slowGot = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            slowGot.addAll(Drain.some(slow, 2)); // a consumer that reads two at a time
            hub.syncRound();
        }
        slowGot.addAll(Drain.all(slow));
        assertThat(hub.stats().unsynced()).isZero();
        assertThat(events(slowGot, slowId)).isEqualTo(expected);
        assertThat(events(slowGot, otherSlowId)).isEqualTo(expected.stream().filter(e -> e.startsWith("PUT k3=")).toList());

        long rev = fx.put("k1", "live");
        assertThat(events(Drain.all(slow), slowId)).containsExactly("PUT k1=live@" + rev);
    }

    @Test
    void aWatcherLeftBehindACompactionIsCanceledWithTheCompactRevision() {
        manualHub(WatchHubOptions.defaults().withStreamCapacity(2));
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.key("a"));
        for (int i = 0; i < 6; i++) {
            fx.put("a", "" + i); // 2..7; the queue holds created and 2@2, then the watcher falls behind at 3
        }
        fx.compact(5);
        hub.syncRound();
        List<WatchResponse> rs = Drain.all(s);
        assertThat(events(rs, id)).containsExactly("PUT a=0@2");
        WatchResponse last = rs.get(rs.size() - 1);
        assertThat(last.canceled()).isTrue();
        assertThat(last.compactRevision()).isEqualTo(5);
        assertThat(last.cancelReason()).isEqualTo(COMPACTED);
        assertThat(s.watcherCount()).isZero();
    }

    @Test
    void theReadableCallbackFiresWhenAnEmptyQueueGetsAResponse() {
        manualHub();
        Drain.Counter readable = new Drain.Counter();
        WatchStream s = hub.openStream(readable);
        s.watch(WatchRequest.key("a"));
        assertThat(readable.calls.get()).isEqualTo(1);
        fx.put("a", "1");
        assertThat(readable.calls.get()).isEqualTo(1); // the queue was not empty
        Drain.all(s);
        fx.put("a", "2");
        assertThat(readable.calls.get()).isEqualTo(2);
        fx.put("b", "2");
        assertThat(readable.calls.get()).isEqualTo(2);
    }

    // ---- progress -------------------------------------------------------------------------------

    @Test
    void progressNotificationsGoToSyncedWatchersThatAskedAndGotNoEvent() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long asked = s.watch(WatchRequest.key("a").withProgressNotify());
        s.watch(WatchRequest.key("a"));
        Drain.all(s);
        fx.put("b", "1");

        hub.progressTick();
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).watchId()).isEqualTo(asked);
        assertThat(rs.get(0).isProgressNotify()).isTrue();
        assertThat(rs.get(0).revision()).isEqualTo(2);

        fx.put("a", "1");
        Drain.all(s);
        hub.progressTick(); // elided: it got an event since the last tick
        assertThat(Drain.all(s)).isEmpty();
        hub.progressTick();
        assertThat(Drain.all(s)).singleElement().satisfies(r -> {
            assertThat(r.isProgressNotify()).isTrue();
            assertThat(r.revision()).isEqualTo(3);
        });
    }

    @Test
    void aRequestedProgressIsAnsweredWithWatchIdMinusOneOnceEveryWatcherIsSynced() {
        manualHub();
        fx.put("a", "1");
        fx.put("a", "2");
        WatchStream s = hub.openStream(() -> { });
        s.requestProgress(); // no watcher: all synced
        assertThat(Drain.all(s)).singleElement().satisfies(r -> {
            assertThat(r.watchId()).isEqualTo(-1);
            assertThat(r.isProgressNotify()).isTrue();
            assertThat(r.revision()).isEqualTo(3);
        });

        long id = s.watch(WatchRequest.key("a").fromRevision(2));
        s.requestProgress();
        s.requestProgress();
        assertThat(Drain.all(s)).singleElement().satisfies(r -> assertThat(r.created()).isTrue());
        fx.put("a", "3");
        assertThat(Drain.all(s)).isEmpty(); // unsynced: no event, no progress yet
        syncAll();
        List<WatchResponse> rs = Drain.all(s);
        assertThat(events(rs, id)).containsExactly("PUT a=1@2", "PUT a=2@3", "PUT a=3@4");
        WatchResponse last = rs.get(rs.size() - 1);
        assertThat(last.watchId()).isEqualTo(-1);
        assertThat(last.isProgressNotify()).isTrue();
        assertThat(last.revision()).isEqualTo(4);
        assertThat(rs.stream().filter(WatchResponse::isProgressNotify)).hasSize(1);
    }

    // ---- cancel and close -----------------------------------------------------------------------

    @Test
    void cancelQueuesCanceledAfterWhatIsQueuedAndStopsEvents() {
        manualHub();
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.key("a"));
        fx.put("a", "1");
        assertThat(s.cancel(id)).isTrue();
        assertThat(s.cancel(id)).isFalse();
        assertThat(s.cancel(42)).isFalse();
        fx.put("a", "2");
        List<WatchResponse> rs = Drain.all(s);
        assertThat(rs).hasSize(3);
        assertThat(rs.get(1).events()).hasSize(1);
        assertThat(rs.get(2).canceled()).isTrue();
        assertThat(rs.get(2).compactRevision()).isZero();
        assertThat(rs.get(2).cancelReason()).isEmpty();
        assertThat(hub.stats().watchers()).isZero();
    }

    @Test
    void closingAStreamRemovesItsWatchersAndTellsTheConsumer() {
        manualHub();
        Drain.Counter readable = new Drain.Counter();
        WatchStream s = hub.openStream(readable);
        s.watch(WatchRequest.key("a"));
        s.watch(WatchRequest.key("a").fromRevision(1));
        s.close();
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(s.poll()).isNull();
        assertThat(readable.calls.get()).isEqualTo(2);
        assertThat(hub.stats()).isEqualTo(new WatchHub.Stats(0, 0, 0, 0));
        fx.put("a", "1");
        assertThatThrownBy(() -> s.watch(WatchRequest.key("a"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheHubClosesItsStreamsAndIgnoresLaterCommits() {
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults());
        fx.store.addCommitListener(hub);
        Drain.Counter readable = new Drain.Counter();
        WatchStream s = hub.openStream(readable);
        s.watch(WatchRequest.key("a"));
        hub.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(readable.calls.get()).isEqualTo(2);
        fx.put("a", "1");
        assertThat(s.poll()).isNull();
        assertThatThrownBy(() -> hub.openStream(() -> { })).isInstanceOf(IllegalStateException.class);
        assertThat(hub.thread().isAlive()).isFalse();
    }

    // ---- reset and gaps -------------------------------------------------------------------------

    /** A source over a store that a test can swap, like a ReplicatedKv whose store a snapshot replaced. */
    private static final class SwappableSource implements EventSource {
        final AtomicReference<EventSource> current;

        SwappableSource(EventSource first) {
            current = new AtomicReference<>(first);
        }

        @Override
        public EventBatch events(long from, long to, int max, boolean prevKv) {
            return current.get().events(from, to, max, prevKv);
        }

        @Override
        public long currentRevision() {
            return current.get().currentRevision();
        }

        @Override
        public long compactRevision() {
            return current.get().compactRevision();
        }
    }

    @Test
    void afterAResetEveryWatcherCatchesUpFromTheNewStore() {
        SwappableSource source = new SwappableSource(fx.source());
        hub = new CatchUpWatchHub(source, WatchHubOptions.defaults(), false);
        fx.store.addCommitListener(hub);
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.prefix("k").withPrevKv());
        fx.put("k1", "a");
        fx.put("k2", "a");

        try (StoreFixture installed = StoreFixture.inTempDir()) {
            // The snapshot: the same log, further on (entries this member never applied itself).
            installed.put("k1", "a");
            installed.put("k2", "a");
            installed.put("k1", "b");
            installed.put("x", "b");
            installed.put("k3", "b");
            source.current.set(installed.source());
            hub.reset();
            installed.store.addCommitListener(hub);
            assertThat(hub.lastDispatchedRevision()).isEqualTo(6);
            assertThat(hub.stats().unsynced()).isEqualTo(1);
            syncAll();
            installed.put("k2", "c");
            assertThat(events(Drain.all(s), id)).containsExactly(
                    "PUT k1=a@2", "PUT k2=a@3", "PUT k1=b@4 prev=a@2", "PUT k3=b@6", "PUT k2=c@7 prev=a@3");
            hub.close();
            hub = null;
        }
    }

    @Test
    void aRevisionTheHubNeverSawMakesSyncedWatchersCatchUp() {
        hub = new CatchUpWatchHub(fx.source(), WatchHubOptions.defaults(), false);
        WatchStream s = hub.openStream(() -> { });
        long id = s.watch(WatchRequest.key("a"));
        fx.put("a", "1"); // before the hub listens
        fx.put("a", "2");
        fx.store.addCommitListener(hub);
        fx.put("a", "3");
        assertThat(hub.stats().unsynced()).isEqualTo(1);
        syncAll();
        fx.put("a", "4");
        assertThat(events(Drain.all(s), id)).containsExactly("PUT a=1@2", "PUT a=2@3", "PUT a=3@4", "PUT a=4@5");
    }

    // ---- fragments ------------------------------------------------------------------------------

    @Test
    void oversizedResponsesAreFragmentedOnlyForWatchersThatAsked() {
        manualHub(WatchHubOptions.defaults().withMaxResponseBytes(300));
        WatchStream s = hub.openStream(() -> { });
        long fragmented = s.watch(WatchRequest.prefix("k").withFragment());
        long whole = s.watch(WatchRequest.prefix("k"));
        Drain.all(s);
        String big = "x".repeat(100);
        fx.txn(PutRequest.of("k1", big), PutRequest.of("k2", big), PutRequest.of("k3", big),
                PutRequest.of("k4", big), PutRequest.of("k5", big));
        List<WatchResponse> rs = Drain.all(s);
        List<WatchResponse> pieces = rs.stream().filter(r -> r.watchId() == fragmented).toList();
        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(pieces.subList(0, pieces.size() - 1)).allMatch(WatchResponse::fragment);
        assertThat(pieces.get(pieces.size() - 1).fragment()).isFalse();
        assertThat(pieces).allSatisfy(p -> assertThat(WireSize.of(p)).isLessThan(300));
        assertThat(events(pieces)).hasSize(5);
        assertThat(rs.stream().filter(r -> r.watchId() == whole)).singleElement()
                .satisfies(r -> assertThat(r.events()).hasSize(5));
    }

    // ---- with the hub's thread ------------------------------------------------------------------

    @Test
    void theHubThreadCatchesUpAndSendsPeriodicProgress() throws InterruptedException {
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults().withProgressInterval(Duration.ofMillis(20)));
        fx.store.addCommitListener(hub);
        for (int i = 0; i < 50; i++) {
            fx.put("k" + (i % 7), "v" + i);
        }
        Collector c = Collector.open(hub);
        long id = c.stream().watch(WatchRequest.prefix("k").fromRevision(2).withProgressNotify());
        c.await(rs -> rs.stream().anyMatch(r -> r.watchId() == id && r.isProgressNotify()), Duration.ofSeconds(30));
        assertThat(c.events(id)).hasSize(50);
        WatchResponse progress = c.responses().stream().filter(WatchResponse::isProgressNotify).findFirst().orElseThrow();
        assertThat(progress.revision()).isEqualTo(51);
    }

    @Test
    void aCommitReachingManyStreamsTellsThemFromTheHubThread() throws InterruptedException {
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults());
        fx.store.addCommitListener(hub);
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < CatchUpWatchHub.INLINE_NOTIFY_LIMIT * 3; i++) {
            Collector c = Collector.open(hub);
            c.stream().watch(WatchRequest.key("hot"));
            collectors.add(c);
        }
        long rev = fx.put("hot", "1");
        for (Collector c : collectors) {
            c.await(rs -> rs.stream().anyMatch(r -> r.lastRevision() == rev), Duration.ofSeconds(30));
        }
    }

    @Test
    void aPausedConsumerResumesFromHistoryWhenItDrains() throws InterruptedException {
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults().withStreamCapacity(3));
        fx.store.addCommitListener(hub);
        Collector c = Collector.open(hub);
        long id = c.stream().watch(WatchRequest.prefix("k"));
        c.pause();
        for (int i = 0; i < 100; i++) {
            fx.put("k" + (i % 3), "v" + i);
        }
        assertThat(hub.stats().unsynced()).isEqualTo(1);
        c.resume();
        c.await(rs -> rs.stream().mapToInt(r -> r.watchId() == id ? r.events().size() : 0).sum() == 100,
                Duration.ofSeconds(30));
        List<Event> got = c.events(id);
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i).revision()).isEqualTo(i + 2);
        }
    }
}
