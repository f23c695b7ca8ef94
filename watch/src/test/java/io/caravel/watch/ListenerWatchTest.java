package io.caravel.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener form of the in-process API. */
@Timeout(60)
class ListenerWatchTest {
    private StoreFixture fx;
    private CatchUpWatchHub hub;
    private ExecutorService executor;

    @BeforeEach
    void open() {
        fx = StoreFixture.inTempDir();
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults().withStreamCapacity(2)
                .withProgressInterval(Duration.ofMillis(10)));
        fx.store.addCommitListener(hub);
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void close() throws InterruptedException {
        hub.close();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        fx.close();
    }

    /** Records calls as strings. */
    static class Calls implements WatchListener {
        final List<String> calls = new ArrayList<>();

        private synchronized void add(String s) {
            calls.add(s);
            notifyAll();
        }

        @Override
        public void onCreated(long revision) {
            add("created@" + revision);
        }

        @Override
        public void onEvents(long revision, List<Event> events) {
            for (Event e : events) {
                add(e.type() + " " + e.kv().key().toStringUtf8() + "@" + e.revision());
            }
        }

        @Override
        public void onProgress(long revision) {
            add("progress@" + revision);
        }

        @Override
        public void onCanceled(long compactRevision, String reason) {
            add("canceled " + compactRevision + " " + reason);
        }

        synchronized List<String> await(Predicate<List<String>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!condition.test(calls)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out; got " + calls);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(calls);
        }
    }

    @Test
    void createdEventsAndProgressInOrderUntilCancelled() throws Exception {
        fx.put("a", "1");
        Calls calls = new Calls();
        ListenerWatch w = hub.watch(WatchRequest.key("a").fromRevision(2).withProgressNotify(), executor, calls);
        fx.put("a", "2");
        List<String> got = calls.await(c -> c.stream().anyMatch(s -> s.startsWith("progress@3")));
        assertThat(got.stream().filter(s -> !s.startsWith("progress@"))).containsExactly("created@2", "PUT a@2", "PUT a@3");
        assertThat(got.get(got.size() - 1)).isEqualTo("progress@3"); // a progress covers what came before it
        w.cancel();
        int before = calls.await(c -> true).size();
        fx.put("a", "3");
        // Once the executor has run what was queued before this no-op, nothing more came.
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(calls.await(c -> true)).hasSize(before).doesNotContain("PUT a@4");
        assertThat(hub.stats().watchers()).isZero();
    }

    @Test
    void aCompactedStartEndsWithTheCompactRevision() throws InterruptedException {
        fx.put("a", "1");
        fx.put("a", "2");
        fx.compact(3);
        Calls calls = new Calls();
        hub.watch(WatchRequest.key("a").fromRevision(2), executor, calls);
        assertThat(calls.await(c -> c.size() == 2)).containsExactly("created@3",
                "canceled 3 etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    void closingTheHubEndsTheWatch() throws InterruptedException {
        Calls calls = new Calls();
        hub.watch(WatchRequest.key("a"), executor, calls);
        calls.await(c -> c.size() == 1);
        hub.close();
        assertThat(calls.await(c -> c.size() == 2).get(1)).isEqualTo("canceled 0 watch hub is closed");
    }

    @Test
    void aFailingListenerEndsOnlyItsOwnWatch() throws InterruptedException {
        Calls good = new Calls();
        hub.watch(WatchRequest.key("a"), executor, good);
        hub.watch(WatchRequest.key("a"), executor, new Calls() {
            @Override
            public void onEvents(long revision, List<Event> events) {
                throw new IllegalStateException("boom");
            }
        });
        fx.put("a", "1");
        fx.put("a", "2");
        assertThat(good.await(c -> c.size() == 3)).containsExactly("created@1", "PUT a@2", "PUT a@3");
        assertThat(good.await(c -> true)).hasSize(3);
    }
}
