package io.caravel.apiserver.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's etcd ({@code /usr/bin/etcd}, package etcd-server) as a single-member cluster on free loopback ports
 * with a temporary data directory; output in {@code target/it-logs/etcd-*.log}.
 */
public final class EtcdProcess implements AutoCloseable {
    public static final String BINARY = "/usr/bin/etcd";
    public static final String MISSING = "Debian's etcd is not installed (apt-get install etcd-server)";

    private final Path dataDir;
    private final int clientPort = Ports.free();
    private final int peerPort = Ports.free();
    private final Process process;

    private EtcdProcess() throws IOException {
        dataDir = Files.createTempDirectory("apiserver-etcd-");
        Path logs = Path.of("target", "it-logs");
        Files.createDirectories(logs);
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(BINARY, "--name", "default", "--data-dir", dataDir.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "default=" + peer, "--log-level", "warn", "--logger", "zap"))
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve("etcd-" + clientPort + ".log").toFile());
        pb.environment().put("ETCD_UNSUPPORTED_ARCH", "");
        process = pb.start();
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Starts etcd and waits (up to 30 s) until it answers /health. */
    public static EtcdProcess start() throws IOException {
        EtcdProcess e = new EtcdProcess();
        try {
            Processes.await(Duration.ofSeconds(30), "etcd /health", () -> {
                if (!e.process.isAlive()) {
                    throw new AssertionError("etcd exited with " + e.process.exitValue());
                }
                return Processes.ok(e.endpoint() + "/health");
            });
        } catch (RuntimeException | Error t) {
            e.close();
            throw t;
        }
        return e;
    }

    /** The etcd process id (for CPU accounting in benchmarks). */
    public long pid() {
        return process.pid();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        Processes.deleteTree(dataDir);
    }
}
