package io.caravel.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.cluster.Db;
import io.caravel.jepsen.nemesis.FaultKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunCommandTest {

  @Test
  void parsesTheDocumentedCommand() {
    RunOptions o = RunCommand.parse(List.of("--nodes", "5", "--workload", "list-append", "--nemesis",
        "kill,pause,partition,member", "--time-limit", "300", "--seed", "7", "--out", "/tmp/x", "--db=etcd"));
    assertThat(o.nodes()).isEqualTo(5);
    assertThat(o.db()).isEqualTo(Db.ETCD);
    assertThat(o.workload()).isEqualTo("list-append");
    assertThat(o.faults()).containsExactlyInAnyOrder(FaultKind.values());
    assertThat(o.timeLimit().toSeconds()).isEqualTo(300);
    assertThat(o.seed()).isEqualTo(7);
    assertThat(o.concurrency()).isEqualTo(10);
    assertThat(o.keys()).isEqualTo(10);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
    assertThat(o.unsafeSerializableReads()).isFalse();
  }

  @Test
  void brokenModesAreExplicit() {
    RunOptions o = RunCommand.parse(List.of("--unsafe-serializable-reads", "--unsafe-local-reads", "--nemesis", "none"));
    assertThat(o.unsafeSerializableReads()).isTrue();
    assertThat(o.nodeJvmOptions()).containsExactly("-D" + RunCommand.UNSAFE_LOCAL_READS_PROPERTY + "=true");
    assertThat(o.faults()).isEmpty();
  }

  @Test
  void rejectsBadFlags() {
    assertThatThrownBy(() -> RunCommand.parse(List.of("--workload", "bank"))).hasMessageContaining("unknown workload");
    assertThatThrownBy(() -> RunCommand.parse(List.of("--nemesis", "flood"))).hasMessageContaining("unknown nemesis");
    assertThatThrownBy(() -> RunCommand.parse(List.of("--nodes", "0"))).hasMessageContaining("--nodes");
    assertThatThrownBy(() -> RunCommand.parse(List.of("--time-limit"))).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> RunCommand.parse(List.of("--db", "zk"))).hasMessageContaining("unknown db");
  }
}
