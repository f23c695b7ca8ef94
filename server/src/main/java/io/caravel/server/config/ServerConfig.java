package io.caravel.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A member's settings, one field per {@code caravel server} flag (etcd's names). Immutable; built by
 * {@link ServerFlags#parse}.
 *
 * @param listenMetricsUrls where {@code /metrics} and {@code /health} are served (HTTP); empty for none
 * @param heartbeatInterval accepted for etcd compatibility; Ratis derives its heartbeats from the election timeout
 * @param logSegmentBytes the Raft log segment size (the log is purged by whole segments)
 * @param logRetention how long the Raft log is kept behind the store's durable position (RaftTuning.logRetention)
 * @param apiserverListenUrl where the Kubernetes-style API server listens (HTTP); null for none
 */
public record ServerConfig(
        String name,
        Path dataDir,
        List<URI> listenClientUrls,
        List<String> advertiseClientUrls,
        List<URI> listenPeerUrls,
        List<String> initialAdvertisePeerUrls,
        Map<String, String> initialCluster,
        boolean newCluster,
        String initialClusterToken,
        long quotaBackendBytes,
        String autoCompactionMode,
        String autoCompactionRetention,
        long snapshotCount,
        List<URI> listenMetricsUrls,
        Duration electionTimeout,
        Duration heartbeatInterval,
        int maxRequestBytes,
        int maxTxnOps,
        long maxRangeBytes,
        String logLevel,
        long logSegmentBytes,
        Duration logRetention,
        URI apiserverListenUrl) {

    public ServerConfig {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(dataDir, "dataDir == null");
        listenClientUrls = List.copyOf(listenClientUrls);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        listenPeerUrls = List.copyOf(listenPeerUrls);
        initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
        initialCluster = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initialCluster));
        listenMetricsUrls = List.copyOf(listenMetricsUrls);
    }
}
