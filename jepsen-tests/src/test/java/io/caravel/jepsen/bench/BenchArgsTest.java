package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.cluster.Db;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchArgsTest {

  private static BenchArgs parse(String... args) {
    return BenchArgs.parse(List.of(args));
  }

  @Test
  void aWorkloadAloneStartsCaravelAndSweepsEtcdsClientCounts() {
    BenchArgs a = parse("put");
    assertThat(a.command()).isEqualTo(BenchArgs.Command.RUN);
    assertThat(a.start()).isEqualTo(Db.CARAVEL);
    assertThat(a.nodes()).isEqualTo(3);
    assertThat(a.points()).extracting(Point::clients).containsExactly(1, 16, 64, 256, 1000);
    assertThat(a.points()).extracting(Point::workload).containsOnly(Workload.PUT);
    BenchSettings s = a.settings();
    assertThat(s.keySpace()).isEqualTo(100_000);
    assertThat(s.keySize()).isEqualTo(32);
    assertThat(s.valueSize()).isEqualTo(256);
    assertThat(s.conns()).isZero();
    assertThat(s.warmup()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void optionsAreParsedWithSpaceOrEquals() {
    BenchArgs a = parse("txn-mixed", "--endpoints", "http://127.0.0.1:2379, http://127.0.0.1:22379", "--clients=16,64",
        "--conns", "4", "--duration", "2.5", "--warmup=0", "--key-space", "1000", "--key-size", "8",
        "--val-size", "4096", "--rw-ratio", "4", "--pids", "12,34", "--out", "/tmp/x", "--request-timeout", "3");
    assertThat(a.endpoints()).containsExactly("http://127.0.0.1:2379", "http://127.0.0.1:22379");
    assertThat(a.start()).isNull();
    assertThat(a.points()).containsExactly(new Point(Workload.TXN_MIXED, 16), new Point(Workload.TXN_MIXED, 64));
    BenchSettings s = a.settings();
    assertThat(s.conns()).isEqualTo(4);
    assertThat(s.duration()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.warmup()).isEqualTo(Duration.ZERO);
    assertThat(s.keySpace()).isEqualTo(1000);
    assertThat(s.keySize()).isEqualTo(8);
    assertThat(s.valueSize()).isEqualTo(4096);
    assertThat(s.rwRatio()).isEqualTo(4.0);
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(a.pids()).containsExactly(12L, 34L);
    assertThat(a.out()).isEqualTo(Path.of("/tmp/x"));
  }

  @Test
  void rangeTakesEtcdsConsistencyFlag() {
    assertThat(parse("range", "--clients", "1").points()).containsExactly(new Point(Workload.RANGE_LIN, 1));
    assertThat(parse("range", "--consistency", "s", "--clients", "1").points())
        .containsExactly(new Point(Workload.RANGE_SER, 1));
    assertThat(parse("range-ser", "--clients", "2").points()).containsExactly(new Point(Workload.RANGE_SER, 2));
    assertThatThrownBy(() -> parse("put", "--consistency", "s")).hasMessageContaining("range");
    assertThatThrownBy(() -> parse("range", "--consistency", "x")).hasMessageContaining("l or s");
  }

  @Test
  void compareHasIssueSixPointsAndThreeRoundsByDefault() {
    BenchArgs a = parse("compare");
    assertThat(a.command()).isEqualTo(BenchArgs.Command.COMPARE);
    assertThat(a.rounds()).isEqualTo(3);
    assertThat(a.points()).hasSize(9).startsWith(new Point(Workload.PUT, 1), new Point(Workload.PUT, 16))
        .endsWith(new Point(Workload.WATCH_LATENCY, 16));
    assertThat(a.warmupPass()).isEqualTo(Duration.ofSeconds(BenchArgs.DEFAULT_WARMUP_PASS_SECONDS));

    BenchArgs b = parse("compare", "--points", "put:16,range-lin:16,put:16", "--rounds", "5", "--duration", "20",
        "--server-rev", "HEAD", "--no-warmup-pass");
    assertThat(b.points()).containsExactly(new Point(Workload.PUT, 16), new Point(Workload.RANGE_LIN, 16));
    assertThat(b.rounds()).isEqualTo(5);
    assertThat(b.serverRev()).isEqualTo("HEAD");
    assertThat(b.warmupPass()).isZero();
    assertThat(b.warmupMax()).as("--no-warmup-pass means no warm-up at all").isZero();
    assertThat(a.warmupMax()).isEqualTo(Duration.ofSeconds(BenchArgs.DEFAULT_WARMUP_MAX_SECONDS));
    assertThat(parse("compare", "--warmup-max", "0").warmupMax()).isZero();
    assertThat(parse("compare", "--warmup-pass", "30").warmupPass()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void compareRefusesFewerThanThreeRoundsAndSingleRunFlags() {
    assertThatThrownBy(() -> parse("compare", "--rounds", "2")).hasMessageContaining("at least 3 rounds");
    assertThatThrownBy(() -> parse("compare", "--clients", "16")).hasMessageContaining("--points");
    assertThatThrownBy(() -> parse("compare", "--endpoints", "http://x:1")).hasMessageContaining("--points");
  }

  @Test
  void reportAndJfrSummaryTakeAFile() {
    BenchArgs a = parse("report", "dir/results.json", "--out", "docs/bench");
    assertThat(a.command()).isEqualTo(BenchArgs.Command.REPORT);
    assertThat(a.input()).isEqualTo(Path.of("dir/results.json"));
    assertThat(a.out()).isEqualTo(Path.of("docs/bench"));
    assertThat(parse("jfr-summary", "x.jfr", "--top", "10").top()).isEqualTo(10);
    assertThatThrownBy(() -> parse("report")).hasMessageContaining("results.json");
  }

  @Test
  void badInputIsRefusedWithAMessage() {
    assertThatThrownBy(() -> parse()).hasMessageContaining("no command");
    assertThatThrownBy(() -> parse("--clients", "1")).hasMessageContaining("workload");
    assertThatThrownBy(() -> parse("get")).hasMessageContaining("unknown workload 'get'");
    assertThatThrownBy(() -> parse("put", "--clients", "0")).hasMessageContaining("--clients");
    assertThatThrownBy(() -> parse("put", "--clients", "a")).hasMessageContaining("--clients");
    assertThatThrownBy(() -> parse("put", "--duration")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> parse("put", "--duration", "0")).hasMessageContaining("--duration");
    assertThatThrownBy(() -> parse("put", "--bogus", "1")).hasMessageContaining("unknown option '--bogus'");
    assertThatThrownBy(() -> parse("put", "stray")).hasMessageContaining("unexpected argument");
    assertThatThrownBy(() -> parse("put", "--endpoints", "http://a:1", "--start", "etcd")).hasMessageContaining("not both");
    assertThatThrownBy(() -> parse("put", "--start", "etcd", "--jfr-leader", "x.jfr")).hasMessageContaining("caravel");
    assertThatThrownBy(() -> parse("put", "--key-space", "100000", "--key-size", "4")).hasMessageContaining("cannot number");
    assertThatThrownBy(() -> parse("put", "--server-home", "/x", "--server-rev", "HEAD")).hasMessageContaining("not both");
  }

  @Test
  void idleSamplesTheServersWithoutRequests() {
    assertThat(parse("idle", "--clients", "1", "--start", "etcd").points()).containsExactly(new Point(Workload.IDLE, 1));
    assertThat(Workload.IDLE.readsKeys()).isFalse();
  }

  @Test
  void pointsParseAndPrint() {
    assertThat(Point.parse("watch-latency:16")).isEqualTo(new Point(Workload.WATCH_LATENCY, 16));
    assertThat(Point.parse(" range:4 ")).isEqualTo(new Point(Workload.RANGE_LIN, 4));
    assertThat(Point.parse("lease-keepalive:1000").toString()).isEqualTo("lease-keepalive:1000");
    assertThatThrownBy(() -> Point.parse("put")).hasMessageContaining("WORKLOAD:CLIENTS");
    assertThatThrownBy(() -> Point.parse("put:")).hasMessageContaining("WORKLOAD:CLIENTS");
    assertThatThrownBy(() -> Point.parse("put:x")).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> Point.parse("put:0")).hasMessageContaining("clients");
    assertThatThrownBy(() -> Point.parseList(" , ")).hasMessageContaining("no points");
  }

  @Test
  void connectionsDefaultToOnePerEndpointAndNeverExceedClients() {
    BenchSettings d = BenchSettings.defaults();
    assertThat(d.connsFor(3, 1)).isEqualTo(1);
    assertThat(d.connsFor(3, 16)).isEqualTo(3);
    BenchSettings four = parse("put", "--conns", "100").settings();
    assertThat(four.connsFor(3, 16)).isEqualTo(16);
    assertThat(four.connsFor(3, 1000)).isEqualTo(100);
  }
}
