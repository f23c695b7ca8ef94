package io.caravel.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.server.testing.LocalReplicatedKv;
import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.store.PutRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's invariant under concurrency: watchers created at random start revisions while writes go on
 * get every revision from their start, in order, exactly once, whether it came from catch-up or live.
 */
@Timeout(60)
class WatchHubTest {
    private final LocalReplicatedKv kv = new LocalReplicatedKv();
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final WatchHub hub = new WatchHub(kv, executor);

    @AfterEach
    void close() {
        hub.close();
        kv.close();
        executor.shutdownNow();
    }

    private static final class Recorder implements WatchListener {
        final List<Long> revisions = new CopyOnWriteArrayList<>();
        volatile long created = -1;
        volatile long compacted;

        @Override
        public void onCreated(long revision) {
            assertThat(revisions).as("created comes first").isEmpty();
            created = revision;
        }

        @Override
        public void onEvents(long revision, List<Event> events) {
            for (Event e : events) {
                revisions.add(e.revision());
            }
        }

        @Override
        public void onCanceled(long compactRevision, String reason) {
            compacted = compactRevision;
        }
    }

    @Test
    void everyRevisionOnceInOrderFromTheStartRevision() throws Exception {
        int writes = 600;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<long[]> starts = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < writes; i++) {
                kv.put(PutRequest.of("k" + (i % 17), "v" + i)).join();
            }
        });
        while (!writer.isDone()) {
            long current = kv.currentRevision();
            long start = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt((int) Math.max(current, 1));
            Recorder r = new Recorder();
            hub.watch(new WatchSpec(new KeyRange(Bytes.of("k"), Bytes.of("k").prefixEnd()), start, false, false, false),
                    new SerialExecutor(executor), r);
            starts.add(new long[] {start});
            recorders.add(r);
            Thread.sleep(random.nextInt(5));
        }
        writer.join();
        long last = writes + 1;
        for (int i = 0; i < recorders.size(); i++) {
            Recorder r = recorders.get(i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((r.revisions.isEmpty() || r.revisions.get(r.revisions.size() - 1) < last) && System.nanoTime() < deadline
                    && !(r.created == last && starts.get(i)[0] == 0)) {
                Thread.sleep(5);
            }
            long from = starts.get(i)[0] == 0 ? r.created + 1 : starts.get(i)[0];
            List<Long> expected = new ArrayList<>();
            for (long rev = Math.max(from, 2); rev <= last; rev++) {
                expected.add(rev);
            }
            assertThat(r.revisions).as("watcher %d from %d (seed %d)", i, starts.get(i)[0], seed).isEqualTo(expected);
        }
    }

    @Test
    void progressAndCompactedStart() throws Exception {
        for (int i = 0; i < 10; i++) {
            kv.put(PutRequest.of("p", "v" + i)).join();
        }
        kv.compact(8, false).join();
        Recorder late = new Recorder();
        hub.watch(new WatchSpec(KeyRange.single(Bytes.of("p")), 3, false, false, false), new SerialExecutor(executor), late);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (late.compacted == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(late.compacted).isEqualTo(8);
        assertThat(late.revisions).isEmpty();

        Recorder now = new Recorder();
        SerialExecutor delivery = new SerialExecutor(executor);
        WatchHub.Watcher w = hub.watch(new WatchSpec(KeyRange.single(Bytes.of("p")), 0, false, false, false), delivery, now);
        CompletableFuture<Long> progress = new CompletableFuture<>();
        hub.requestProgress(List.of(w), delivery, progress::complete);
        assertThat(progress.get(5, TimeUnit.SECONDS)).isEqualTo(11);
    }
}
