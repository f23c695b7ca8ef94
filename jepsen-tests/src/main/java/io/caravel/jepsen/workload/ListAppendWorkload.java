package io.caravel.jepsen.workload;

import io.caravel.jepsen.edn.Keyword;
import io.caravel.jepsen.elle.ListAppendChecker;
import io.caravel.jepsen.history.Event;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.history.Recorder;
import io.caravel.jepsen.run.CheckSummary;
import io.caravel.jepsen.run.Clients;
import io.caravel.jepsen.run.RunContext;
import io.caravel.jepsen.run.Worker;
import io.caravel.jepsen.run.Workload;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The list-append workload (Jepsen's etcd {@code append}): transactions of one to four
 * micro-operations, each an append of a unique integer to a key's list or a read of a key's list,
 * checked for strict serializability by {@link ListAppendChecker}.
 *
 * <p>A key's list is stored as its values separated by spaces. A transaction appends to a key at
 * most once, since etcd refuses a Txn that puts one key twice. A transaction that appends first
 * reads the current lists and mod revisions of the keys it appends to (one read-only Txn), then
 * commits one Txn guarded by {@code mod_revision(k) == r} for each of them, whose {@code Then}
 * branch runs the micro-operations in order: a put of the extended list for an append, a get for a
 * read (so a read after an append in the same transaction sees it, as etcd's txn semantics say).
 * A failed guard means nothing was applied: the transaction is {@code :fail}. Read-only
 * transactions are one Txn of gets. Unknown outcomes are {@code :info}; the client never retries
 * a transaction.
 */
public final class ListAppendWorkload implements Workload {

  /** The etcd key prefix of list-append keys. */
  public static final String PREFIX = "jepsen/append/";

  private static final Keyword APPEND = Keyword.of("append");
  private static final Keyword READ = Keyword.of("r");
  private static final int MAX_TXN_LENGTH = 4;

  private final KeyPool keys;
  private final AtomicLong nextValue = new AtomicLong(1);

  /** A workload over {@code activeKeys} keys at a time, each for about {@code opsPerKey} micro-operations. */
  public ListAppendWorkload(int activeKeys, int opsPerKey) {
    this.keys = new KeyPool(activeKeys, opsPerKey);
  }

  @Override
  public String name() {
    return "list-append";
  }

  private static ByteSequence etcdKey(Object key) {
    return Clients.bytes(PREFIX + key);
  }

  @Override
  public void step(RunContext ctx, Worker worker) throws InterruptedException {
    int n = 1 + worker.random().nextInt(MAX_TXN_LENGTH);
    List<Object> mops = new ArrayList<>();
    Set<Long> appended = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      long key = keys.pick(worker.random());
      // etcd refuses a txn that puts one key twice ("duplicate key given in txn request"), so a key
      // is appended to at most once per transaction
      if (worker.random().nextBoolean() && appended.add(key)) {
        mops.add(List.of(APPEND, key, nextValue.getAndIncrement()));
      } else {
        mops.add(java.util.Arrays.asList(READ, key, null));
      }
    }
    Outcome o = transact(ctx, worker.process(), worker.client(ctx), worker.nodeName(ctx), mops);
    if (o == Outcome.INFO) {
      worker.retire();
    }
  }

  private static List<Object> parseList(KeyValue kv) {
    List<Object> out = new ArrayList<>();
    if (kv == null) {
      return out;
    }
    String text = Clients.text(kv.getValue()).trim();
    if (!text.isEmpty()) {
      for (String s : text.split(" ")) {
        out.add(Long.parseLong(s));
      }
    }
    return out;
  }

  private static String format(List<Object> list) {
    StringBuilder sb = new StringBuilder();
    for (Object v : list) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(v);
    }
    return sb.toString();
  }

  /** Runs and records one transaction. */
  Outcome transact(RunContext ctx, long process, Client client, String node, List<Object> mops) throws InterruptedException {
    Recorder r = ctx.recorder();
    Duration timeout = ctx.options().opTimeout();
    r.invoke(process, "txn", null, mops, node);
    Set<Object> appendKeys = new LinkedHashSet<>();
    for (Object m : mops) {
      List<?> mop = (List<?>) m;
      if (mop.get(0).equals(APPEND)) {
        appendKeys.add(mop.get(1));
      }
    }
    Map<Object, List<Object>> current = new LinkedHashMap<>();
    Map<Object, Long> revisions = new LinkedHashMap<>();
    GetOption getOption = ctx.options().unsafeSerializableReads()
        ? GetOption.builder().withSerializable(true).build() : GetOption.DEFAULT;
    if (!appendKeys.isEmpty()) {
      try {
        var pre = client.getKVClient().txn();
        List<Op> gets = new ArrayList<>();
        for (Object k : appendKeys) {
          gets.add(Op.get(etcdKey(k), GetOption.DEFAULT));
        }
        TxnResponse resp = Clients.await(pre.Then(gets.toArray(new Op[0])).commit(), timeout);
        List<GetResponse> got = resp.getGetResponses();
        int i = 0;
        for (Object k : appendKeys) {
          GetResponse g = got.get(i++);
          KeyValue kv = g.getKvs().isEmpty() ? null : g.getKvs().get(0);
          current.put(k, parseList(kv));
          revisions.put(k, kv == null ? 0L : kv.getModRevision());
        }
      } catch (Clients.ClientError e) {
        // nothing was written yet: the transaction certainly did not happen
        r.complete(process, Outcome.FAIL, "txn", null, mops, "pre-read: " + e.getMessage(), node);
        Thread.sleep(e.definite() ? 500 : 50);
        return Outcome.FAIL;
      }
    }
    List<Cmp> guards = new ArrayList<>();
    for (Object k : appendKeys) {
      guards.add(new Cmp(etcdKey(k), Cmp.Op.EQUAL, CmpTarget.modRevision(revisions.get(k))));
    }
    List<Op> then = new ArrayList<>();
    for (Object m : mops) {
      List<?> mop = (List<?>) m;
      Object k = mop.get(1);
      if (mop.get(0).equals(APPEND)) {
        current.get(k).add(mop.get(2));
        then.add(Op.put(etcdKey(k), Clients.bytes(format(current.get(k))), PutOption.DEFAULT));
      } else {
        then.add(Op.get(etcdKey(k), getOption));
      }
    }
    try {
      var txn = client.getKVClient().txn();
      if (!guards.isEmpty()) {
        txn = txn.If(guards.toArray(new Cmp[0]));
      }
      TxnResponse resp = Clients.await(txn.Then(then.toArray(new Op[0])).commit(), timeout);
      if (!resp.isSucceeded()) {
        r.complete(process, Outcome.FAIL, "txn", null, mops, "conflict: a guarded key changed", node);
        return Outcome.FAIL;
      }
      List<GetResponse> got = resp.getGetResponses();
      List<Object> result = new ArrayList<>();
      int gi = 0;
      for (Object m : mops) {
        List<?> mop = (List<?>) m;
        if (mop.get(0).equals(APPEND)) {
          result.add(mop);
        } else {
          GetResponse g = got.get(gi++);
          result.add(List.of(READ, mop.get(1), parseList(g.getKvs().isEmpty() ? null : g.getKvs().get(0))));
        }
      }
      r.complete(process, Outcome.OK, "txn", null, result, null, node);
      return Outcome.OK;
    } catch (Clients.ClientError e) {
      boolean readOnly = appendKeys.isEmpty();
      Outcome o = readOnly || e.definite() ? Outcome.FAIL : Outcome.INFO;
      r.complete(process, o, "txn", null, mops, e.getMessage(), node);
      Thread.sleep(e.definite() ? 500 : 50);
      return o;
    }
  }

  /** Final reads: every key, four per read-only transaction, through fresh processes, retried for up to a minute. */
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
      for (long first = 0; first < keys.count(); first += 4) {
        List<Object> mops = new ArrayList<>();
        for (long k = first; k < Math.min(first + 4, keys.count()); k++) {
          mops.add(java.util.Arrays.asList(READ, k, null));
        }
        boolean ok = false;
        for (int attempt = 0; !ok && System.nanoTime() < deadline; attempt++) {
          int slot = (int) ((first / 4 + attempt) % nodes.size());
          ok = transact(ctx, 1_000_000 + slot, clients.get(slot), ctx.cluster().node(nodes.get(slot)).name(), mops) == Outcome.OK;
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
    return checkHistory(history);
  }

  /** Checks a list-append history (also used by {@code check --model list-append}). */
  public static CheckSummary checkHistory(History history) {
    ListAppendChecker.Result result = ListAppendChecker.check(history);
    StringBuilder text = new StringBuilder();
    text.append(result.valid() ? "strict-serializable: no anomaly found" : "NOT strict-serializable: " + result.counts())
        .append(" (").append(result.transactions()).append(" committed transactions, edges ").append(result.edges())
        .append(")\n");
    TreeSet<Integer> highlight = new TreeSet<>();
    for (ListAppendChecker.Anomaly a : result.anomalies()) {
      text.append("\n").append(a.type()).append(": ").append(a.explanation()).append('\n');
    }
    if (!result.anomalies().isEmpty()) {
      for (Operation op : result.anomalies().get(0).ops()) {
        highlight.add(op.invokeLine() - 1);
        if (op.completeLine() > 0) {
          highlight.add(op.completeLine() - 1);
        }
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("consistency-model", "strict-serializable");
    details.put("anomaly-counts", result.counts());
    details.put("committed-transactions", result.transactions());
    details.put("edges", result.edges());
    return new CheckSummary("Elle-style list-append (strict serializability)",
        result.valid() ? CheckSummary.Validity.VALID : CheckSummary.Validity.INVALID,
        result.types(), text.toString(), details, new ArrayList<>(highlight));
  }
}
