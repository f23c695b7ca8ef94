package io.caravel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.raft.SnapshotRestore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreFlagsTest {

    @Test
    void defaultsAreThoseOfCaravelServer() throws Exception {
        SnapshotRestore.Options o = RestoreFlags.parse("backup.db");
        assertThat(o.snapshotFile()).isEqualTo(Path.of("backup.db"));
        assertThat(o.dataDirectory()).isEqualTo(ServerFlags.parse().dataDir());
        assertThat(o.name()).isEqualTo("default");
        assertThat(o.initialCluster()).isEqualTo(Map.of("default", "http://localhost:2380"));
        assertThat(o.clusterToken()).isEqualTo("etcd-cluster");
        assertThat(o.advertisePeerUrl()).isEqualTo("http://localhost:2380");
        assertThat(o.skipHashCheck()).isFalse();
    }

    @Test
    void etcdutlStyleFlags() throws Exception {
        SnapshotRestore.Options o = RestoreFlags.parse("--name", "n2", "--data-dir=/var/lib/caravel/n2",
                "--initial-cluster", "n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380,n3=http://10.0.0.3:2380",
                "--initial-cluster-token", "restored", "--initial-advertise-peer-urls", "http://10.0.0.2:2380",
                "backup.db", "--skip-hash-check");
        assertThat(o.snapshotFile()).isEqualTo(Path.of("backup.db"));
        assertThat(o.dataDirectory()).isEqualTo(Path.of("/var/lib/caravel/n2"));
        assertThat(o.name()).isEqualTo("n2");
        assertThat(o.initialCluster()).hasSize(3).containsEntry("n3", "http://10.0.0.3:2380");
        assertThat(o.clusterToken()).isEqualTo("restored");
        assertThat(o.advertisePeerUrl()).isEqualTo("http://10.0.0.2:2380");
        assertThat(o.skipHashCheck()).isTrue();
        assertThat(RestoreFlags.parse("b.db", "--skip-hash-check=false").skipHashCheck()).isFalse();
    }

    @Test
    void badCommandLinesNameTheProblem() {
        assertThatThrownBy(() -> RestoreFlags.parse("--name", "n1")).hasMessage("the snapshot file to restore is missing");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "b.db")).hasMessageContaining("unexpected argument 'b.db'");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "--wal-dir", "x")).hasMessage("unknown flag: --wal-dir");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "--name", "n9", "--initial-cluster", "n1=http://h:2380"))
                .hasMessageContaining("must include this member's --name 'n9'");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "--name", "n1", "--initial-cluster", "n1=http://h:2380",
                "--initial-advertise-peer-urls", "http://other:2380"))
                .hasMessageContaining("--initial-cluster has n1=http://h:2380 but --initial-advertise-peer-urls is http://other:2380");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "--skip-hash-check=maybe")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> RestoreFlags.parse("a.db", "--initial-cluster", "n1")).hasMessageContaining("expected name=peerURL");
    }
}
