package io.caravel.server;

import io.caravel.server.config.ServerConfig;
import io.caravel.server.config.ServerFlags;
import io.caravel.server.config.UsageException;
import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code caravel} executable: {@code caravel server [flags]} runs a member until SIGTERM/SIGINT,
 * then shuts down cleanly (gRPC first, then the node). Exit codes: 0 after a clean stop, 2 for a bad
 * command line (with usage on stderr), 1 when the member cannot start.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
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
                  version   print the version
                """;
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
        java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            log.info("received shutdown signal, stopping member {}", config.name());
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
                .logSegmentBytes(c.logSegmentBytes())
                .build();
    }
}
