package io.caravel.jepsen.workload;

import io.caravel.jepsen.edn.Keyword;
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
import io.caravel.jepsen.watch.WatchChecker;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watch workload: the workers put unique values to a few keys while one watcher per node
 * watches the key prefix, each in sessions of 2 to 8 seconds that end with a cancel, or early with an
 * error, and resume from the last delivered revision + 1. Even-numbered watchers start from revision
 * 1 (the whole history); odd-numbered ones start from revision 0, which etcd defines as "after the
 * current revision" (etcd-io/etcd#11496): their first session asks for a created notification,
 * whose header revision is where their coverage starts. Every session is recorded as one {@code
 * :watch} operation with all the events it delivered, grouped by response. At the end, after the
 * recovery wait, a final linearizable read gives the last revision written, every watcher keeps
 * resuming until it has delivered it (or a minute passes), and {@link WatchChecker} checks the
 * logs against each other and against the acknowledged writes.
 */
public final class WatchWorkload implements Workload {

  /** The etcd key prefix of watched keys. */
  public static final String PREFIX = "jepsen/watch/";

  private static final int KEYS = 3;
  private static final Keyword FROM = Keyword.of("from");
  private static final Keyword RESPONSES = Keyword.of("responses");
  private static final Keyword ERROR = Keyword.of("error");
  private static final Keyword CREATED = Keyword.of("created");

  private final AtomicLong counter = new AtomicLong();
  private final List<WatchLoop> watchers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @Override
  public String name() {
    return "watch";
  }

