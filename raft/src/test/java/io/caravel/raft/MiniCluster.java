package io.caravel.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * An in-process cluster of real members (real Ratis, real RocksDB, real gRPC on loopback ports) for
 * tests, in the spirit of Ratis's MiniRaftCluster. Members can be stopped and restarted on their data
 * directories, and new members started to join. Not thread-safe.
 */
final class MiniCluster implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOKEN = "test-cluster";

    /** One member slot: its config and, while running, its node. */
    static final class Node {
        final String name;
        RaftNodeConfig config;
        RatisReplicatedKv kv;

        Node(String name, RaftNodeConfig config) {
            this.name = name;
            this.config = config;
        }

        boolean running() {
            return kv != null;
        }
    }

    private final Path root;
    private final RaftTuning tuning;
    private final UnaryOperator<RaftNodeConfig> tweak;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, String> initialCluster = new LinkedHashMap<>();

    private MiniCluster(Path root, RaftTuning tuning, UnaryOperator<RaftNodeConfig> tweak) {
        this.root = root;
        this.tuning = tuning;
        this.tweak = tweak;
    }

    static MiniCluster start(int size, Path root) {
        return start(size, root, RaftTuning.defaults(), c -> c);
    }

    static MiniCluster start(int size, Path root, RaftTuning tuning, UnaryOperator<RaftNodeConfig> tweak) {
        MiniCluster c = new MiniCluster(root, tuning, tweak);
        for (int i = 0; i < size; i++) {
            c.initialCluster.put("m" + i, "http://127.0.0.1:" + freePort());
        }
        for (int i = 0; i < size; i++) {
            String name = "m" + i;
            c.nodes.add(new Node(name, c.config(name, c.initialCluster.get(name), c.initialCluster, true)));
        }
        for (Node n : c.nodes) {
            c.startNode(n);
        }
        return c;
    }

    RaftNodeConfig config(String name, String peerUrl, Map<String, String> cluster, boolean newCluster) {
        return tweak.apply(new RaftNodeConfig(name, root.resolve(name), peerUrl, peerUrl,
                List.of("http://127.0.0.1:" + (20000 + nodes.size())), cluster, newCluster, TOKEN,
                Duration.ofMillis(1000), Duration.ofMillis(2000), RaftNodeConfig.DEFAULT_QUOTA_BACKEND_BYTES,
                "", "", RaftNodeConfig.DEFAULT_SNAPSHOT_COUNT));
    }

    RaftTuning tuning() {
        return tuning;
    }

    void startNode(Node n) {
        n.kv = RatisReplicatedKv.start(n.config, tuning);
    }

    /** Prepares (does not start) a member that will join the running cluster. */
    Node newJoiner(String name) {
        String url = "http://127.0.0.1:" + freePort();
        Map<String, String> cluster = new LinkedHashMap<>(initialCluster);
        cluster.put(name, url);
        Node n = new Node(name, config(name, url, cluster, false));
        nodes.add(n);
        return n;
    }

    Node node(int i) {
        return nodes.get(i);
    }

    RatisReplicatedKv kv(int i) {
        return Objects.requireNonNull(nodes.get(i).kv, "member " + i + " is not running");
    }

    void stop(int i) {
        Node n = nodes.get(i);
        if (n.kv != null) {
            n.kv.close();
            n.kv = null;
        }
    }

    void restart(int i) {
        stop(i);
        startNode(nodes.get(i));
    }

    /**
     * Waits until every member has published its name (an entry each member proposes once after it starts),
     * as seen through member {@code via}: tests that count entries or move the leadership start after it.
     */
    void awaitEveryMemberPublished(int via) {
        waitUntil(() -> await(kv(via).memberList()).stream().noneMatch(m -> m.name().isEmpty()), WAIT,
                "every member published");
    }

    /** Waits for one running member to lead, known as leader by every running member. */
    int awaitLeader() {
        int[] found = {-1};
        waitUntil(() -> {
            found[0] = -1;
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).running() && nodes.get(i).kv.isLeader()) {
                    found[0] = i;
                }
            }
            if (found[0] < 0) {
                return false;
            }
            long id = nodes.get(found[0]).kv.memberId();
            for (Node n : nodes) {
                if (n.running() && n.kv.leaderId() != id && isMember(n)) {
                    return false;
                }
            }
            return true;
        }, WAIT, "a leader");
        return found[0];
    }

    private boolean isMember(Node n) {
        try {
            return n.kv.status() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Some running member other than the leader. */
    int follower() {
        int leader = awaitLeader();
        for (int i = 0; i < nodes.size(); i++) {
            if (i != leader && nodes.get(i).running()) {
                return i;
            }
        }
        throw new IllegalStateException("no running follower");
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + WAIT, e);
        }
    }

    /** Polls {@code condition} until it holds or the deadline passes (never a bare sleep as sync). */
    static void waitUntil(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Ports handed out by {@link #freePort} in this JVM: never handed out twice. */
    private static final Set<Integer> USED_PORTS = new HashSet<>();

    /**
     * A loopback port that was free a moment ago and that this JVM has not handed out before. The kernel may
     * give the same ephemeral port to two probes in a row (SnapshotRestoreIT once got two members on one port).
     */
    static synchronized int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (USED_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Path root() {
        return root;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            if (n.kv != null) {
                try {
                    n.kv.close();
                } catch (RuntimeException e) {
                    // keep closing the others
                }
                n.kv = null;
            }
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
