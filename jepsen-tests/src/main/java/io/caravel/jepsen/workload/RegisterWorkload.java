package io.caravel.jepsen.workload;

import io.caravel.jepsen.Report;
import io.caravel.jepsen.checker.CheckOptions;
import io.caravel.jepsen.checker.CheckResult;
import io.caravel.jepsen.checker.Counterexample;
import io.caravel.jepsen.checker.LinearizabilityChecker;
import io.caravel.jepsen.checker.PartitionResult;
import io.caravel.jepsen.checker.Verdict;
import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Event;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.history.Recorder;
import io.caravel.jepsen.model.CasRegisterModel;
import io.caravel.jepsen.run.CheckSummary;
import io.caravel.jepsen.run.Clients;
import io.caravel.jepsen.run.RunContext;
import io.caravel.jepsen.run.Worker;
import io.caravel.jepsen.run.Workload;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The register workload: per-key reads, writes and compare-and-sets over many keys, checked for
 * linearizability with the {@code cas-register} model, key by key.
 *
 * <ul>
 *   <li>{@code :read}: a linearizable Range of the key; {@code :ok} with the value (an integer) or
 *       {@code nil} when absent. Reads have no effect, so a read that fails or times out is {@code
 *       :fail}.
 *   <li>{@code :write v}: a Put; {@code :ok}, or {@code :info} when the outcome is unknown
 *       ({@link Clients#classify}), or {@code :fail} when it certainly did not happen.
 *   <li>{@code :cas [old new]}: a Txn {@code If(value(k) == old) Then(put(k, new))}; {@code :ok}
 *       when it succeeded, {@code :fail} when the comparison failed (Jepsen's convention, which the
 *       model relies on), {@code :info} when unknown.
 * </ul>
 *
 * <p>Values are small integers (0..4, as in Jepsen's etcd register test), so compare-and-sets
 * succeed often. Keys come from a {@link KeyPool}. With {@code unsafeSerializableReads} reads are
 * sent as serializable, i.e. served from the contacted member's local store without ReadIndex: the
 * deliberately broken mode that the suite must catch under partitions.
 */
public final class RegisterWorkload implements Workload {

  /** The etcd key prefix of register keys. */
  public static final String PREFIX = "jepsen/register/";

  private final KeyPool keys;

  /** A register workload with {@code activeKeys} keys at a time, each used for {@code opsPerKey} operations. */
  public RegisterWorkload(int activeKeys, int opsPerKey) {
    this.keys = new KeyPool(activeKeys, opsPerKey);
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  public void step(RunContext ctx, Worker worker) throws InterruptedException {
    long key = keys.pick(worker.random());
    int dice = worker.random().nextInt(4);
    Outcome outcome;
    if (dice < 2) {
      outcome = read(ctx, worker, key);
    } else if (dice == 2) {
      outcome = write(ctx, worker, key, (long) worker.random().nextInt(5));
    } else {
      outcome = cas(ctx, worker, key, (long) worker.random().nextInt(5), (long) worker.random().nextInt(5));
    }
    if (outcome == Outcome.INFO) {
      worker.retire();
    }
  }

  private static ByteSequence etcdKey(long key) {
    return Clients.bytes(PREFIX + key);
  }

  private Outcome read(RunContext ctx, Worker w, long key) throws InterruptedException {
    return read(ctx, w.process(), w.client(ctx), w.nodeName(ctx), key);
  }

  private Outcome read(RunContext ctx, long process, Client client, String node, long key) throws InterruptedException {
    Recorder r = ctx.recorder();
    r.invoke(process, "read", key, null, node);
    GetOption option = ctx.options().unsafeSerializableReads()
        ? GetOption.builder().withSerializable(true).build() : GetOption.DEFAULT;
    try {
      GetResponse resp = Clients.await(client.getKVClient().get(etcdKey(key), option), ctx.options().opTimeout());
      Long value = resp.getKvs().isEmpty() ? null : Long.parseLong(Clients.text(resp.getKvs().get(0).getValue()));
      r.complete(process, Outcome.OK, "read", key, value, null, node);
      return Outcome.OK;
    } catch (Clients.ClientError e) {
      // a read has no effect, so even an unknown outcome is a :fail (Jepsen's convention)
      r.complete(process, Outcome.FAIL, "read", key, null, e.getMessage(), node);
      backOff(e);
      return Outcome.FAIL;
    }
  }

  private Outcome write(RunContext ctx, Worker w, long key, long value) throws InterruptedException {
    Recorder r = ctx.recorder();
    String node = w.nodeName(ctx);
    KV kv = w.client(ctx).getKVClient();
    r.invoke(w.process(), "write", key, value, node);
    try {
      Clients.await(kv.put(etcdKey(key), Clients.bytes(Long.toString(value)), PutOption.DEFAULT), ctx.options().opTimeout());
      r.complete(w.process(), Outcome.OK, "write", key, value, null, node);
      return Outcome.OK;
    } catch (Clients.ClientError e) {
      Outcome o = e.definite() ? Outcome.FAIL : Outcome.INFO;
      r.complete(w.process(), o, "write", key, value, e.getMessage(), node);
      backOff(e);
      return o;
    }
  }

  private Outcome cas(RunContext ctx, Worker w, long key, long expected, long value) throws InterruptedException {
    Recorder r = ctx.recorder();
    String node = w.nodeName(ctx);
    KV kv = w.client(ctx).getKVClient();
    List<Object> arg = List.of(expected, value);
    r.invoke(w.process(), "cas", key, arg, node);
    try {
      TxnResponse resp = Clients.await(kv.txn()
          .If(new Cmp(etcdKey(key), Cmp.Op.EQUAL, CmpTarget.value(Clients.bytes(Long.toString(expected)))))
          .Then(Op.put(etcdKey(key), Clients.bytes(Long.toString(value)), PutOption.DEFAULT))
          .commit(), ctx.options().opTimeout());
      Outcome o = resp.isSucceeded() ? Outcome.OK : Outcome.FAIL;
      r.complete(w.process(), o, "cas", key, arg, resp.isSucceeded() ? null : "compare failed", node);
      return o;
    } catch (Clients.ClientError e) {
      Outcome o = e.definite() ? Outcome.FAIL : Outcome.INFO;
      r.complete(w.process(), o, "cas", key, arg, e.getMessage(), node);
      backOff(e);
      return o;
    }
  }

  private static void backOff(Clients.ClientError e) throws InterruptedException {
    // do not spin on a dead or unreachable node
    Thread.sleep(e.definite() ? 500 : 50);
  }

  /**
   * Final reads: every key once, through fresh processes spread over the nodes, retried (each try a
   * new recorded read) for up to a minute per key.
   */
  @Override
  public boolean finish(RunContext ctx) throws InterruptedException {
    List<Integer> nodes = ctx.cluster().nodeIds();
    List<Client> clients = new ArrayList<>();
    for (int n : nodes) {
      clients.add(Clients.open(ctx.cluster().clientEndpoint(n), ctx.options().opTimeout()));
    }
    boolean all = true;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long process = 1_000_000;
      for (long key = 0; key < keys.count(); key++) {
        boolean ok = false;
        for (int attempt = 0; !ok && System.nanoTime() < deadline; attempt++) {
          int slot = (int) ((key + attempt) % nodes.size());
          ok = read(ctx, process + slot, clients.get(slot), ctx.cluster().node(nodes.get(slot)).name(), key) == Outcome.OK;
        }
        all &= ok;
      }
    } finally {
      clients.forEach(Client::close);
    }
    return all;
  }

  @Override
  public CheckSummary check(History history, List<Event> events, Duration timeout) {
    return checkLinearizable(history, timeout);
  }

  /** Checks a register history with the cas-register model (also used by {@code check}). */
  public static CheckSummary checkLinearizable(History history, Duration timeout) {
    CheckOptions options = CheckOptions.defaults().withTimeout(timeout);
    CheckResult result = new LinearizabilityChecker(options).check(CasRegisterModel.INSTANCE, history);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model", "cas-register");
    details.put("verdict", result.verdict().label());
    details.put("partitions", result.partitions().size());
    details.put("operations-checked", result.operations());
    details.put("check-seconds", result.elapsed().toMillis() / 1000.0);
    List<String> unknown = new ArrayList<>();
    for (PartitionResult p : result.partitions()) {
      if (p.verdict() == Verdict.UNKNOWN) {
        unknown.add(Edn.print(p.key()) + " (" + p.reason() + ")");
      }
    }
    if (!unknown.isEmpty()) {
      details.put("unknown-partitions", unknown);
    }
    List<Integer> highlight = new ArrayList<>();
    List<String> anomalies = new ArrayList<>();
    if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
      PartitionResult bad = result.firstViolation().orElseThrow();
      Counterexample c = bad.counterexample();
      anomalies.add("nonlinearizable");
      details.put("violation-key", Edn.print(bad.key()));
      details.put("window-lines", List.of(c.windowFirstLine(), c.windowLastLine()));
      TreeSet<Integer> lines = new TreeSet<>();
      for (Operation op : history.operations()) {
        if (java.util.Objects.equals(op.key(), bad.key()) && op.outcome() != Outcome.FAIL
            && op.invokeLine() <= c.windowLastLine()
            && (op.completeLine() < 0 || op.completeLine() >= c.windowFirstLine())) {
          lines.add(op.invokeLine() - 1);
          if (op.completeLine() > 0) {
            lines.add(op.completeLine() - 1);
          }
        }
      }
      // and the last two state changes of the longest linearizable prefix: what the state that the
      // blocking operation contradicts came from
      int changes = 0;
      for (int i = c.longestPrefix().size() - 1; i >= 0 && changes < 2; i--) {
        Operation op = c.longestPrefix().get(i).op();
        if (!op.f().equals("read")) {
          changes++;
          lines.add(op.invokeLine() - 1);
          if (op.completeLine() > 0) {
            lines.add(op.completeLine() - 1);
          }
        }
      }
      highlight.addAll(lines);
    }
    CheckSummary.Validity validity = switch (result.verdict()) {
      case LINEARIZABLE -> CheckSummary.Validity.VALID;
      case NOT_LINEARIZABLE -> CheckSummary.Validity.INVALID;
      case UNKNOWN -> CheckSummary.Validity.UNKNOWN;
    };
    String text = Report.render(result, CasRegisterModel.INSTANCE, "history.edn", false);
    return new CheckSummary("linearizability (cas-register, per key)", validity, anomalies, text, details, highlight);
  }
}
