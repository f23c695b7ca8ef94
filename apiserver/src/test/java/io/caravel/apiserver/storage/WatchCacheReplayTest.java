package io.caravel.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.ResourceTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A watch cache serves the same events whether it saw a change live or replayed it from the store's history on
 * start: a watcher of a cache that started after the changes sees exactly what a watcher of a cache that was
 * already running saw.
 */
@Timeout(60)
class WatchCacheReplayTest {
    private static final long WAIT = 10;
    private static final String PREFIX = ResourceTypes.CONFIGMAPS.keyPrefix();

    private final InMemoryKvClient kv = new InMemoryKvClient();
    private final List<WatchCache> caches = new ArrayList<>();

    @AfterEach
    void stop() {
        caches.forEach(WatchCache::close);
        kv.close();
    }

    private WatchCache started() {
        WatchCache c = new WatchCache(ResourceTypes.CONFIGMAPS, kv, 100, 0);
        caches.add(c);
        c.start();
        return c;
    }

    @Test
    void aCacheStartedAfterTheChangesReplaysWhatALiveCacheDelivered() throws Exception {
        WatchCache live = started();
        long from = live.revision().get(WAIT, TimeUnit.SECONDS);
        Recorder liveEvents = new Recorder();
        live.watch(from, PREFIX, liveEvents);

        String a = PREFIX + "ns/a";
        String b = PREFIX + "ns/b";
        long rev = put(kv.create(a, cm("a", "1")));
        rev = put(kv.update(a, cm("a", "2"), rev));
        rev = put(kv.update(a, cm("a", "3"), rev));
        long revB = put(kv.create(b, cm("b", "1")));
        put(kv.delete(a, rev));
        put(kv.create(a, cm("a", "again")));
        revB = put(kv.update(b, cm("b", "2"), revB));
        put(kv.delete(b, revB));
        List<String> seenLive = liveEvents.take(8);
        assertThat(seenLive).extracting(l -> l.substring(0, l.indexOf(' '))).containsExactly("ADDED", "MODIFIED",
                "MODIFIED", "ADDED", "DELETED", "ADDED", "MODIFIED", "DELETED");

        WatchCache replaying = started();
        Recorder replayed = new Recorder();
        replaying.watch(from, PREFIX, replayed);
        assertThat(replayed.take(8)).containsExactlyElementsOf(seenLive);
    }

    private static byte[] cm(String name, String value) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\"},\"data\":{\"v\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a successful write; returns its revision. */
    private static long put(CompletableFuture<WriteResult> write) throws Exception {
        WriteResult r = write.get(WAIT, TimeUnit.SECONDS);
        assertThat(r.succeeded()).isTrue();
        return r.revision();
    }

    /** Each event as "TYPE revision object prev", with the objects' JSON. */
    private static final class Recorder implements WatchCache.Sink {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            while (out.size() < n) {
                String e = events.poll(WAIT, TimeUnit.SECONDS);
                assertThat(e).as("event %d of %d (after %s)", out.size() + 1, n, out).isNotNull();
                out.add(e);
            }
            return out;
        }

        @Override
        public void event(WatchCache.Event e) {
            events.add(e.type() + " " + e.revision() + " " + json(e.object()) + " prev " + json(e.prev()));
        }

        private static String json(StoredObject o) {
            return o == null ? "-" : new String(o.json(), StandardCharsets.UTF_8);
        }

        @Override
        public void closed(ApiException error) {
            events.add("closed " + error);
        }
    }
}
