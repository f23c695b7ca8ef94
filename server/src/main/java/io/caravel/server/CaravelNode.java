package io.caravel.server;

import io.caravel.raft.ClusterError;
import io.caravel.raft.ClusterException;
import io.caravel.raft.RaftNodeConfig;
import io.caravel.raft.RaftTuning;
import io.caravel.raft.RatisReplicatedKv;
import io.caravel.raft.ReplicatedKv;
import io.caravel.server.embed.EmbeddedCluster;
import io.caravel.server.embed.EmbeddedKv;
import io.caravel.server.embed.EmbeddedLeases;
import io.caravel.server.embed.EmbeddedWatch;
import io.caravel.server.grpc.EtcdGrpcServer;
import io.caravel.server.grpc.ServiceLimits;
import io.caravel.server.metrics.MetricsHttpServer;
import io.caravel.server.metrics.RequestMetrics;
import io.caravel.server.watch.ReplicatedWatchHub;
import io.caravel.store.RequestValidator;
import io.caravel.store.StoreOptions;
import io.caravel.watch.WatchHub;
import io.caravel.watch.WatchHubOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Caravel member, started in this JVM: the replicated store, its watchers and, when asked for,
 * etcd's gRPC API and the metrics endpoint. This is what {@code caravel server} runs, and what a Java
 * program embeds to get typed KV, Lease, Watch and Cluster APIs with no gRPC hop:
 *
 * <pre>{@code
 * try (CaravelNode node = CaravelNode.builder().name("n1").dataDir(dir).build().start()) {
 *     node.ready().get(10, TimeUnit.SECONDS);
 *     node.kv().put("greeting", "hello").get(5, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * <p>By default a node serves no gRPC at all ({@link Builder#clientPort} turns it on). Thread-safe;
 * {@link #close()} stops everything it started, gRPC first, and is idempotent.
 */
public final class CaravelNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaravelNode.class);

    private final Builder config;
    private ReplicatedKv kv;
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    private WatchHub hub;
    private EtcdGrpcServer grpc;
    private MetricsHttpServer metricsHttp;
    private final RequestMetrics requestMetrics = new RequestMetrics();
    private EmbeddedKv embeddedKv;
    private EmbeddedLeases leases;
    private EmbeddedWatch watch;
    private EmbeddedCluster cluster;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private boolean started;
    /** Set by {@link #close()}; read without the lock by the status watcher. */
    private volatile boolean closed;

    private CaravelNode(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the store and the Raft log, joins the cluster and starts the configured endpoints. Returns
     * once they run; a leader may not be elected yet (see {@link #ready()}).
     *
     * @throws java.io.UncheckedIOException when a directory or a port cannot be used
     * @throws IllegalStateException when called twice
     */
    public synchronized CaravelNode start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "caravel-node-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "caravel-node-timer");
                t.setDaemon(true);
                return t;
            });
            kv = config.replicatedKvFactory != null
                    ? config.replicatedKvFactory.apply(config.raftConfig())
                    : RatisReplicatedKv.start(config.raftConfig(), config.tuning());
            hub = ReplicatedWatchHub.start(kv, WatchHubOptions.defaults()
                    .withMaxResponseBytes(config.maxRequestBytes + ServiceLimits.GRPC_OVERHEAD_BYTES));
            RequestValidator validator = new RequestValidator(StoreOptions.defaults().withMaxTxnOps(config.maxTxnOps));
            embeddedKv = new EmbeddedKv(kv, validator);
            leases = new EmbeddedLeases(kv);
            watch = new EmbeddedWatch(hub, executor);
            cluster = new EmbeddedCluster(kv);
            ServiceLimits limits = new ServiceLimits(config.maxRequestBytes, config.maxTxnOps, config.quotaBytes());
            if (!config.listenClientUrls.isEmpty()) {
                grpc = EtcdGrpcServer.start(kv, hub, addresses(config.listenClientUrls), limits, executor,
                        config.dataDir.resolve("tmp"), requestMetrics);
            }
            if (!config.listenMetricsUrls.isEmpty()) {
                metricsHttp = new MetricsHttpServer(addresses(config.listenMetricsUrls), kv, requestMetrics,
                        () -> hub.stats().watchers(), config.quotaBytes());
            }
            scheduler.scheduleWithFixedDelay(this::watchReplicatedKv, 500, 500, TimeUnit.MILLISECONDS);
            LOG.info("member {} started (data dir {}, cluster {})", config.name, config.dataDir, config.initialCluster());
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private static List<InetSocketAddress> addresses(List<URI> urls) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (URI u : urls) {
            out.add(new InetSocketAddress(u.getHost(), u.getPort()));
        }
        return out;
    }

    /**
     * The replicated layer stops a member on its own when it is removed from the cluster (or fails): then
     * the whole node stops, as etcd's member does, instead of serving errors from a dead store.
     */
    private void watchReplicatedKv() {
        try {
            kv.status();
        } catch (ClusterException e) {
            if (e.error() == ClusterError.STOPPED && !closed) {
                LOG.error("member {} was stopped by the replicated layer (removed from the cluster?); shutting down", config.name);
                executor.execute(this::close);
            }
        } catch (RuntimeException e) {
            LOG.debug("status check failed", e);
        }
    }

    /** Completes once the node has stopped, by {@link #close()} or on its own (e.g. removed from the cluster). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Completes once this member knows a leader and has published its name and client URLs through Raft
     * (etcd's readiness: only then does the member list show it by name); polled every 50 ms, fails after
     * {@code timeout} or when the node stops first.
     */
    public CompletableFuture<Void> ready(Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        ScheduledFuture<?> poll = scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (kv.status().leaderId() != 0 && kv.published()) {
                    done.complete(null);
                } else if (System.nanoTime() > deadline) {
                    done.completeExceptionally(new TimeoutException(kv.status().leaderId() == 0
                            ? "no leader after " + timeout : "not published after " + timeout));
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        // The poll stops with the node's scheduler: a node that stops first fails the wait instead of leaving it open.
        terminated.whenComplete((v, e) -> done.completeExceptionally(new IllegalStateException("the node stopped before it was ready")));
        done.whenComplete((v, e) -> poll.cancel(false));
        return done;
    }

    /** {@link #ready(Duration)} with a 30-second limit. */
    public CompletableFuture<Void> ready() {
        return ready(Duration.ofSeconds(30));
    }

    public EmbeddedKv kv() {
        return checkStarted(embeddedKv);
    }

    public EmbeddedLeases leases() {
        return checkStarted(leases);
    }

    public EmbeddedWatch watch() {
        return checkStarted(watch);
    }

    public EmbeddedCluster cluster() {
        return checkStarted(cluster);
    }

    /** The replicated store itself, for what the typed facades do not cover. */
    public ReplicatedKv replicatedKv() {
        return checkStarted(kv);
    }

    /** The port etcd clients reach this member at, when it serves gRPC. */
    public OptionalInt clientPort() {
        return grpc == null ? OptionalInt.empty() : OptionalInt.of(grpc.port());
    }

    /** The port of {@code /metrics} and {@code /health}, when served. */
    public OptionalInt metricsPort() {
        return metricsHttp == null ? OptionalInt.empty() : OptionalInt.of(metricsHttp.port());
    }

    public String name() {
        return config.name;
    }

    private <T> T checkStarted(T t) {
        if (t == null) {
            throw new IllegalStateException("node not started");
        }
        return t;
    }

    /**
     * Stops the member: gRPC first (running calls get a short grace), then the metrics endpoint, the
     * watchers, the replicated store and the threads. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (grpc != null) {
            grpc.close();
        }
        if (metricsHttp != null) {
            metricsHttp.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (kv != null) {
            try {
                kv.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the replicated store failed", e);
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (started) {
            LOG.info("member {} stopped", config.name);
        }
        terminated.complete(null);
    }

    /**
     * Settings of a node, with etcd's defaults for a single local member. Not thread-safe; {@link #build}
     * copies nothing, so do not change a builder after building.
     */
    public static final class Builder {
        private String name = "default";
        private Path dataDir = Path.of("caravel-data");
        private String listenPeerUrl = "http://127.0.0.1:2380";
        private String advertisePeerUrl;
        private Map<String, String> initialCluster;
        private boolean newCluster = true;
        private String clusterToken = "etcd-cluster";
        private List<URI> listenClientUrls = List.of();
        private List<String> advertiseClientUrls;
        private List<URI> listenMetricsUrls = List.of();
        private long quotaBackendBytes;
        private String autoCompactionMode = "";
        private String autoCompactionRetention = "0";
        private long snapshotCount = RaftNodeConfig.DEFAULT_SNAPSHOT_COUNT;
        private Duration electionTimeout = Duration.ofSeconds(1);
        private int maxRequestBytes = ServiceLimits.DEFAULT_MAX_REQUEST_BYTES;
        private int maxTxnOps = StoreOptions.DEFAULT_MAX_TXN_OPS;
        private long maxRangeBytes = StoreOptions.DEFAULT_MAX_RANGE_BYTES;
        private long logSegmentBytes = RaftTuning.defaults().logSegmentSizeBytes();
        private Duration logRetention = RaftTuning.defaults().logRetention();
        private Function<RaftNodeConfig, ReplicatedKv> replicatedKvFactory;

        private Builder() {
        }

        public Builder name(String v) {
            this.name = Objects.requireNonNull(v, "name == null");
            return this;
        }

        public Builder dataDir(Path v) {
            this.dataDir = Objects.requireNonNull(v, "dataDir == null");
            return this;
        }

        /** The URL this member's Raft endpoint listens on, and (unless {@link #advertisePeerUrl} is set) is reached at. */
        public Builder peerUrl(String v) {
            this.listenPeerUrl = Objects.requireNonNull(v, "peerUrl == null");
            return this;
        }

        public Builder advertisePeerUrl(String v) {
            this.advertisePeerUrl = v;
            return this;
        }

        /** Every initial member, name to peer URL (etcd's {@code --initial-cluster}); default: this member alone. */
        public Builder initialCluster(Map<String, String> v) {
            this.initialCluster = new LinkedHashMap<>(v);
            return this;
        }

        /** Join a running cluster (after {@code member add}) instead of bootstrapping a new one. */
        public Builder joinExisting(boolean v) {
            this.newCluster = !v;
            return this;
        }

        public Builder clusterToken(String v) {
            this.clusterToken = Objects.requireNonNull(v, "clusterToken == null");
            return this;
        }

        /** Serve etcd's gRPC API on 127.0.0.1:{@code port} (0: a free port, see {@link CaravelNode#clientPort}). */
        public Builder clientPort(int port) {
            return listenClientUrls(List.of(URI.create("http://127.0.0.1:" + port)));
        }

        public Builder listenClientUrls(List<URI> v) {
            this.listenClientUrls = List.copyOf(v);
            return this;
        }

        public Builder advertiseClientUrls(List<String> v) {
            this.advertiseClientUrls = List.copyOf(v);
            return this;
        }

        public Builder listenMetricsUrls(List<URI> v) {
            this.listenMetricsUrls = List.copyOf(v);
            return this;
        }

        /** The NOSPACE alarm threshold; 0 for the default 2 GiB. */
        public Builder quotaBackendBytes(long v) {
            this.quotaBackendBytes = v;
            return this;
        }

        /** etcd's auto-compaction: mode {@code periodic} or {@code revision}; a retention of 0 disables it. */
        public Builder autoCompaction(String mode, String retention) {
            this.autoCompactionMode = Objects.requireNonNull(mode, "mode == null");
            this.autoCompactionRetention = Objects.requireNonNull(retention, "retention == null");
            return this;
        }

        public Builder snapshotCount(long v) {
            this.snapshotCount = v;
            return this;
        }

        /** The Raft election timeout (Ratis picks each timeout in [v, 2v]). */
        public Builder electionTimeout(Duration v) {
            this.electionTimeout = Objects.requireNonNull(v, "electionTimeout == null");
            return this;
        }

        public Builder maxRequestBytes(int v) {
            this.maxRequestBytes = v;
            return this;
        }

        public Builder maxTxnOps(int v) {
            this.maxTxnOps = v;
            return this;
        }

        /** The most bytes of keys and values one read may fetch for its ranges (see {@link StoreOptions#maxRangeBytes}). */
        public Builder maxRangeBytes(long v) {
            this.maxRangeBytes = v;
            return this;
        }

        /** How long the Raft log is kept behind the store's durable position (see {@link RaftTuning#logRetention}). */
        public Builder logRetention(Duration v) {
            this.logRetention = Objects.requireNonNull(v, "logRetention == null");
            return this;
        }

        /** The Raft log segment size; after a snapshot the log is purged by whole segments. */
        public Builder logSegmentBytes(long v) {
            this.logSegmentBytes = v;
            return this;
        }

        /** Replaces the replicated store (tests run the node over a local fake). */
        public Builder replicatedKvFactory(Function<RaftNodeConfig, ReplicatedKv> v) {
            this.replicatedKvFactory = Objects.requireNonNull(v, "factory == null");
            return this;
        }

        public CaravelNode build() {
            return new CaravelNode(this);
        }

        long quotaBytes() {
            return quotaBackendBytes > 0 ? quotaBackendBytes : RaftNodeConfig.DEFAULT_QUOTA_BACKEND_BYTES;
        }

        Map<String, String> initialCluster() {
            return initialCluster != null ? initialCluster : Map.of(name, advertisePeerUrl());
        }

        private String advertisePeerUrl() {
            return advertisePeerUrl != null ? advertisePeerUrl : listenPeerUrl;
        }

        /** Ratis tuning: the defaults, with this node's txn-op and range limits and an entry limit above the request limit. */
        RaftTuning tuning() {
            RaftTuning d = RaftTuning.defaults().withStore(StoreOptions.defaults().withMaxTxnOps(maxTxnOps)
                    .withMaxRangeBytes(maxRangeBytes));
            int entryBytes = Math.max(d.maxEntryBytes(), maxRequestBytes + ServiceLimits.GRPC_OVERHEAD_BYTES);
            return d.withLogSegmentSizeBytes(logSegmentBytes).withMaxEntryBytes(entryBytes).withLogRetention(logRetention)
                    .withEntriesInFlight(Integer.getInteger("caravel.raft.entriesInFlight", d.entriesInFlight()));
        }

        RaftNodeConfig raftConfig() {
            List<String> clientUrls = advertiseClientUrls != null ? advertiseClientUrls
                    : listenClientUrls.stream().map(URI::toString).toList();
            boolean compactionOff = autoCompactionRetention.isBlank() || autoCompactionRetention.trim().equals("0");
            return new RaftNodeConfig(name, dataDir, listenPeerUrl, advertisePeerUrl(), clientUrls, initialCluster(),
                    newCluster, clusterToken, electionTimeout, electionTimeout.multipliedBy(2), quotaBytes(),
                    compactionOff ? "" : autoCompactionMode, compactionOff ? "0" : autoCompactionRetention.trim(),
                    snapshotCount);
        }
    }
}
