package io.caravel.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Flow adapter: demand, back-pressure through the hub, completion, cancellation, errors. */
@Timeout(60)
class WatchPublisherTest {
    private StoreFixture fx;
    private CatchUpWatchHub hub;
    private ExecutorService executor;

    @BeforeEach
    void open() {
        fx = StoreFixture.inTempDir();
        hub = CatchUpWatchHub.start(fx.source(), WatchHubOptions.defaults().withStreamCapacity(2));
        fx.store.addCommitListener(hub);
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws InterruptedException {
        hub.close();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        fx.close();
    }

    /** Records every signal; fails on concurrent or out-of-order signals. */
    static final class Recorder implements Flow.Subscriber<WatchResponse> {
        final List<Object> signals = new ArrayList<>();
        final AtomicBoolean inSignal = new AtomicBoolean();
        final long initialRequest;
        volatile Flow.Subscription subscription;
        volatile boolean concurrent;

        Recorder(long initialRequest) {
            this.initialRequest = initialRequest;
        }

        private void enter() {
            if (!inSignal.compareAndSet(false, true)) {
                concurrent = true;
            }
        }

        private synchronized void record(Object signal) {
            signals.add(signal);
            notifyAll();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            enter();
            subscription = s;
            record("subscribed");
            inSignal.set(false);
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
        }

        @Override
        public void onNext(WatchResponse item) {
            enter();
            record(item);
            inSignal.set(false);
        }

        @Override
        public void onError(Throwable t) {
            enter();
            record(t);
            inSignal.set(false);
        }

        @Override
        public void onComplete() {
            enter();
            record("complete");
            inSignal.set(false);
        }

        synchronized List<Object> await(Predicate<List<Object>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!condition.test(signals)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out; got " + signals);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(signals);
        }

        synchronized int eventCount() {
            return signals.stream().filter(s -> s instanceof WatchResponse).mapToInt(s -> ((WatchResponse) s).events().size()).sum();
        }

        synchronized long responses() {
            return signals.stream().filter(s -> s instanceof WatchResponse).count();
        }
    }

    @Test
    void deliversNoMoreThanTheDemand() throws Exception {
        Recorder r = new Recorder(1);
        new WatchPublisher(hub, WatchRequest.key("a"), executor).subscribe(r);
        List<Object> got = r.await(s -> s.size() == 2);
        assertThat(((WatchResponse) got.get(1)).created()).isTrue();
        fx.put("a", "1");
        fx.put("a", "2");
        fx.put("a", "3");
        r.subscription.request(2);
        r.await(s -> s.size() == 4);
        // Nothing beyond the demand, even with a response waiting: once the (single-threaded) executor
        // has run everything queued before this no-op, the third event is still not delivered.
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(r.responses()).isEqualTo(3);
        r.subscription.request(Long.MAX_VALUE);
        r.await(s -> s.size() == 5);
        assertThat(r.concurrent).isFalse();
    }

    @Test
    void aSubscriberThatDoesNotRequestIsCaughtUpFromHistoryLater() throws InterruptedException {
        Recorder r = new Recorder(1);
        new WatchPublisher(hub, WatchRequest.prefix("k"), executor).subscribe(r);
        r.await(s -> s.size() == 2);
        for (int i = 0; i < 200; i++) {
            fx.put("k" + (i % 4), "v" + i);
        }
        assertThat(hub.stats().unsynced()).isEqualTo(1); // moved aside, not buffering 200 responses
        r.subscription.request(Long.MAX_VALUE);
        r.await(s -> r.eventCount() == 200);
        long rev = 2;
        for (Object o : r.await(s -> true)) {
            if (o instanceof WatchResponse w) {
                for (var e : w.events()) {
                    assertThat(e.revision()).isEqualTo(rev++);
                }
            }
        }
        assertThat(r.concurrent).isFalse();
    }

    @Test
    void aCompactedStartIsDeliveredAsACancelThenCompletes() throws InterruptedException {
        fx.put("a", "1");
        fx.put("a", "2");
        fx.compact(3);
        Recorder r = new Recorder(Long.MAX_VALUE);
        new WatchPublisher(hub, WatchRequest.key("a").fromRevision(2), executor).subscribe(r);
        List<Object> got = r.await(s -> s.contains("complete"));
        assertThat(got).hasSize(4);
        WatchResponse cancel = (WatchResponse) got.get(2);
        assertThat(cancel.canceled()).isTrue();
        assertThat(cancel.compactRevision()).isEqualTo(3);
        assertThat(hub.stats().watchers()).isZero();
    }

    @Test
    void cancellingRemovesTheWatcher() throws InterruptedException {
        Recorder r = new Recorder(Long.MAX_VALUE);
        new WatchPublisher(hub, WatchRequest.key("a"), executor).subscribe(r);
        r.await(s -> s.size() == 2);
        assertThat(hub.stats().watchers()).isEqualTo(1);
        r.subscription.cancel();
        assertThat(hub.stats()).isEqualTo(new WatchHub.Stats(0, 0, 0, 0));
        fx.put("a", "1");
        assertThat(r.await(s -> true)).hasSize(2);
    }

    @Test
    void closingTheHubSignalsAnError() throws InterruptedException {
        Recorder r = new Recorder(Long.MAX_VALUE);
        new WatchPublisher(hub, WatchRequest.key("a"), executor).subscribe(r);
        r.await(s -> s.size() == 2);
        hub.close();
        List<Object> got = r.await(s -> s.size() == 3);
        assertThat(got.get(2)).isInstanceOf(IllegalStateException.class);

        Recorder late = new Recorder(1);
        new WatchPublisher(hub, WatchRequest.key("a"), executor).subscribe(late);
        assertThat(late.await(s -> s.size() == 2).get(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNonPositiveRequestIsAnError() throws InterruptedException {
        Recorder r = new Recorder(0);
        new WatchPublisher(hub, WatchRequest.key("a"), executor).subscribe(r);
        r.await(s -> s.size() == 1);
        r.subscription.request(0);
        assertThat(r.await(s -> s.size() == 2).get(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(hub.stats().watchers()).isZero();
    }
}
