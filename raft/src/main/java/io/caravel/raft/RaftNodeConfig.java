package io.caravel.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a member needs to start, in etcd's terms (the {@code caravel server} flags map onto it
 * one to one).
 *
 * @param name this member's name ({@code --name})
 * @param dataDirectory where the store and the Raft log live ({@code --data-dir}); the store is kept
 *                      outside Ratis's storage directory
 * @param peerUrl the URL this member's Raft endpoint listens on ({@code --listen-peer-urls})
 * @param advertisePeerUrl the URL others reach it at ({@code --initial-advertise-peer-urls})
 * @param clientUrls the client URLs it publishes ({@code --advertise-client-urls})
 * @param initialCluster name to peer URL of every initial member ({@code --initial-cluster})
 * @param newCluster true for {@code --initial-cluster-state new}, false to join an existing cluster
 * @param clusterToken {@code --initial-cluster-token}, part of the cluster id
 * @param electionTimeoutMin the Raft election timeout lower bound (JVM-friendly default 1 s)
 * @param electionTimeoutMax the upper bound (default 2 s)
 * @param quotaBackendBytes the NOSPACE alarm threshold ({@code --quota-backend-bytes}, default 2 GiB)
 * @param autoCompactionMode {@code periodic}, {@code revision} or empty for none
 * @param autoCompactionRetention for periodic: a duration ("1h", "30m", or hours as a number);
 *                                for revision: how many revisions to keep
 * @param snapshotCount applied entries between snapshots, after which the log is purged (etcd's {@code --snapshot-count})
 */
public record RaftNodeConfig(
        String name,
        Path dataDirectory,
        String peerUrl,
        String advertisePeerUrl,
        List<String> clientUrls,
        Map<String, String> initialCluster,
        boolean newCluster,
        String clusterToken,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long quotaBackendBytes,
        String autoCompactionMode,
        String autoCompactionRetention,
        long snapshotCount) {

    public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L << 30;
    public static final long DEFAULT_SNAPSHOT_COUNT = 10_000;

    public RaftNodeConfig {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(dataDirectory, "dataDirectory == null");
        Objects.requireNonNull(peerUrl, "peerUrl == null");
        Objects.requireNonNull(advertisePeerUrl, "advertisePeerUrl == null");
        clientUrls = List.copyOf(clientUrls);
        initialCluster = Map.copyOf(initialCluster);
        Objects.requireNonNull(clusterToken, "clusterToken == null");
        Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin == null");
        Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax == null");
        Objects.requireNonNull(autoCompactionMode, "autoCompactionMode == null");
        Objects.requireNonNull(autoCompactionRetention, "autoCompactionRetention == null");
        if (!initialCluster.containsKey(name) && newCluster) {
            throw new IllegalArgumentException("--initial-cluster must contain this member's name '" + name + "': " + initialCluster);
        }
        if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
            throw new IllegalArgumentException("election timeout min must be below max: " + electionTimeoutMin + " >= " + electionTimeoutMax);
        }
    }
}
