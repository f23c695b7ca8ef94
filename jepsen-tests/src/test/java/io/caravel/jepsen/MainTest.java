package io.caravel.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.checker.PorcupineKvReferenceAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process through {@link Main#run}. */
@Timeout(60)
class MainTest {

  @TempDir Path dir;

  private String out;
  private String err;

  private int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, po, pe);
    }
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  private String write(String name, HistoryText h) throws IOException {
    return write(name, h.edn());
  }

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  @Test
  void linearizableExitsZeroWithAOneLineVerdict() throws IOException {
    String file = write("ok.edn", new HistoryText().sequential(0, "write", 1L, 1L).sequential(1, "read", null, 1L));
    assertThat(run("check", "--model", "register", file)).isEqualTo(Main.EXIT_LINEARIZABLE).isZero();
    assertThat(out).startsWith(file + ": LINEARIZABLE (model register, 1 partition, 2 operations checked, ");
    assertThat(out.lines()).hasSize(1);
    assertThat(err).isEmpty();
  }

  @Test
  void notLinearizableExitsOneAndExplains() throws IOException {
    String file = write("bad.edn", new HistoryText()
        .sequential(0, "write", 0L, 0L)
        .sequential(0, "cas", HistoryText.pair(0, 1), HistoryText.pair(0, 1))
        .sequential(1, "read", null, 0L));
    assertThat(run("check", "--model=cas-register", file)).isEqualTo(Main.EXIT_NOT_LINEARIZABLE).isEqualTo(1);
    assertThat(out.lines().findFirst().orElseThrow()).startsWith(file + ": NOT LINEARIZABLE (model cas-register");
    assertThat(out)
        .contains("The history (3 operations) has no linearization.")
        .contains("longest linearizable prefix found has 2 operation(s) and leaves the state 1.")
        .contains("Then op 2 (process 1 :read → 0, lines 5–6) must take effect before it completes, but cannot.")
        .contains("Failing window: lines 5–6.");
  }

  @Test
  void verboseListsThePrefixAndThePartitions() throws IOException {
    String file = write("bad.edn", new HistoryText()
        .op(0, "invoke", "put", "k", "a").op(0, "ok", "put", "k", "a")
        .op(0, "invoke", "get", "k", null).op(0, "ok", "get", "k", "b"));
    assertThat(run("check", "--model", "kv", "-v", file)).isEqualTo(1);
    assertThat(out).contains("Partition key \"k\" (2 operations)")
        .contains("1. op 0 (process 0 :put key \"k\" \"a\", lines 1–2)  ⇒ \"a\"")
        .contains("partition key \"k\": NOT LINEARIZABLE, 2 operations");
  }

  @Test
  void unknownExitsTwo() throws IOException {
    String file = write("hard.edn", HistoryText.hard(32, null));
    assertThat(run("check", "--model", "register", "--timeout", "0.2", file)).isEqualTo(Main.EXIT_UNKNOWN).isEqualTo(2);
    assertThat(out).startsWith(file + ": UNKNOWN")
        .contains("No violation found, but the search did not finish")
        .contains("the history: UNKNOWN, 33 operations").contains("timed out after 0.200 s");
  }

  @Test
  void referenceFilesThroughTheCommandLine() {
    Path reference = PorcupineKvReferenceAccess.referenceDir();
    assertThat(run("check", "--model", "kv", reference.resolve("c10-ok.txt").toString())).isZero();
    assertThat(run("check", "--model", "kv", "--threads", "1", reference.resolve("c10-bad.txt").toString())).isEqualTo(1);
    assertThat(out).contains("NOT LINEARIZABLE (model kv, 10 partitions");
  }

  @Test
  void helpExitsZero() {
    assertThat(run("help")).isZero();
    assertThat(out).contains("usage: caravel-jepsen check --model register|cas-register|kv");
    assertThat(run("--help")).isZero();
  }

  @Test
  void usageErrorsExit64() throws IOException {
    String file = write("ok.edn", new HistoryText().sequential(0, "write", 1L, 1L));
    assertThat(run()).isEqualTo(Main.EXIT_USAGE).isEqualTo(64);
    assertThat(err).contains("usage:");
    assertThat(run("verify", file)).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: unknown command 'verify'");
    assertThat(run("check", file)).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: --model is required");
    assertThat(run("check", "--model", "mutex", file)).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: unknown model 'mutex'");
    assertThat(run("check", "--model", "register")).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: no history file given");
    assertThat(run("check", "--model", "register", file, file)).isEqualTo(64);
    assertThat(run("check", "--model", "register", "--timeout", "soon", file)).isEqualTo(64);
    assertThat(run("check", "--model", "register", "--timeout", "0", file)).isEqualTo(64);
    assertThat(run("check", "--model", "register", "--threads", "-1", file)).isEqualTo(64);
    assertThat(run("check", "--model", "register", "--frobnicate", file)).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: unknown option '--frobnicate'");
    assertThat(run("check", "--model")).isEqualTo(64);
    assertThat(err).startsWith("caravel-jepsen: --model needs a value");
    assertThat(out).isEmpty();
  }

  @Test
  void malformedHistoriesExit65NamingTheLine() throws IOException {
    String syntax = write("syntax.edn", """
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value nil}
        {:process 1, :type :invoke, :f :write, :value "unterminated}
        """);
    assertThat(run("check", "--model", "register", syntax)).isEqualTo(Main.EXIT_DATA).isEqualTo(65);
    assertThat(err).isEqualTo("caravel-jepsen: " + syntax + ": line 3, column 47: unterminated string\n");
    assertThat(out).isEmpty();

    String pairing = write("pairing.edn", "{:process 0, :type :ok, :f :read, :value nil}\n");
    assertThat(run("check", "--model", "register", pairing)).isEqualTo(65);
    assertThat(err).contains("line 1: :ok for process 0 without a preceding :invoke");

    String wrongModel = write("kv.edn", new HistoryText().op(0, "invoke", "get", "k", null).op(0, "ok", "get", "k", ""));
    assertThat(run("check", "--model", "register", wrongModel)).isEqualTo(65);
    assertThat(err).contains("line 1: the register model has no operation :get");

    Path binary = dir.resolve("binary.edn");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
    assertThat(run("check", "--model", "register", binary.toString())).isEqualTo(65);
    assertThat(err).contains("not UTF-8");
  }

  @Test
  void missingFileExits66() {
    assertThat(run("check", "--model", "kv", dir.resolve("nope.edn").toString())).isEqualTo(Main.EXIT_NO_INPUT).isEqualTo(66);
    assertThat(err).contains("no such file");
    assertThat(run("check", "--model", "kv", dir.toString())).isEqualTo(66);
  }

  @Test
  void listAppendAndWatchHistoriesAreCheckedByTheirCheckers() throws IOException {
    String g1c = write("g1c.edn", String.join("\n",
        "{:process 0, :type :invoke, :f :txn, :value [[:append 1 1] [:r 2 nil]]}",
        "{:process 1, :type :invoke, :f :txn, :value [[:append 2 1] [:r 1 nil]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1] [:r 2 [1]]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:append 2 1] [:r 1 [1]]]}"));
    assertThat(run("check", "--model", "list-append", g1c)).isEqualTo(Main.EXIT_NOT_LINEARIZABLE);
    assertThat(out).contains("INVALID").contains("G1c");
    String watch = write("w.edn", String.join("\n",
        "{:process 0, :type :invoke, :f :write, :key 0, :value \"a\"}",
        "{:process 0, :type :ok, :f :write, :key 0, :value [\"a\" 2]}",
        "{:process 9, :type :invoke, :f :watch, :value 1}",
        "{:process 9, :type :ok, :f :watch, :value {:from 1, :responses [[[2 0 \"a\"]]], :error nil}}"));
    assertThat(run("check", "--model", "watch", watch)).isEqualTo(Main.EXIT_LINEARIZABLE);
    assertThat(out).contains("VALID");
    String bad = write("bad-txn.edn", "{:process 0, :type :invoke, :f :read, :value nil}");
    assertThat(run("check", "--model", "list-append", bad)).isEqualTo(Main.EXIT_DATA);
  }

  @Test
  void runAndCampaignHaveTheirOwnHelp() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out).contains("usage: caravel-jepsen run").contains("--nemesis").contains("--unsafe-serializable-reads");
    assertThat(run("campaign", "--help")).isZero();
    assertThat(out).contains("usage: caravel-jepsen campaign");
    assertThat(run("run", "--workload", "bank")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err).contains("unknown workload");
  }
}
