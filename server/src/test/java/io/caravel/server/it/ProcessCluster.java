package io.caravel.server.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real {@code caravel server} processes on loopback, for integration tests: free ports, a temporary data
 * directory per member, each member's output in {@code target/it-logs/<cluster>/<name>.log}, SIGKILL and
 * restart. Started from the module's packaged jar and {@code target/lib} (what {@code ./caravel} runs).
 */
final class ProcessCluster implements AutoCloseable {
    private static final Set<Integer> USED_PORTS = new HashSet<>();

    private final String id;
    private final Path root;
    private final Path logs;
    private final List<String> extraFlags;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ProcessCluster(String id, List<String> extraFlags) throws IOException {
        this.id = id;
        this.extraFlags = List.copyOf(extraFlags);
        this.root = Files.createTempDirectory("caravel-it-" + id + "-");
        this.logs = Path.of("target", "it-logs", id + "-" + System.currentTimeMillis());
        Files.createDirectories(logs);
    }

    /** Starts {@code size} members named n1..nN as a new cluster and waits until every one knows the leader. */
    static ProcessCluster start(String id, int size, String... extraFlags) throws Exception {
        ProcessCluster c = new ProcessCluster(id, List.of(extraFlags));
        try {
            for (int i = 1; i <= size; i++) {
                c.members.put("n" + i, c.new Member("n" + i));
            }
            String initial = c.initialCluster();
            for (Member m : c.members.values()) {
                m.start(initial, "new");
            }
            c.awaitHealthy(Duration.ofSeconds(60));
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /**
     * Members n1..nN of a new cluster, created but not started, so that their data directories
     * ({@link Member#dataDir}) can be prepared first (e.g. by {@code caravel snapshot restore}); then
     * {@link #startNew}.
     */
    static ProcessCluster prepare(String id, int size, String... extraFlags) throws IOException {
        ProcessCluster c = new ProcessCluster(id, List.of(extraFlags));
        for (int i = 1; i <= size; i++) {
            c.members.put("n" + i, c.new Member("n" + i));
        }
        return c;
    }

    /** Starts every member of a {@link #prepare}d cluster as a new cluster and waits until every one knows the leader. */
    void startNew(Duration timeout) throws IOException, InterruptedException {
        String initial = initialCluster();
        for (Member m : members.values()) {
            m.start(initial, "new");
        }
        awaitHealthy(timeout);
    }

    /** The base of the members' data directories (deleted by {@link #close}). */
    Path root() {
        return root;
    }

    String initialCluster() {
        return members.values().stream().map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
    }

    /** A new member (not started): {@code member add} it, then {@link Member#start} it with state "existing". */
    Member newMember(String name) {
        Member m = new Member(name);
        members.put(name, m);
        return m;
    }

    List<Member> members() {
        return List.copyOf(members.values());
    }

    Member member(String name) {
        return members.get(name);
    }

    List<Member> alive() {
        return members.values().stream().filter(Member::isAlive).toList();
    }

    /** Client endpoints of the live members, comma-separated (etcdctl's --endpoints). */
    String endpoints() {
        return alive().stream().map(Member::clientUrl).collect(Collectors.joining(","));
    }

    /** Waits until every live member answers /health with 200 (it knows a leader, no alarm). */
    void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean all = true;
            for (Member m : alive()) {
                all &= m.healthy();
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("cluster " + id + " not healthy after " + timeout + "; logs in " + logs.toAbsolutePath());
            }
            Thread.sleep(100);
        }
    }

    /** The live member that reports itself leader, waiting up to {@code timeout} for one. */
    Member leader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Member m : alive()) {
                if (m.metrics().contains("\ncaravel_raft_is_leader 1\n")) {
                    return m;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no leader among " + alive() + " after " + timeout);
    }

    Path logs() {
        return logs;
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            m.kill9();
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                int p = s.getLocalPort();
                if (USED_PORTS.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static List<String> javaCommand() {
        Path target = Path.of("target").toAbsolutePath();
        Path jar;
        try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().matches("caravel-server-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("tests"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no server jar in " + target + ": run mvn package first"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", jar + File.pathSeparator + target.resolve("lib") + "/*", "io.caravel.server.Main");
    }

    /** One member process. */
    final class Member {
        final String name;
        final int clientPort = freePort();
        final int peerPort = freePort();
        final int metricsPort = freePort();
        final Path dataDir;
        private Process process;
        private String lastInitialCluster;
        private String lastState;
        private int starts;

        Member(String name) {
            this.name = name;
            this.dataDir = root.resolve(name);
        }

        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        Path log() {
            return logs.resolve(name + ".log");
        }

        void start(String initialCluster, String state) throws IOException {
            lastInitialCluster = initialCluster;
            lastState = state;
            List<String> cmd = new ArrayList<>(javaCommand());
            cmd.addAll(List.of("server", "--name", name, "--data-dir", dataDir.toString(),
                    "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", peerUrl(), "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
            cmd.addAll(extraFlags);
            starts++;
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            Files.writeString(log(), "==== start " + starts + ": " + String.join(" ", cmd) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
        }

        /** Starts again with the flags of the last start; a member restarts from its data directory. */
        void restart() throws IOException {
            if (isAlive()) {
                throw new IllegalStateException(name + " is running");
            }
            start(lastInitialCluster, lastState);
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }

        long pid() {
            return process.pid();
        }

        /** SIGKILL, and wait for the process to be gone. */
        void kill9() {
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

        /** SIGTERM; returns the exit code (or -1 if still running after {@code timeout}). */
        int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        boolean healthy() {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        String metrics() {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        String logText() throws IOException {
            return Files.readString(log());
        }

        @Override
        public String toString() {
            return name + "(client " + clientPort + ", peer " + peerPort + (isAlive() ? "" : ", down") + ")";
        }
    }
}
