package io.caravel.server.config;

import io.caravel.raft.SnapshotRestore;
import io.caravel.server.config.ServerFlags.Flag;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code caravel snapshot restore <file> [flags]}: the flags of etcd's {@code etcdutl snapshot
 * restore} that Caravel has ({@code --name}, {@code --data-dir}, {@code --initial-cluster},
 * {@code --initial-cluster-token}, {@code --initial-advertise-peer-urls}, {@code --skip-hash-check}),
 * with {@code caravel server}'s defaults, so that a restore and the start that follows it agree when
 * both are given the same flags. Both {@code --flag=value} and {@code --flag value} work;
 * {@code --skip-hash-check} needs no value. Stateless.
 */
public final class RestoreFlags {
    public static final List<Flag> FLAGS = List.of(
            new Flag("name", "default", "Name of the restored member (as its 'caravel server --name')."),
            new Flag("data-dir", "./caravel-data", "Data directory to create for it; must not exist or be empty."),
            new Flag("initial-cluster", "<name>=<initial-advertise-peer-urls>", "The new cluster: comma-separated name=peerURL, one per member."),
            new Flag("initial-cluster-token", "etcd-cluster", "The new cluster's token; part of the new cluster and member ids."),
            new Flag("initial-advertise-peer-urls", "http://localhost:2380", "The restored member's peer URL."),
            new Flag("skip-hash-check", "false", "Do not verify the file's sha256 trailer (needed for a file without one)."));

    private RestoreFlags() {
    }

    /** The usage text of {@code caravel snapshot restore}. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("""
                Usage: caravel snapshot restore <file> [flags]

                Creates the data directory of one member of a NEW cluster from a file written by
                'etcdctl snapshot save' against a Caravel member. Restore every member of the new
                cluster from the same file with its own --name and --initial-advertise-peer-urls, then
                start each with 'caravel server --initial-cluster-state new' and the same --name,
                --data-dir, --initial-cluster, --initial-cluster-token and --initial-advertise-peer-urls.

                Flags:
                """);
        for (Flag f : FLAGS) {
            sb.append(String.format(Locale.ROOT, "  --%-28s %s (default: %s)%n", f.name(), f.help(), f.defaultValue()));
        }
        return sb.toString();
    }

    /**
     * Parses the arguments that follow {@code caravel snapshot restore}.
     *
     * @throws UsageException with a message naming the offending argument, flag or value
     */
    public static SnapshotRestore.Options parse(String... args) throws UsageException {
        List<String> files = new ArrayList<>();
        Map<String, String> given = ServerFlags.given(FLAGS, args, Set.of("skip-hash-check"), files);
        if (files.isEmpty()) {
            throw new UsageException("the snapshot file to restore is missing");
        }
        if (files.size() > 1) {
            throw new UsageException("unexpected argument '" + files.get(1) + "' (one snapshot file, given: " + files.get(0) + ")");
        }
        String file = files.get(0);
        String name = get(given, "name");
        if (name.isBlank()) {
            throw new UsageException("--name must not be empty");
        }
        List<URI> advertise = ServerFlags.urls("initial-advertise-peer-urls", get(given, "initial-advertise-peer-urls"), true);
        Map<String, String> cluster = ServerFlags.initialCluster(given.get("initial-cluster"), name, advertise.get(0));
        ServerFlags.checkOwnEntry(cluster, name, advertise.get(0), true);
        String token = get(given, "initial-cluster-token");
        if (token.isBlank()) {
            throw new UsageException("--initial-cluster-token must not be empty");
        }
        String skip = get(given, "skip-hash-check").toLowerCase(Locale.ROOT);
        if (!skip.equals("true") && !skip.equals("false")) {
            throw new UsageException("--skip-hash-check must be true or false, got '" + skip + "'");
        }
        return new SnapshotRestore.Options(Path.of(file), Path.of(get(given, "data-dir")), name, cluster, token,
                advertise.get(0).toString(), skip.equals("true"));
    }

    private static String get(Map<String, String> given, String name) {
        return ServerFlags.get(FLAGS, given, name);
    }
}
