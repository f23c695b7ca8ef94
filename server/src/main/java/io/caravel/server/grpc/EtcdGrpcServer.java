package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.server.metrics.MetricsInterceptor;
import io.caravel.server.metrics.RequestMetrics;
import io.caravel.watch.WatchHub;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd v3 gRPC endpoint of one member: KV, Watch, Lease, Cluster, Maintenance and Auth on Netty
 * (plaintext h2c, as {@code http://} client URLs mean in etcd).
 *
 * <p>Transport settings follow etcd's {@code embed/config.go} and {@code v3rpc/grpc.go}: the inbound
 * message limit is {@code max-request-bytes + 512 KiB} (so a request a little over the limit reaches the
 * service and gets etcd's "request is too large"); clients may ping every 5 s, also without active calls
 * (etcdctl pings every 2 s and grpc-go clamps that to 10 s; jetcd's keep-alive likewise), instead of
 * grpc-java's default of 5 minutes, which would GOAWAY them with {@code too_many_pings}.
 *
 * <p>Calls run on the transport's event loops ({@code directExecutor}), not on a thread pool: every service
 * here answers from a future and never blocks the calling thread (reads run on the node's read pool, writes
 * are proposed and answered when applied, status and snapshots go to the I/O executor). gRPC's default pool
 * cost each call a thread hand-off on the way in; without it a 16-client put load made about a third fewer
 * context switches per request. A service added here must keep that contract: anything that may block or
 * take long (disk, RocksDB beyond a point read, waiting for another call) goes to an executor.
 */
public final class EtcdGrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdGrpcServer.class);
    /** etcd's {@code DefaultGRPCKeepAliveMinTime}. */
    public static final long KEEPALIVE_MIN_TIME_SECONDS = 5;
    /** etcd's {@code DefaultGRPCKeepAliveInterval} and {@code DefaultGRPCKeepAliveTimeout}. */
    public static final long KEEPALIVE_TIME_SECONDS = 2 * 60 * 60;
    public static final long KEEPALIVE_TIMEOUT_SECONDS = 20;

    private final Server server;
    /** Drains the watch streams into their calls ({@link WatchService}); owned here, stopped after the server. */
    private final ExecutorService watchSender;

    private EtcdGrpcServer(Server server, ExecutorService watchSender) {
        this.server = server;
        this.watchSender = watchSender;
    }

    /**
     * Starts serving on {@code addresses} (at least one; port 0 picks a free port).
     *
     * @param executor runs the maintenance service's slow work; must not be a gRPC thread pool
     * @param tempDirectory where snapshots are spooled before they are streamed
     */
    public static EtcdGrpcServer start(ReplicatedKv kv, WatchHub hub, List<? extends SocketAddress> addresses,
                                       ServiceLimits limits, Executor executor, Path tempDirectory,
                                       RequestMetrics metrics) {
        Objects.requireNonNull(kv, "kv == null");
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address to listen on");
        }
        NettyServerBuilder b = NettyServerBuilder.forAddress(addresses.get(0));
        for (SocketAddress a : addresses.subList(1, addresses.size())) {
            b.addListenAddress(a);
        }
        MetricsInterceptor interceptor = new MetricsInterceptor(metrics);
        ExecutorService watchSender = newWatchSender();
        b.directExecutor() // see the class comment: no service blocks the calling thread
                .maxInboundMessageSize(limits.maxInboundMessageBytes())
                .permitKeepAliveTime(KEEPALIVE_MIN_TIME_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(KEEPALIVE_TIME_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .addService(ServerInterceptors.intercept(new KvService(kv, limits), interceptor))
                .addService(ServerInterceptors.intercept(new WatchService(kv, hub, watchSender), interceptor))
                .addService(ServerInterceptors.intercept(new LeaseService(kv), interceptor))
                .addService(ServerInterceptors.intercept(new ClusterService(kv), interceptor))
                .addService(ServerInterceptors.intercept(new MaintenanceService(kv, limits, executor, tempDirectory), interceptor))
                .addService(ServerInterceptors.intercept(new AuthService(kv), interceptor));
        try {
            Server server = b.build().start();
            LOG.info("serving etcd v3 gRPC on {}", server.getListenSockets());
            return new EtcdGrpcServer(server, watchSender);
        } catch (IOException e) {
            watchSender.shutdownNow();
            throw new UncheckedIOException("cannot listen for clients on " + addresses + ": " + e.getMessage(), e);
        }
    }

    /**
     * The watch streams' senders: as many threads as cores (2 to 8), a queue, and drains dropped once the server is
     * closed. A watch event readable on N streams queues N drains (serialize the response, hand it to the call's
     * transport; never blocking); with a few threads working through the queue, a burst costs a few wake-ups
     * instead of one thread hand-off per stream, which is what the node's cached pool cost: at 256 watchers on one
     * key, waking its threads took most of the hub thread's time and half of the senders'.
     */
    private static ExecutorService newWatchSender() {
        int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "caravel-watch-send-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy()); // after close nothing is left to send
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The port of the first listen address (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /**
     * Stops accepting calls, gives running calls up to {@code grace} to finish, then cancels the rest.
     * Blocks for at most about {@code grace} plus one second.
     */
    public void close(long graceMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            watchSender.shutdown();
        }
    }

    @Override
    public void close() {
        close(2_000);
    }
}
