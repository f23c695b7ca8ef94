package io.caravel.server.config;

import io.caravel.raft.RaftNodeConfig;
import io.caravel.raft.RaftTuning;
import io.caravel.server.grpc.ServiceLimits;
import io.caravel.store.StoreOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code caravel server} flags, named and defaulted as etcd's ({@code server/embed/config.go},
 * {@code etcdmain/config.go}) where Caravel has the same setting. Both {@code --flag=value} and
 * {@code --flag value} work. Stateless.
 */
public final class ServerFlags {
    /** One flag: its name, default (as the user would type it) and help line. */
    public record Flag(String name, String defaultValue, String help) {
    }

    public static final List<Flag> FLAGS = List.of(
            new Flag("name", "default", "Human-readable name for this member."),
            new Flag("data-dir", "./caravel-data", "Path to the data directory (store, Raft log, snapshots)."),
            new Flag("listen-client-urls", "http://localhost:2379", "Comma-separated URLs to listen on for client (gRPC) traffic."),
            new Flag("advertise-client-urls", "http://localhost:2379", "Comma-separated client URLs to publish to the cluster (member list)."),
            new Flag("listen-peer-urls", "http://localhost:2380", "URL to listen on for peer (Raft) traffic."),
            new Flag("initial-advertise-peer-urls", "http://localhost:2380", "This member's peer URL as the other members reach it."),
            new Flag("initial-cluster", "<name>=<initial-advertise-peer-urls>", "Initial cluster: comma-separated name=peerURL, one per member."),
            new Flag("initial-cluster-state", "new", "'new' to bootstrap a cluster, 'existing' to join one (after 'member add')."),
            new Flag("initial-cluster-token", "etcd-cluster", "Initial cluster token; part of the cluster id."),
            new Flag("quota-backend-bytes", "0", "Backend size that raises the NOSPACE alarm (0 = default 2 GiB)."),
            new Flag("auto-compaction-mode", "periodic", "'periodic' (retention is a duration) or 'revision' (retention is a count)."),
            new Flag("auto-compaction-retention", "0", "Auto-compaction retention: 0 disables; '1h', '30m', or hours as a number for periodic."),
            new Flag("snapshot-count", String.valueOf(RaftNodeConfig.DEFAULT_SNAPSHOT_COUNT), "Applied entries between snapshots, after which the Raft log is purged."),
            new Flag("listen-metrics-urls", "", "Comma-separated http URLs serving /metrics (Prometheus) and /health; empty for none."),
            new Flag("election-timeout", "1000", "Raft election timeout in milliseconds (Ratis picks in [timeout, 2*timeout])."),
            new Flag("heartbeat-interval", "100", "Accepted for etcd compatibility; Ratis derives heartbeats from the election timeout."),
            new Flag("max-request-bytes", String.valueOf(ServiceLimits.DEFAULT_MAX_REQUEST_BYTES), "Largest client request accepted, in bytes."),
            new Flag("max-txn-ops", String.valueOf(StoreOptions.DEFAULT_MAX_TXN_OPS), "Most operations in one txn branch."),
            new Flag("max-range-bytes", String.valueOf(StoreOptions.DEFAULT_MAX_RANGE_BYTES), "Caravel only: most bytes of keys and values one read may fetch for its ranges; a range over more fails with RESOURCE_EXHAUSTED and is read in pages with a limit (0: no bound; a response is held whole on the heap)."),
            new Flag("log-level", "info", "Log level: debug, info, warn, error."),
            new Flag("experimental-log-segment-bytes", String.valueOf(RaftTuning.defaults().logSegmentSizeBytes()), "Caravel only: Raft log segment size; the log is purged by whole segments after a snapshot."),
            new Flag("experimental-log-retention-ms", String.valueOf(RaftTuning.defaults().logRetention().toMillis()), "Caravel only: how long the Raft log is kept behind the store's durable position, so that a restarted member still recognises requests a client resends (0: purge up to the snapshot)."),
            new Flag("apiserver-listen-url", "", "Caravel only: http URL (host:port) serving the Kubernetes-style API (kubectl --server) from this member's store; empty for none."));

    private ServerFlags() {
    }

