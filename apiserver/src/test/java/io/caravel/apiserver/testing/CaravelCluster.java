package io.caravel.apiserver.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real {@code caravel server} processes on loopback (the approach of the server module's ProcessCluster):
 * free ports, a temporary data directory per member, output in {@code target/it-logs/}. The server jar comes from
 * {@code server/target}; when it is missing (or a {@code ./caravel} build stamp says the script manages it), the
 * {@code ./caravel} script's own build step runs first. {@link #available()} tells whether a jar could be had.
 */
public final class CaravelCluster implements AutoCloseable {
    private static Boolean built;
    private static String buildProblem = "";

    /** The members' JVM options for tests: small heaps, quick start. */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    /**
     * No JVM options of the harness's own: members are started through the {@code ./caravel} launcher with its
     * options ({@code server/jvm.options}), as a user starts them (for benchmarks).
     */
    public static final List<String> LAUNCHER_JVM_OPTIONS = List.of();

    private final Path root;
    private final Path logs;
    private final List<String> jvmOptions;
    private final List<Member> members = new ArrayList<>();

    private CaravelCluster(int size, List<String> jvmOptions) throws IOException {
        this.jvmOptions = List.copyOf(jvmOptions);
        root = Files.createTempDirectory("apiserver-caravel-");
        logs = Path.of("target", "it-logs", "caravel-" + System.nanoTime());
        Files.createDirectories(logs);
        for (int i = 1; i <= size; i++) {
            members.add(new Member("n" + i));
        }
    }

    /** Whether the server jar exists (building it with the ./caravel script first if needed). */
    public static synchronized boolean available() {
        if (built == null) {
            built = build();
        }
        return built;
    }

    /** Why {@link #available()} is false. */
    public static String unavailableReason() {
        return "the caravel server jar could not be built (" + buildProblem + "); run ./caravel --help once";
    }

    private static boolean build() {
        Path repo = Processes.repoRoot();
        Path target = repo.resolve("server/target");
        boolean stamp = Files.exists(target.resolve("caravel.stamp"));
        if (jar(target) == null || !Files.isDirectory(target.resolve("lib")) || stamp) {
            try {
                Path log = Path.of("target", "it-logs", "caravel-build.log");
                Files.createDirectories(log.getParent());
                Process p = new ProcessBuilder(repo.resolve("caravel").toString(), "--help").directory(repo.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    buildProblem = "build timed out";
                    return false;
                }
                if (p.exitValue() != 0) {
                    buildProblem = "./caravel --help exited " + p.exitValue() + ", see " + log.toAbsolutePath();
                    // a concurrent build of server/ can fail ours; a jar already there is still usable
                    return jar(target) != null && Files.isDirectory(target.resolve("lib"));
                }
            } catch (IOException e) {
                buildProblem = e.toString();
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                buildProblem = "interrupted";
                return false;
            }
        }
        if (jar(target) == null) {
            buildProblem = "no jar in " + target;
            return false;
        }
        return true;
    }

    private static Path jar(Path target) {
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("caravel-server-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("tests"))
                    .filter(p -> !p.getFileName().toString().contains("sources"))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code size} members as one new cluster and waits until each answers /health. */
    public static CaravelCluster start(int size) throws IOException {
        return start(size, TEST_JVM_OPTIONS);
    }

    /** {@link #start(int)} with the members' JVM options ({@link #LAUNCHER_JVM_OPTIONS}: the launcher's). */
    public static CaravelCluster start(int size, List<String> jvmOptions) throws IOException {
        if (!available()) {
            throw new IllegalStateException(unavailableReason());
        }
        CaravelCluster c = new CaravelCluster(size, jvmOptions);
        try {
            String initial = c.members.stream().map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
            for (Member m : c.members) {
                m.start(initial);
            }
            c.awaitHealthy(Duration.ofSeconds(90));
            return c;
        } catch (RuntimeException | Error | IOException e) {
            c.close();
            throw e;
        }
    }

    public void awaitHealthy(Duration timeout) {
        Processes.await(timeout, "caravel members healthy (logs in " + logs.toAbsolutePath() + ")",
                () -> members.stream().filter(Member::alive).allMatch(m -> Processes.ok(m.metricsUrl() + "/health")));
    }

    /** Client URLs of the members, comma-separated. */
    public String endpoints() {
        return members.stream().map(Member::clientUrl).collect(Collectors.joining(","));
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.kill();
        }
        Processes.deleteTree(root);
    }

    /** One member process. */
    public final class Member {
        final String name;
        final int clientPort = Ports.free();
        final int peerPort = Ports.free();
        final int metricsPort = Ports.free();
        private Process process;

        Member(String name) {
            this.name = name;
        }

        public String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        String metricsUrl() {
            return "http://127.0.0.1:" + metricsPort;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** The member's process id (for CPU accounting in benchmarks); -1 when not started. */
        public long pid() {
            return process == null ? -1 : process.pid();
        }

        void start(String initialCluster) throws IOException {
            Path target = Processes.repoRoot().resolve("server/target");
            List<String> cmd = new ArrayList<>();
            if (jvmOptions.isEmpty()) {
                // the launcher execs java, so the process (and its pid) is the member's JVM
                cmd.add(Processes.repoRoot().resolve("caravel").toString());
            } else {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of("-cp", jar(target) + File.pathSeparator + target.resolve("lib") + "/*",
                        "io.caravel.server.Main"));
            }
            cmd.addAll(List.of("server", "--name", name, "--data-dir", root.resolve(name).toString(),
                    "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", peerUrl(), "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                    "--listen-metrics-urls", metricsUrl()));
            Path log = logs.resolve(name + ".log");
            Files.writeString(log, "==== " + String.join(" ", cmd) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().remove("CARAVEL_JAVA_OPTS"); // which would replace the launcher's options
            process = pb.start();
        }

        void kill() {
            if (process == null) {
                return;
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
