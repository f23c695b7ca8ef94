package io.caravel.server;

import io.caravel.apiserver.ApiServer;
import io.caravel.raft.SnapshotRestore;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.server.config.RestoreFlags;
import io.caravel.server.config.ServerConfig;
import io.caravel.server.config.ServerFlags;
import io.caravel.server.config.UsageException;
import io.caravel.server.embed.EmbeddedKvClient;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code caravel} executable: {@code caravel server [flags]} runs a member until SIGTERM/SIGINT,
 * then shuts down cleanly (the API server if {@code --apiserver-listen-url} started one, then gRPC, then the
 * node); {@code caravel apiserver [flags]} runs the stand-alone API server ({@code ApiServerMain});
 * {@code caravel snapshot restore <file> [flags]} restores a member's data directory from a backup
 * ({@link SnapshotRestore}). Exit codes: 0 after a clean stop, 2 for a bad
 * command line (with usage on stderr), 1 when the member cannot start.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        commonPoolParallelism();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Gives the JVM's common fork-join pool max(4, CPUs) threads unless the command line chose a size.
     * With one (its size on a 1- or 2-CPU machine) {@code CompletableFuture}'s {@code *Async} methods
     * without an executor start a new thread per task — Ratis 3.3 does that for every entry a follower
     * appends, which cost a thread creation per write. Must run before anything initializes the pool.
     */
    private static void commonPoolParallelism() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, String.valueOf(Math.max(4, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** Runs the command; returns the exit code (blocks until shutdown for {@code server}). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(topUsage());
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0]) {
            case "version", "--version" -> {
                out.println("caravel " + version() + " (etcd API 3.5)");
                return 0;
            }
            case "server" -> {
                String[] rest = Arrays.copyOfRange(args, 1, args.length);
                if (rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
                    out.print(ServerFlags.usage());
                    return 0;
                }
                ServerConfig config;
                try {
                    config = ServerFlags.parse(rest);
                } catch (UsageException e) {
                    err.println("caravel server: " + e.getMessage());
                    err.println();
                    err.print(ServerFlags.usage());
                    return 2;
                }
                return serve(config);
            }
            case "snapshot" -> {
                return snapshot(Arrays.copyOfRange(args, 1, args.length), out, err);
            }
            case "apiserver" -> {
                // the stand-alone API server over any etcd v3 store (--etcd-servers, --listen-url, --kubeconfig)
                try {
                    io.caravel.apiserver.ApiServerMain.main(Arrays.copyOfRange(args, 1, args.length));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
                return 0;
            }
            default -> {
                err.println("caravel: unknown command '" + args[0] + "'");
                err.print(topUsage());
                return 2;
            }
        }
    }

    private static String topUsage() {
        return """
                Usage: caravel <command> [flags]

                Commands:
                  server    run a member (etcd's flags: caravel server --help)
                  apiserver run the Kubernetes-style API server over an etcd v3 store (caravel apiserver --help)
                  snapshot  restore a new cluster's member from an 'etcdctl snapshot save' file (caravel snapshot restore --help)
                  version   print the version
                """;
    }

    /**
     * {@code caravel snapshot restore <file> [flags]} (etcd's {@code etcdutl snapshot restore}): progress on
     * {@code out}; 0 when restored, 1 when the file or the data directory is refused, 2 for a bad command line.
     */
    private static int snapshot(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("restore")) {
            if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
                out.print(RestoreFlags.usage());
                return 0;
            }
            err.println("caravel snapshot: " + (args.length == 0 ? "missing subcommand" : "unknown subcommand '" + args[0] + "'")
                    + " (only 'restore'; take a snapshot with 'etcdctl snapshot save')");
            err.println();
            err.print(RestoreFlags.usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
            out.print(RestoreFlags.usage());
            return 0;
        }
        SnapshotRestore.Options options;
        try {
            options = RestoreFlags.parse(rest);
        } catch (UsageException e) {
            err.println("caravel snapshot restore: " + e.getMessage());
            err.println();
            err.print(RestoreFlags.usage());
            return 2;
        }
        Logging.configure("warn");
        try {
            SnapshotRestore.restore(options, out::println);
        } catch (IOException | RuntimeException e) {
            err.println("caravel snapshot restore: " + e.getMessage());
            return 1;
        }
        out.println("start it with: caravel server --name " + options.name() + " --data-dir " + options.dataDirectory()
                + " --initial-advertise-peer-urls " + options.advertisePeerUrl() + " --initial-cluster "
                + String.join(",", options.initialCluster().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue()).toList())
                + " --initial-cluster-token " + options.clusterToken() + " --initial-cluster-state new [other flags]");
        return 0;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static int serve(ServerConfig config) {
        Logging.configure(config.logLevel());
        Logger log = LoggerFactory.getLogger(Main.class);
        if (config.initialCluster().size() % 2 == 0) {
            log.warn("the initial cluster has an even number of members ({}): it tolerates no more failures than {} members would; use 3 or 5",
                    config.initialCluster().size(), config.initialCluster().size() - 1);
        }
        if (config.heartbeatInterval().toMillis() != 100) {
            log.info("--heartbeat-interval is accepted for compatibility; Ratis derives heartbeats from --election-timeout");
        }
        CaravelNode node;
        try {
            node = toNode(config).start();
        } catch (RuntimeException e) {
            log.error("cannot start member {}: {}", config.name(), e.getMessage(), e);
            return 1;
        }
        ApiServerRunner api = config.apiserverListenUrl() == null ? null : new ApiServerRunner(node, config.apiserverListenUrl(), log);
        java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            log.info("received shutdown signal, stopping member {}", config.name());
            if (api != null) {
                api.close(); // before the node: its watches and requests end while the store still answers
            }
            node.close();
        }, "caravel-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        log.info("ready to serve client requests on {} as member {}", config.listenClientUrls(), config.name());
        node.terminated().join();
        if (signalled.get()) {
            return 0;
        }
        // stopped on its own (removed from the cluster): exit non-zero so that a supervisor notices
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return 0;
        }
        log.error("member {} stopped serving", config.name());
        return 1;
    }

    /**
     * The API server of {@code --apiserver-listen-url}: started on its own thread once the member knows a leader
     * (so that its first reads and the system namespaces succeed), over an {@link EmbeddedKvClient}; when it cannot
     * listen, the member stops (exit status 1). Closed before the node.
     */
    private static final class ApiServerRunner {
        private final EmbeddedKvClient kv;
        private ApiServer server;
        private boolean closed;

        ApiServerRunner(CaravelNode node, java.net.URI url, Logger log) {
            this.kv = new EmbeddedKvClient(node);
            Thread t = new Thread(() -> {
                try {
                    node.ready(java.time.Duration.ofDays(365)).join();
                } catch (RuntimeException e) {
                    return; // the node stopped first
                }
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        server = ApiServer.start(kv, ApiServerOptions.defaults().withListen(url.getHost(), url.getPort()));
                    } catch (RuntimeException e) {
                        log.error("cannot start the API server on {}: {}", url, e.getMessage(), e);
                        node.close();
                    }
                }
            }, "caravel-apiserver-start");
            t.setDaemon(true);
            t.start();
        }

        synchronized void close() {
            closed = true;
            if (server != null) {
                server.close();
            }
            kv.close();
        }
    }

    /** The node a parsed command line describes. */
    static CaravelNode toNode(ServerConfig c) {
        return CaravelNode.builder()
                .name(c.name())
                .dataDir(c.dataDir())
                .peerUrl(c.listenPeerUrls().get(0).toString())
                .advertisePeerUrl(c.initialAdvertisePeerUrls().get(0))
                .initialCluster(c.initialCluster())
                .joinExisting(!c.newCluster())
                .clusterToken(c.initialClusterToken())
                .listenClientUrls(c.listenClientUrls())
                .advertiseClientUrls(c.advertiseClientUrls())
                .listenMetricsUrls(c.listenMetricsUrls())
                .quotaBackendBytes(c.quotaBackendBytes())
                .autoCompaction(c.autoCompactionMode(), c.autoCompactionRetention())
                .snapshotCount(c.snapshotCount())
                .electionTimeout(c.electionTimeout())
                .maxRequestBytes(c.maxRequestBytes())
                .maxTxnOps(c.maxTxnOps())
                .maxRangeBytes(c.maxRangeBytes())
                .logSegmentBytes(c.logSegmentBytes())
                .logRetention(c.logRetention())
                .build();
    }
}
