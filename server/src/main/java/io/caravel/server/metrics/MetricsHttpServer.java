package io.caravel.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caravel.raft.Alarm;
import io.caravel.raft.NodeStatus;
import io.caravel.raft.ProposalCounts;
import io.caravel.raft.ReplicatedKv;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text format 0.0.4) and {@code /health} over HTTP, on the JDK's HTTP
 * server with one small thread of its own per listener. {@code /health} answers as etcd's does:
 * {@code {"health":"true","reason":""}} with 200, or 503 with {@code "false"} and the reason when this
 * member knows no leader or an alarm is raised.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService executor;
    private final ReplicatedKv kv;
    private final RequestMetrics requests;
    private final IntSupplier watchers;
    private final long quotaBytes;
    private final ProcessMetrics process;

    public MetricsHttpServer(List<InetSocketAddress> addresses, ReplicatedKv kv, RequestMetrics requests,
                             IntSupplier watchers, long quotaBytes) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.requests = Objects.requireNonNull(requests, "requests == null");
        this.watchers = Objects.requireNonNull(watchers, "watchers == null");
        this.quotaBytes = quotaBytes;
        this.process = new ProcessMetrics(kv::storeMemory);
        this.executor = Executors.newFixedThreadPool(1, r -> {
            Thread t = new Thread(r, "caravel-metrics-http");
            t.setDaemon(true);
            return t;
        });
        try {
            for (InetSocketAddress a : addresses) {
                HttpServer s = HttpServer.create(a, 16);
                s.createContext("/metrics", this::metrics);
                s.createContext("/health", this::health);
                s.setExecutor(executor);
                s.start();
                servers.add(s);
                LOG.info("serving /metrics and /health on http://{}:{}", a.getHostString(), s.getAddress().getPort());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen for metrics on " + addresses + ": " + e.getMessage(), e);
        }
    }

    /** The port of the first listener. */
    public int port() {
        return servers.get(0).getAddress().getPort();
    }

    private void metrics(HttpExchange ex) throws IOException {
        StringBuilder sb = new StringBuilder(4096);
        requests.render(sb);
        NodeStatus s = kv.status();
        boolean isLeader = s.leaderId() != 0 && s.leaderId() == kv.memberId();
        gauge(sb, "caravel_mvcc_revision", "The store's current revision on this member.", kv.currentRevision());
        gauge(sb, "caravel_mvcc_compact_revision", "The store's compact revision on this member.", kv.compactRevision());
        gauge(sb, "caravel_raft_term", "The Raft term this member is in.", s.raftTerm());
        gauge(sb, "caravel_raft_is_leader", "1 when this member is the leader.", isLeader ? 1 : 0);
        gauge(sb, "caravel_raft_has_leader", "1 when this member knows a leader.", s.leaderId() != 0 ? 1 : 0);
        gauge(sb, "caravel_raft_index", "The last index in this member's Raft log.", s.raftIndex());
        gauge(sb, "caravel_raft_applied_index", "The last Raft index applied to the store.", s.raftAppliedIndex());
        gauge(sb, "caravel_db_size_bytes", "Bytes the store takes on disk.", s.dbSize());
        gauge(sb, "caravel_db_size_in_use_bytes", "Bytes of live data (approximate).", s.dbSizeInUse());
        gauge(sb, "caravel_db_quota_bytes", "The backend quota (NOSPACE alarm threshold).", quotaBytes);
        gauge(sb, "caravel_alarms", "Alarms currently raised.", kv.alarms().stream().filter(a -> a.type() != Alarm.Type.NONE).count());
        gauge(sb, "caravel_watchers", "Watchers open on this member.", watchers.getAsInt());
        ProposalCounts p = kv.proposals();
        counter(sb, "caravel_raft_proposals_total",
                "Raft entries this member proposed for client writes (group commit), and read barriers when no ReadIndex round could serve.", p.entries());
        counter(sb, "caravel_raft_proposed_requests_total",
                "Client write requests carried by those entries (divided by the entries: the mean batch size).", p.requests());
        counter(sb, "caravel_raft_read_index_rounds_total",
                "ReadIndex rounds this member started for linearizable reads (each shared by the reads that queued for it).",
                p.readIndexRounds());
        // etcd's names for the two gauges dashboards and alerts key on most
        gauge(sb, "etcd_server_has_leader", "etcd-compatible: 1 when a leader is known.", s.leaderId() != 0 ? 1 : 0);
        gauge(sb, "etcd_server_is_leader", "etcd-compatible: 1 when this member is the leader.", isLeader ? 1 : 0);
        gauge(sb, "etcd_mvcc_db_total_size_in_bytes", "etcd-compatible: backend size in bytes.", s.dbSize());
        process.render(sb);
        respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", sb.toString());
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        metric(sb, "gauge", name, help, value);
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        metric(sb, "counter", name, help, value);
    }

    private static void metric(StringBuilder sb, String type, String name, String help, long value) {
        PrometheusText.header(sb, name, type, help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private void health(HttpExchange ex) throws IOException {
        String reason = "";
        try {
            NodeStatus s = kv.status();
            if (s.leaderId() == 0) {
                reason = "RAFT NO LEADER";
            } else {
                for (Alarm a : kv.alarms()) {
                    if (a.type() != Alarm.Type.NONE) {
                        reason = "ALARM " + a.type();
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            reason = "STATUS UNAVAILABLE";
        }
        boolean ok = reason.isEmpty();
        respond(ex, ok ? 200 : 503, "application/json",
                "{\"health\":\"" + ok + "\",\"reason\":\"" + reason + "\"}");
    }

    private static void respond(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
        executor.shutdownNow();
    }
}
