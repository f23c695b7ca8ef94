package io.caravel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.raft.Alarm;
import io.caravel.server.testing.LocalReplicatedKv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node over the local fake: its embedded API, /metrics and /health. */
@Timeout(60)
class NodeEndpointsTest {
    @TempDir
    Path dir;

    @Test
    void metricsAndHealth() throws Exception {
        LocalReplicatedKv fake = new LocalReplicatedKv();
        try (CaravelNode node = CaravelNode.builder().name("m").dataDir(dir)
                .listenMetricsUrls(List.of(URI.create("http://127.0.0.1:0")))
                .clientPort(0)
                .replicatedKvFactory(cfg -> fake).build().start()) {
            node.ready().get(5, TimeUnit.SECONDS);
            node.kv().put("a", "1").get(5, TimeUnit.SECONDS);
            assertThat(node.kv().get("a").get(5, TimeUnit.SECONDS)).hasValueSatisfying(kv ->
                    assertThat(kv.value().toStringUtf8()).isEqualTo("1"));
            assertThat(node.clientPort()).isPresent();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.metricsPort().orElseThrow();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("caravel_mvcc_revision 2\n", "caravel_raft_is_leader 1\n",
                    "# TYPE caravel_grpc_requests_total counter", "etcd_server_has_leader 1\n",
                    "# TYPE process_cpu_seconds_total counter", "caravel_store_memory_bytes{use=\"memtables\"} ");
            assertThat(series(metrics, "process_resident_memory_bytes")).isGreaterThan(16L << 20);
            assertThat(series(metrics, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive()
                    .isLessThanOrEqualTo(series(metrics, "jvm_memory_committed_bytes{area=\"heap\"}"));
            assertThat(series(metrics, "jvm_memory_committed_bytes{area=\"nonheap\"}")).isPositive();
            fake.raise(new Alarm(LocalReplicatedKv.MEMBER_ID, Alarm.Type.NOSPACE));
            HttpResponse<String> sick = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sick.statusCode()).isEqualTo(503);
            assertThat(sick.body()).contains("ALARM NOSPACE");
        }
    }

    /** The value of the series {@code name} (with its labels) in a Prometheus text page. */
    private static long series(String page, String name) {
        return page.lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError("no series " + name + " in\n" + page));
    }
}
