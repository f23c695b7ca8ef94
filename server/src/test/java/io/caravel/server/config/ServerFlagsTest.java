package io.caravel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerFlagsTest {

    @Test
    void defaultsAreASingleLocalMember() throws Exception {
        ServerConfig c = ServerFlags.parse();
        assertThat(c.name()).isEqualTo("default");
        assertThat(c.dataDir()).isEqualTo(Path.of("./caravel-data"));
        assertThat(c.listenClientUrls()).containsExactly(URI.create("http://localhost:2379"));
        assertThat(c.advertiseClientUrls()).containsExactly("http://localhost:2379");
        assertThat(c.listenPeerUrls()).containsExactly(URI.create("http://localhost:2380"));
        assertThat(c.initialCluster()).isEqualTo(Map.of("default", "http://localhost:2380"));
        assertThat(c.newCluster()).isTrue();
        assertThat(c.initialClusterToken()).isEqualTo("etcd-cluster");
        assertThat(c.listenMetricsUrls()).isEmpty();
        assertThat(c.maxRequestBytes()).isEqualTo(1_572_864);
        assertThat(c.maxTxnOps()).isEqualTo(128);
        assertThat(c.electionTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void etcdStyleThreeMemberFlags() throws Exception {
        ServerConfig c = ServerFlags.parse("--name", "n2", "--data-dir=/tmp/n2",
                "--listen-client-urls", "http://127.0.0.1:22379,http://127.0.0.2:22379",
                "--advertise-client-urls", "http://127.0.0.1:22379",
                "--listen-peer-urls", "http://127.0.0.1:22380",
                "--initial-advertise-peer-urls", "http://127.0.0.1:22380",
                "--initial-cluster", "n1=http://127.0.0.1:12380,n2=http://127.0.0.1:22380,n3=http://127.0.0.1:32380",
                "--initial-cluster-state", "existing",
                "--quota-backend-bytes", "1048576",
                "--auto-compaction-mode", "revision", "--auto-compaction-retention", "1000",
                "--listen-metrics-urls", "http://127.0.0.1:22381");
        assertThat(c.name()).isEqualTo("n2");
        assertThat(c.listenClientUrls()).hasSize(2);
        assertThat(c.initialCluster()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(List.copyOf(c.initialCluster().keySet())).containsExactly("n1", "n2", "n3");
        assertThat(c.newCluster()).isFalse();
        assertThat(c.quotaBackendBytes()).isEqualTo(1 << 20);
        assertThat(c.autoCompactionMode()).isEqualTo("revision");
        assertThat(c.listenMetricsUrls()).containsExactly(URI.create("http://127.0.0.1:22381"));
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> ServerFlags.parse("--nmae", "x")).hasMessage("unknown flag: --nmae");
        assertThatThrownBy(() -> ServerFlags.parse("--name")).hasMessage("flag needs an argument: --name");
        assertThatThrownBy(() -> ServerFlags.parse("--initial-cluster-state", "maybe")).hasMessageContaining("'new' or 'existing'");
        assertThatThrownBy(() -> ServerFlags.parse("--listen-client-urls", "https://localhost:2379")).hasMessageContaining("only http://");
        assertThatThrownBy(() -> ServerFlags.parse("--listen-client-urls", "http://localhost")).hasMessageContaining("host and a port");
        assertThatThrownBy(() -> ServerFlags.parse("--quota-backend-bytes", "lots")).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> ServerFlags.parse("--name", "a", "--initial-cluster", "b=http://localhost:2380"))
                .hasMessageContaining("must include this member's --name 'a'");
        assertThatThrownBy(() -> ServerFlags.parse("--auto-compaction-retention", "soon")).hasMessageContaining("periodic");
        assertThatThrownBy(() -> ServerFlags.parse("--election-timeout", "100", "--heartbeat-interval", "50"))
                .hasMessageContaining("5 times");
        assertThatThrownBy(() -> ServerFlags.parse("stray")).hasMessage("unexpected argument 'stray'");
    }

    @Test
    void usageListsEveryFlag() {
        String usage = ServerFlags.usage();
        for (ServerFlags.Flag f : ServerFlags.FLAGS) {
            assertThat(usage).contains("--" + f.name());
        }
    }
}
