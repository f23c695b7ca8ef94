package io.caravel.apiserver;

import io.caravel.apiserver.http.ApiRouter;
import io.caravel.apiserver.http.Shutdown;
import io.caravel.apiserver.resource.Meta;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.ResourceTypes;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.storage.ObjectStore;
import io.caravel.apiserver.storage.WatchCache;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caravel's Kubernetes-style API server over any {@link KvClient}: the entry point for embedding (the server
 * module's {@code caravel server --apiserver-listen-url} and {@code caravel apiserver}) and for tests.
 *
 * <p>{@link #start} creates its own Vert.x instance, one watch cache per resource (one store watch each), creates
 * the system namespaces when missing and listens; {@link #close} stops all of it. The server keeps no state of its
 * own beyond caches: several may run against one store. The KvClient stays the caller's to close.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Vertx vertx;
    private final HttpServer http;
    private final Map<ResourceType, WatchCache> caches;
    private final ObjectStore store;
    private final Shutdown shutdown;
    private final Map<String, Boolean> finalizing = new ConcurrentHashMap<>();

    private ApiServer(Vertx vertx, HttpServer http, Map<ResourceType, WatchCache> caches, ObjectStore store,
                      Shutdown shutdown) {
        this.vertx = vertx;
        this.http = http;
        this.caches = caches;
        this.store = store;
        this.shutdown = shutdown;
    }

    /**
     * Starts an API server on {@code kv}; blocks (up to 30 s) until it listens. Must not be called on a Vert.x
     * event loop.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public static ApiServer start(KvClient kv, ApiServerOptions options) {
        Objects.requireNonNull(kv, "kv == null");
        Objects.requireNonNull(options, "options == null");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerPoolSize(4));
        ObjectStore store = new ObjectStore(kv, options.clock());
        Map<ResourceType, WatchCache> caches = new LinkedHashMap<>();
        for (ResourceType t : ResourceTypes.ALL) {
            caches.put(t, new WatchCache(t, kv, options.watchCacheCapacity(), options.bookmarkInterval().toMillis()));
        }
        caches.values().forEach(WatchCache::start);
        store.useNamespaceCache(caches.get(ResourceTypes.NAMESPACES));
        String address = options.host() + ":" + options.port();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
                .setCompressionSupported(false).setMaxWebSocketMessageSize(16 * 1024 * 1024)
                .setIdleTimeout(0).setTcpNoDelay(true));
        Shutdown shutdown = new Shutdown();
        server.requestHandler(ApiRouter.create(vertx, store, caches, options, address, shutdown));
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            caches.values().forEach(WatchCache::close);
            vertx.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        ApiServer api = new ApiServer(vertx, server, caches, store, shutdown);
        store.ensureSystemNamespaces().whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("could not create the system namespaces: {}", e.toString());
            }
        });
        api.watchTerminatingNamespaces();
        LOG.info("API server listening on http://{}:{}", options.host(), server.actualPort());
        return api;
    }

    /**
     * Finishes the deletion of Terminating namespaces (their contents, then the namespace), whether their delete
     * request reached this server or another one that stopped half-way.
     */
    private void watchTerminatingNamespaces() {
        WatchCache ns = caches.get(ResourceTypes.NAMESPACES);
        ns.watch(-1, ResourceTypes.NAMESPACES.keyPrefix(), new WatchCache.Sink() {
            @Override
            public void event(WatchCache.Event e) {
                if (e.type() != WatchCache.EventType.DELETED && Meta.deleting(e.object().object())) {
                    String name = Meta.name(e.object().object());
                    if (finalizing.putIfAbsent(name, true) == null) {
                        store.finalizeNamespace(name).whenComplete((done, err) -> {
                            finalizing.remove(name);
                            if (err != null) {
                                LOG.warn("finalizing namespace {}: {}", name, err.toString());
                            }
                            if (err != null || !Boolean.TRUE.equals(done)) {
                                // objects with finalizers are still there: look again shortly
                                vertx.setTimer(1000, id -> store.finalizeNamespace(name));
                            }
                        });
                    }
                }
            }

            @Override
            public void closed(io.caravel.apiserver.resource.ApiException error) {
                if (!shutdown.closing()) {
                    vertx.setTimer(1000, id -> {
                        if (!shutdown.closing()) {
                            watchTerminatingNamespaces();
                        }
                    });
                }
            }
        });
    }

    /** The port the server listens on. */
    public int port() {
        return http.actualPort();
    }

    /** The object store (for embedding code and tests). */
    public ObjectStore store() {
        return store;
    }

    /** The watch cache of {@code type} (for tests and metrics). */
    public WatchCache cache(ResourceType type) {
        return caches.get(type);
    }

    /**
     * Stops gracefully: new requests get 503, every watch stream is ended cleanly (clients re-watch from their
     * last resourceVersion, here after a restart or on another API server), then the listener, the store watches
     * and Vert.x are closed. Blocks up to about 15 s. Closing again does nothing.
     */
    @Override
    public void close() {
        if (!shutdown.begin()) {
            return;
        }
        caches.values().forEach(WatchCache::close);
        try {
            if (!shutdown.awaitWatchesEnded(2000)) {
                LOG.warn("{} watch streams did not end within 2 s; closing their connections", shutdown.openWatches());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("closing the HTTP server: {}", e.toString());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
    }
}
