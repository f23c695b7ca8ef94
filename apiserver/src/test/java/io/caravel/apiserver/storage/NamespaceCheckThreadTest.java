package io.caravel.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.Meta;
import io.caravel.apiserver.resource.ResourceTypes;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A namespaced create checks its namespace in the namespaces' watch cache; none of the create may then run on
 * that cache's thread, which delivers the events of every namespace watcher.
 */
@Timeout(60)
class NamespaceCheckThreadTest {
    private static final long WAIT = 10;

    private InMemoryKvClient store;
    private WatchCache namespaces;
    private ExecutorService caller;

    @BeforeEach
    void start() {
        store = new InMemoryKvClient();
        caller = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        if (namespaces != null) {
            namespaces.close();
        }
        caller.shutdownNow();
        store.close();
    }

    @Test
    void aCreateWhoseStoreCallBlocksDoesNotHoldBackNamespaceEvents() throws Exception {
        BlockingPodCreates kv = new BlockingPodCreates(store);
        ObjectStore objects = new ObjectStore(kv, Clock.systemUTC());
        namespaces = new WatchCache(ResourceTypes.NAMESPACES, kv, 100, 0);
        namespaces.start();
        objects.useNamespaceCache(namespaces);
        Recorder seen = new Recorder();
        namespaces.watch(-1, ResourceTypes.NAMESPACES.keyPrefix(), seen);
        objects.create(ResourceTypes.NAMESPACES, null, namespace("work")).get(WAIT, TimeUnit.SECONDS);
        // the cache has "work" now (the event came from it), so the pod's create takes the cache path
        assertThat(seen.next()).isEqualTo("work");

        // hold the cache thread (the recorder blocks on the event of "gate") while the pod's create starts, so that
        // a lookup queued on that thread would complete there, after the create has attached its continuation
        objects.create(ResourceTypes.NAMESPACES, null, namespace("gate")).get(WAIT, TimeUnit.SECONDS);
        assertThat(seen.gateEntered.await(WAIT, TimeUnit.SECONDS)).as("the cache thread is held").isTrue();
        // the cache answers lookups without its thread
        assertThat(namespaces.get(ResourceTypes.NAMESPACES.key(null, "work"))).isPresent();
        CompletableFuture<Void> createStartedOrReturned = new CompletableFuture<>();
        kv.podCreateEntered.thenRun(() -> createStartedOrReturned.complete(null));
        // an in-process store may do its work in the calling thread: this one blocks pod creates there
        Future<CompletableFuture<StoredObject>> pod = caller.submit(() -> {
            CompletableFuture<StoredObject> f = objects.create(ResourceTypes.PODS, "work", pod("p"));
            createStartedOrReturned.complete(null);
            return f;
        });
        createStartedOrReturned.get(WAIT, TimeUnit.SECONDS);
        seen.gateOpen.countDown();
        assertThat(seen.next()).isEqualTo("gate");

        assertThat(kv.podCreateEntered.get(WAIT, TimeUnit.SECONDS)).as("the thread of the pod's store create")
                .doesNotStartWith("watch-cache-");
        // while that create is stuck, namespace watchers still get their events
        objects.create(ResourceTypes.NAMESPACES, null, namespace("other")).get(WAIT, TimeUnit.SECONDS);
        assertThat(seen.next()).isEqualTo("other");

        kv.release.countDown();
        StoredObject created = pod.get(WAIT, TimeUnit.SECONDS).get(WAIT, TimeUnit.SECONDS);
        assertThat(Meta.name(created.object())).isEqualTo("p");
        assertThat(created.modRevision()).isPositive();
    }

    @Test
    void aNamespaceTheCacheDoesNotHaveIsReadFromTheStore() throws Exception {
        ObjectStore objects = new ObjectStore(store, Clock.systemUTC());
        namespaces = new WatchCache(ResourceTypes.NAMESPACES, store, 100, 0);
        objects.useNamespaceCache(namespaces); // never started: it has nothing
        objects.create(ResourceTypes.NAMESPACES, null, namespace("work")).get(WAIT, TimeUnit.SECONDS);

        StoredObject created = objects.create(ResourceTypes.PODS, "work", pod("p")).get(WAIT, TimeUnit.SECONDS);
        assertThat(Meta.namespace(created.object())).isEqualTo("work");
        CompletableFuture<StoredObject> missing = objects.create(ResourceTypes.PODS, "nowhere", pod("q"));
        assertThat(missing).failsWithin(WAIT, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    private static ObjectNode namespace(String name) {
        ObjectNode o = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        o.putObject("metadata").put("name", name);
        return o;
    }

    private static ObjectNode pod(String name) {
        ObjectNode o = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        o.putObject("metadata").put("name", name);
        o.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "busybox:1.36");
        return o;
    }

    /**
     * Records the names in a watch's events; blocks the cache thread on the event of the namespace "gate" until
     * {@link #gateOpen}.
     */
    private static final class Recorder implements WatchCache.Sink {
        final BlockingQueue<String> names = new LinkedBlockingQueue<>();
        final CountDownLatch gateEntered = new CountDownLatch(1);
        final CountDownLatch gateOpen = new CountDownLatch(1);

        /** The next name, waiting up to {@link #WAIT} seconds (null when none came). */
        String next() throws InterruptedException {
            return names.poll(WAIT, TimeUnit.SECONDS);
        }

        @Override
        public void event(WatchCache.Event e) {
            String name = Meta.name(e.object().object());
            names.add(name);
            if (name.equals("gate")) {
                gateEntered.countDown();
                try {
                    gateOpen.await(WAIT * 3, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void closed(ApiException error) {
        }
    }

    /**
     * The in-memory store, except that a pod create blocks the calling thread until {@link #release} (as a store
     * whose client does its work in the caller's thread might, for a while). Everything else is passed on.
     */
    private static final class BlockingPodCreates implements KvClient {
        private final KvClient delegate;
        /** Completed with the name of the thread a pod create was called on. */
        final CompletableFuture<String> podCreateEntered = new CompletableFuture<>();
        final CountDownLatch release = new CountDownLatch(1);

        BlockingPodCreates(KvClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<WriteResult> create(String key, byte[] value) {
            if (key.startsWith(ResourceTypes.PODS.keyPrefix())) {
                podCreateEntered.complete(Thread.currentThread().getName());
                try {
                    if (!release.await(WAIT * 3, TimeUnit.SECONDS)) {
                        return CompletableFuture.failedFuture(new KvException("never released"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CompletableFuture.failedFuture(e);
                }
            }
            return delegate.create(key, value);
        }

        @Override
        public CompletableFuture<Optional<KeyValue>> get(String key) {
            return delegate.get(key);
        }

        @Override
        public CompletableFuture<KvPage> list(String prefix, long revision, int limit, String startKey) {
            return delegate.list(prefix, revision, limit, startKey);
        }

        @Override
        public CompletableFuture<WriteResult> update(String key, byte[] value, long expectedModRevision) {
            return delegate.update(key, value, expectedModRevision);
        }

        @Override
        public CompletableFuture<WriteResult> delete(String key, long expectedModRevision) {
            return delegate.delete(key, expectedModRevision);
        }

        @Override
        public KvWatch watch(String prefix, long fromRevision, KvWatchListener listener) {
            return delegate.watch(prefix, fromRevision, listener);
        }

        @Override
        public CompletableFuture<Long> compact(long revision) {
            return delegate.compact(revision);
        }

        @Override
        public CompletableFuture<Long> currentRevision() {
            return delegate.currentRevision();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