    /** The usage text of {@code caravel server}. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: caravel server [flags]\n\nStarts a Caravel member serving etcd's v3 gRPC API.\n\nFlags:\n");
        for (Flag f : FLAGS) {
            sb.append(String.format(Locale.ROOT, "  --%-28s %s (default: %s)%n", f.name(), f.help(),
                    f.defaultValue().isEmpty() ? "none" : f.defaultValue()));
        }
        return sb.toString();
    }

    /**
     * Parses the flags that follow {@code caravel server}.
     *
     * @throws UsageException with a message naming the offending flag or value
     */
    public static ServerConfig parse(String... args) throws UsageException {
        return build(given(FLAGS, args, Set.of(), null));
    }

    /**
     * The flags of {@code args} by name, each checked against {@code flags}: {@code --flag=value} or
     * {@code --flag value}, and a bare {@code --flag} for one of {@code switches} ("true"). Arguments that are
     * not flags go to {@code positional}, or are refused when it is null.
     */
    static Map<String, String> given(List<Flag> flags, String[] args, Set<String> switches, List<String> positional)
            throws UsageException {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                if (positional == null) {
                    throw new UsageException("unexpected argument '" + a + "'");
                }
                positional.add(a);
                continue;
            }
            String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String name;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else if (switches.contains(body)) {
                name = body;
                value = "true";
            } else {
                name = body;
                if (i + 1 >= args.length) {
                    throw new UsageException("flag needs an argument: --" + name);
                }
                value = args[++i];
            }
            if (flags.stream().noneMatch(f -> f.name().equals(name))) {
                throw new UsageException("unknown flag: --" + name);
            }
            if (given.put(name, value) != null) {
                throw new UsageException("flag given twice: --" + name);
            }
        }
        return given;
    }

    /** The value given for flag {@code name}, else its default in {@code flags}. */
    static String get(List<Flag> flags, Map<String, String> given, String name) {
        String v = given.get(name);
        if (v != null) {
            return v;
        }
        return flags.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().defaultValue();
    }

    private static String get(Map<String, String> given, String name) {
        return get(FLAGS, given, name);
    }

    private static ServerConfig build(Map<String, String> g) throws UsageException {
        String name = get(g, "name");
        if (name.isBlank()) {
            throw new UsageException("--name must not be empty");
        }
        List<URI> listenClient = urls("listen-client-urls", get(g, "listen-client-urls"), true);
        List<URI> advertiseClient = urls("advertise-client-urls", get(g, "advertise-client-urls"), true);
        List<URI> listenPeer = urls("listen-peer-urls", get(g, "listen-peer-urls"), true);
        List<URI> advertisePeer = urls("initial-advertise-peer-urls", get(g, "initial-advertise-peer-urls"), true);
        List<URI> metrics = urls("listen-metrics-urls", get(g, "listen-metrics-urls"), false);

        Map<String, String> cluster = initialCluster(g.get("initial-cluster"), name, advertisePeer.get(0));
        String state = get(g, "initial-cluster-state");
        if (!state.equals("new") && !state.equals("existing")) {
            throw new UsageException("--initial-cluster-state must be 'new' or 'existing', got '" + state + "'");
        }
        boolean newCluster = state.equals("new");
        checkOwnEntry(cluster, name, advertisePeer.get(0), newCluster);

        long quota = longValue(g, "quota-backend-bytes", 0, Long.MAX_VALUE);
        String mode = get(g, "auto-compaction-mode");
        if (!mode.equals("periodic") && !mode.equals("revision")) {
            throw new UsageException("--auto-compaction-mode must be 'periodic' or 'revision', got '" + mode + "'");
        }
        String retention = get(g, "auto-compaction-retention").trim();
        checkRetention(mode, retention);
        long snapshotCount = longValue(g, "snapshot-count", 1, Long.MAX_VALUE);
        long election = longValue(g, "election-timeout", 10, 600_000);
        long heartbeat = longValue(g, "heartbeat-interval", 1, 600_000);
        if (heartbeat * 5 > election) {
            // etcd refuses an election timeout under 5 heartbeats (etcdmain: "--election-timeout[...] should be > 5 times --heartbeat-interval")
            throw new UsageException("--election-timeout[" + election + "ms] should be at least as 5 times as --heartbeat-interval[" + heartbeat + "ms]");
        }
        int maxRequest = (int) longValue(g, "max-request-bytes", 1, Integer.MAX_VALUE - ServiceLimits.GRPC_OVERHEAD_BYTES);
        int maxTxnOps = (int) longValue(g, "max-txn-ops", 1, Integer.MAX_VALUE);
        long maxRangeBytes = longValue(g, "max-range-bytes", 0, Long.MAX_VALUE);
        String level = get(g, "log-level").toLowerCase(Locale.ROOT);
        if (!List.of("debug", "info", "warn", "error").contains(level)) {
            throw new UsageException("--log-level must be debug, info, warn or error, got '" + level + "'");
        }
        long segment = longValue(g, "experimental-log-segment-bytes", 1024, 1L << 30);
        long retentionMs = longValue(g, "experimental-log-retention-ms", 0, 24L * 3600 * 1000);
        List<URI> apiserver = urls("apiserver-listen-url", get(g, "apiserver-listen-url"), false);
        if (apiserver.size() > 1) {
            throw new UsageException("--apiserver-listen-url takes one URL, got " + apiserver.size());
        }
        return new ServerConfig(name, Path.of(get(g, "data-dir")), listenClient,
                advertiseClient.stream().map(URI::toString).toList(), listenPeer,
                advertisePeer.stream().map(URI::toString).toList(), cluster, newCluster,
                get(g, "initial-cluster-token"), quota, mode, retention, snapshotCount, metrics,
                Duration.ofMillis(election), Duration.ofMillis(heartbeat), maxRequest, maxTxnOps, maxRangeBytes, level, segment,
                Duration.ofMillis(retentionMs), apiserver.isEmpty() ? null : apiserver.get(0));
    }

    /** {@code --initial-cluster} (name=peerURL,...), or this member alone when it is not given (null). */
    static Map<String, String> initialCluster(String value, String name, URI advertisePeer) throws UsageException {
        Map<String, String> cluster = new LinkedHashMap<>();
        if (value == null) {
            cluster.put(name, advertisePeer.toString());
            return cluster;
        }
        for (String part : value.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new UsageException("--initial-cluster: expected name=peerURL, got '" + p + "'");
            }
            String n = p.substring(0, eq);
            urls("initial-cluster", p.substring(eq + 1), true);
            if (cluster.put(n, p.substring(eq + 1)) != null) {
                throw new UsageException("--initial-cluster: member '" + n + "' listed twice (one peer URL per member)");
            }
        }
        return cluster;
    }

    /** {@code cluster} lists member {@code name} (required when {@code mustInclude}) at {@code advertisePeer}. */
    static void checkOwnEntry(Map<String, String> cluster, String name, URI advertisePeer, boolean mustInclude)
            throws UsageException {
        if (mustInclude && !cluster.containsKey(name)) {
            throw new UsageException("--initial-cluster must include this member's --name '" + name + "': " + cluster.keySet());
        }
        if (cluster.containsKey(name) && !sameUrl(cluster.get(name), advertisePeer.toString())) {
            throw new UsageException("--initial-cluster has " + name + "=" + cluster.get(name)
                    + " but --initial-advertise-peer-urls is " + advertisePeer);
        }
    }

    private static boolean sameUrl(String a, String b) {
        return stripSlash(a).equals(stripSlash(b));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static void checkRetention(String mode, String retention) throws UsageException {
        if (retention.isEmpty() || retention.equals("0")) {
            return;
        }
        if (mode.equals("revision")) {
            try {
                if (Long.parseLong(retention) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new UsageException("--auto-compaction-retention for mode 'revision' must be a revision count, got '" + retention + "'");
            }
        } else if (!retention.matches("\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(h|m|s|ms))+")) {
            throw new UsageException("--auto-compaction-retention for mode 'periodic' must be hours (e.g. 1) or a duration (e.g. 30m, 1h), got '" + retention + "'");
        }
    }

    private static long longValue(Map<String, String> g, String name, long min, long max) throws UsageException {
        String v = get(g, name).trim();
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + n);
        }
        return n;
    }

    static List<URI> urls(String flag, String value, boolean required) throws UsageException {
        List<URI> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            URI u;
            try {
                u = new URI(p);
            } catch (URISyntaxException e) {
                throw new UsageException("--" + flag + ": not a URL: '" + p + "'");
            }
            if (!"http".equals(u.getScheme())) {
                throw new UsageException("--" + flag + ": only http:// URLs are supported (no TLS yet), got '" + p + "'");
            }
            if (u.getHost() == null || u.getPort() < 0 || u.getPort() > 65535) {
                throw new UsageException("--" + flag + ": URL needs a host and a port, got '" + p + "'");
            }
            if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
                throw new UsageException("--" + flag + ": URL must not have a path, got '" + p + "'");
            }
            out.add(u);
        }
        if (required && out.isEmpty()) {
            throw new UsageException("--" + flag + " needs at least one URL");
        }
        return out;
    }
}