  @Override
  public void setup(RunContext ctx) {
    List<Integer> nodes = ctx.cluster().nodeIds();
    for (int i = 0; i < nodes.size(); i++) {
      WatchLoop w = new WatchLoop(ctx, 2_000_000L + i, nodes.get(i), new Random(ctx.options().seed() * 31 + i), i % 2 == 1);
      watchers.add(w);
      Thread t = new Thread(w, "watcher-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  @Override
  public void step(RunContext ctx, Worker worker) throws InterruptedException {
    long key = worker.random().nextInt(KEYS);
    String value = "v" + counter.incrementAndGet();
    Recorder r = ctx.recorder();
    String node = worker.nodeName(ctx);
    Client client = worker.client(ctx);
    r.invoke(worker.process(), "write", key, value, node);
    try {
      PutResponse resp = Clients.await(client.getKVClient().put(Clients.bytes(PREFIX + key), Clients.bytes(value),
          PutOption.DEFAULT), ctx.options().opTimeout());
      r.complete(worker.process(), Outcome.OK, "write", key, List.of(value, resp.getHeader().getRevision()), null, node);
    } catch (Clients.ClientError e) {
      Outcome o = e.definite() ? Outcome.FAIL : Outcome.INFO;
      r.complete(worker.process(), o, "write", key, value, e.getMessage(), node);
      if (o == Outcome.INFO) {
        worker.retire();
      }
      Thread.sleep(e.definite() ? 500 : 50);
    }
  }

  @Override
  public boolean finish(RunContext ctx) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long target = -1;
    List<Integer> nodes = ctx.cluster().nodeIds();
    Recorder r = ctx.recorder();
    for (int attempt = 0; target < 0 && System.nanoTime() < deadline; attempt++) {
      int n = nodes.get(attempt % nodes.size());
      String node = ctx.cluster().node(n).name();
      long process = 1_000_000L + attempt % nodes.size();
      try (Client client = Clients.open(ctx.cluster().clientEndpoint(n), ctx.options().opTimeout())) {
        r.invoke(process, "final-read", null, null, node);
        GetResponse resp = Clients.await(client.getKVClient().get(Clients.bytes(PREFIX),
            GetOption.builder().isPrefix(true).build()), ctx.options().opTimeout());
        List<Object> rows = new ArrayList<>();
        long max = 0;
        for (KeyValue kv : resp.getKvs()) {
          rows.add(List.of(keyOf(kv), Clients.text(kv.getValue()), kv.getModRevision()));
          max = Math.max(max, kv.getModRevision());
        }
        r.complete(process, Outcome.OK, "final-read", null, rows, null, node);
        target = max;
      } catch (Clients.ClientError e) {
        r.complete(process, Outcome.FAIL, "final-read", null, null, e.getMessage(), node);
        Thread.sleep(500);
      }
    }
    if (target >= 0) {
      r.nemesis("converge", "watchers must deliver up to revision " + target);
      for (WatchLoop w : watchers) {
        w.target = target;
      }
      while (System.nanoTime() < deadline && watchers.stream().anyMatch(w -> w.last < w.target)) {
        Thread.sleep(200);
      }
    }
    for (WatchLoop w : watchers) {
      w.stop = true;
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    return target >= 0 && watchers.stream().allMatch(w -> w.last >= w.target);
  }

  static Object keyOf(KeyValue kv) {
    String k = Clients.text(kv.getKey());
    String suffix = k.startsWith(PREFIX) ? k.substring(PREFIX.length()) : k;
    try {
      return Long.parseLong(suffix);
    } catch (NumberFormatException e) {
      return k;
    }
  }

  @Override
  public CheckSummary check(History history, List<Event> events, Duration timeout) {
    return checkHistory(history);
  }

  /** Checks a watch history (also used by {@code check --model watch}). */
  public static CheckSummary checkHistory(History history) {
    WatchChecker.Result result = WatchChecker.check(history);
    StringBuilder text = new StringBuilder();
    text.append(result.valid() ? "watch guarantees hold" : "watch guarantees VIOLATED: " + result.counts())
        .append(" (").append(result.watchers()).append(" watchers, ").append(result.events()).append(" distinct events, ")
        .append(result.ackedWrites()).append(" acknowledged writes, ").append(result.converged()).append(" of ")
        .append(result.watchers()).append(" watchers converged)\n");
    TreeSet<Integer> highlight = new TreeSet<>();
    for (WatchChecker.Violation v : result.violations()) {
      text.append('\n').append(v.type()).append(": ").append(v.explanation()).append('\n');
    }
    if (!result.violations().isEmpty()) {
      for (Operation op : result.violations().get(0).ops()) {
        highlight.add(op.invokeLine() - 1);
        if (op.completeLine() > 0) {
          highlight.add(op.completeLine() - 1);
        }
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("violation-counts", result.counts());
    details.put("watchers", result.watchers());
    details.put("distinct-events", result.events());
    details.put("acknowledged-writes", result.ackedWrites());
    details.put("watchers-converged", result.converged());
    return new CheckSummary("watch (order, uniqueness, agreement, reliability, acknowledged writes)",
        result.valid() ? CheckSummary.Validity.VALID : CheckSummary.Validity.INVALID,
        new ArrayList<>(result.counts().keySet()), text.toString(), details, new ArrayList<>(highlight));
  }

  /** One watcher: sessions on one node until stopped. */
  private static final class WatchLoop implements Runnable {
    final RunContext ctx;
    final long process;
    final int node;
    final Random random;
    /** Starts "from now" (revision 0) until a session learnt where now was. */
    boolean fromNow;
    volatile long target = Long.MAX_VALUE;
    volatile boolean stop;
    volatile long last;

    WatchLoop(RunContext ctx, long process, int node, Random random, boolean fromNow) {
      this.ctx = ctx;
      this.process = process;
      this.node = node;
      this.random = random;
      this.fromNow = fromNow;
    }

    @Override
    public void run() {
      Client client = null;
      String name = ctx.cluster().node(node).name();
      try {
        while (!stop && last < target) {
          if (client == null) {
            client = Clients.open(ctx.cluster().clientEndpoint(node), ctx.options().opTimeout());
          }
          long from = fromNow ? 0 : last + 1;
          Session s = new Session();
          ctx.recorder().invoke(process, "watch", null, from, name);
          Watch.Watcher w = null;
          try {
            w = client.getWatchClient().watch(Clients.bytes(PREFIX),
                WatchOption.builder().isPrefix(true).withRevision(from).withCreateNotify(true).build(), s);
          } catch (RuntimeException e) {
            s.onError(e);
          }
          long end = System.nanoTime() + (2000 + random.nextInt(6000)) * 1_000_000L;
          while (!stop && System.nanoTime() < end && s.error() == null && s.last() < target) {
            Thread.sleep(100);
          }
          List<Object> responses = s.close();
          if (w != null) {
            try {
              w.close();
            } catch (RuntimeException ignored) {
              // closing a broken watch
            }
          }
          Map<Keyword, Object> value = new LinkedHashMap<>();
          value.put(FROM, from);
          value.put(RESPONSES, responses);
          String error = s.error() == null ? null : Clients.classify(s.error()).getMessage();
          value.put(ERROR, error);
          value.put(CREATED, s.created());
          ctx.recorder().complete(process, Outcome.OK, "watch", null, value, error, name);
          last = Math.max(last, s.last());
          if (fromNow && (s.created() != null || s.last() > 0)) {
            // "now" is known: later sessions resume after it (or after the last event)
            fromNow = false;
            if (s.created() != null) {
              last = Math.max(last, s.created());
            }
          }
          if (s.error() != null) {
            Client c = client;
            client = null;
            Thread t = new Thread(c::close, "watch-client-close");
            t.setDaemon(true);
            t.start();
            Thread.sleep(500);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  /** The events of one watch session, collected from jetcd's callback threads. */
  private static final class Session implements Watch.Listener {
    private final List<Object> responses = new ArrayList<>();
    private boolean closed;
    private long last;
    private Throwable error;
    private Long created;

    @Override
    public synchronized void onNext(WatchResponse response) {
      if (closed) {
        return;
      }
      if (response.isCreatedNotify() && created == null) {
        created = response.getHeader().getRevision();
      }
      if (response.getEvents().isEmpty()) {
        return;
      }
      List<Object> events = new ArrayList<>();
      for (WatchEvent e : response.getEvents()) {
        KeyValue kv = e.getKeyValue();
        long rev = kv.getModRevision();
        Object value = e.getEventType() == WatchEvent.EventType.PUT ? Clients.text(kv.getValue()) : null;
        events.add(java.util.Arrays.asList(rev, keyOf(kv), value));
        last = Math.max(last, rev);
      }
      responses.add(events);
    }

    @Override
    public synchronized void onError(Throwable throwable) {
      if (!closed && error == null) {
        error = throwable;
      }
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("watch completed by the server"));
    }

    synchronized Throwable error() {
      return error;
    }

    synchronized long last() {
      return last;
    }

    /** The header revision of the created notification, if one came. */
    synchronized Long created() {
      return created;
    }

    /** Stops collecting; returns what was delivered. */
    synchronized List<Object> close() {
      closed = true;
      return new ArrayList<>(responses);
    }
  }
}
