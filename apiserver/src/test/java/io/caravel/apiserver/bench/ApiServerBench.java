package io.caravel.apiserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravel.apiserver.ApiServer;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.storage.JetcdKvClient;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.testing.CaravelCluster;
import io.caravel.apiserver.testing.EtcdProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The API server benchmark of issue #7 (not a test: run it with {@code apiserver/bench.sh}). One API server in
 * this JVM over a store (by default a 3-member Caravel cluster started by the test harness, with the
 * {@code ./caravel} script's JVM options), driven over HTTP by Vert.x clients in this JVM. Each run:
 *
 * <ol>
 *   <li><b>create</b>: {@code pods} pods POSTed into a fresh namespace by {@code concurrency} clients in a closed
 *       loop (each sends its next create when the previous response arrived): creates/s and the latency of each
 *       create (request sent → response received);</li>
 *   <li><b>list</b>: the namespace's pods, {@code listRepeats} times each from the watch cache
 *       ({@code resourceVersion=0}) and at the latest revision (no resourceVersion: a read of the store), timed
 *       from the request to the last byte of the body; the median of the repeats is reported;</li>
 *   <li><b>watch</b>: {@code watchers} HTTP watches of the namespace's pods (from the list's resourceVersion),
 *       then {@code watchEvents} more creates at {@code watchRate}/s; for each event and watcher, the delivery
 *       latency from the create's response to the watcher's receipt of the line (0 when the event arrived
 *       first), and from the create's request.</li>
 * </ol>
 *
 * <p>Settings are system properties: {@code store} (caravel, etcd or memory), {@code runs} (3), {@code pods}
 * (10000), {@code concurrency} (32), {@code listRepeats} (5), {@code watchers} (1000), {@code watchEvents} (300),
 * {@code watchRate} (50), {@code warmupPods} (2000: a smaller first run, with at most 100 watchers and 50 watch
 * events, that is not reported), {@code settleSeconds} (180: after the warm-up, wait at most this long for the
 * store and the API server to go idle, see {@link #settle}; 0 skips the wait). The load average is read from
 * /proc/loadavg at the start and end of each run.
 */
public final class ApiServerBench {
    private final String storeKind = System.getProperty("store", "caravel");
    private final int runs = Integer.getInteger("runs", 3);
    private final int runPods = Integer.getInteger("pods", 10_000);
    private final int concurrency = Integer.getInteger("concurrency", 32);
    private final int listRepeats = Integer.getInteger("listRepeats", 5);
    private final int runWatchers = Integer.getInteger("watchers", 1000);
    private final int runWatchEvents = Integer.getInteger("watchEvents", 300);
    private final int watchRate = Integer.getInteger("watchRate", 50);
    private final int warmupPods = Integer.getInteger("warmupPods", 2000);
    private final int settleSeconds = Integer.getInteger("settleSeconds", 180);
    /** Below this share of a core, a process counts as idle while settling. */
    private static final double IDLE_CORES = 0.10;
    /** Seconds in a row the store and the API server must be idle before the measured runs start. */
    private static final int IDLE_SECONDS = 3;

    // the sizes of the run in progress (a warm-up run is smaller)
    private int pods;
    private int watchers;
    private int watchEvents;

    /** The store's processes, whose CPU time is accounted per create. */
    private final List<Long> storePids = new ArrayList<>();
    private Vertx vertx;
    /** Where the main thread's HTTP exchanges run (see {@link #call}). */
    private Context callerContext;
    private HttpClient http;
    private HttpClient watchHttp;
    private int port;

    /** One run's figures (times in milliseconds). */
    record Run(int index, String loadStart, String loadEnd, double createsPerSecond, double createP50, double createP99,
               double createMax, double listCacheMs, double listStoreMs, int listed, double deliveryP50,
               double deliveryP99, double deliveryP999, double deliveryMax, double deliveryFromRequestP99,
               double receivedBeforeResponse, long delivered, long expectedDeliveries, double watchCreateP99,
               double jvmCpuPerCreateMs, double storeCpuPerCreateMs) {
    }

    public static void main(String[] args) throws Exception {
        new ApiServerBench().run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.println("# API server benchmark " + Instant.now());
        System.out.println("# machine: " + machine());
        System.out.printf(Locale.ROOT, "# settings: store=%s runs=%d pods=%d concurrency=%d listRepeats=%d watchers=%d "
                + "watchEvents=%d watchRate=%d/s warmupPods=%d settleSeconds=%d%n", storeKind, runs, runPods, concurrency,
                listRepeats, runWatchers, runWatchEvents, watchRate, warmupPods, settleSeconds);
        AutoCloseable store = null;
        KvClient kv;
        switch (storeKind) {
            case "caravel" -> {
                CaravelCluster c = CaravelCluster.start(3, CaravelCluster.LAUNCHER_JVM_OPTIONS);
                store = c;
                c.members().forEach(m -> storePids.add(m.pid()));
                kv = JetcdKvClient.connect(c.endpoints());
            }
            case "etcd" -> {
                EtcdProcess e = EtcdProcess.start();
                store = e;
                storePids.add(e.pid());
                kv = JetcdKvClient.connect(e.endpoint());
            }
            case "memory" -> kv = new InMemoryKvClient();
            default -> throw new IllegalArgumentException("store must be caravel, etcd or memory: " + storeKind);
        }
        ApiServer api = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0));
        port = api.port();
        vertx = Vertx.vertx();
        callerContext = vertx.getOrCreateContext();
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(concurrency + 4));
        watchHttp = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true).setTcpNoDelay(true).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(runWatchers + 8)
                .setMaxWaitQueueSize(-1));
        try {
            awaitReady();
            if (warmupPods > 0) {
                // JIT warm-up of the API server, the clients and the store, not reported
                pods = warmupPods;
                watchers = Math.min(100, runWatchers);
                watchEvents = Math.min(50, runWatchEvents);
                Run w = oneRun(0);
                System.out.printf(Locale.ROOT, "warm-up: %d creates at %.0f/s (not counted)%n", pods, w.createsPerSecond());
                settle();
            }
            pods = runPods;
            watchers = runWatchers;
            watchEvents = runWatchEvents;
            List<Run> results = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                Run r = oneRun(i);
                results.add(r);
                print(r);
            }
            summary(results);
            System.out.println("creates retried after a 503: " + retries.get());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            api.close();
            kv.close();
            if (store != null) {
                store.close();
            }
        }
    }

    // ------------------------------------------------------------------ HTTP helpers

    /** A request's status, body and its time from send to last byte. */
    record Reply(int status, Buffer body, long sentNanos, long doneNanos) {
        double millis() {
            return (doneNanos - sentNanos) / 1e6;
        }
    }

    /**
     * Sends a request and reads its whole response. An exchange started from a thread that is not Vert.x's (the
     * benchmark's main thread) is moved onto {@link #callerContext} first. Started from a plain thread, a call
     * sometimes never completed although the server had answered (a 120 s timeout of a list, about one benchmark
     * in three against the in-memory store; none in 8 after this change): most likely the response's body handler
     * was set a turn after the body had arrived.
     */
    private CompletableFuture<Reply> call(HttpClient client, HttpMethod method, String path, String body) {
        if (Vertx.currentContext() != null) {
            return exchange(client, method, path, body);
        }
        CompletableFuture<Reply> out = new CompletableFuture<>();
        callerContext.runOnContext(v -> exchange(client, method, path, body).whenComplete((r, err) -> {
            if (err != null) {
                out.completeExceptionally(err);
            } else {
                out.complete(r);
            }
        }));
        return out;
    }

    private CompletableFuture<Reply> exchange(HttpClient client, HttpMethod method, String path, String body) {
        RequestOptions o = new RequestOptions().setMethod(method).setURI(path).putHeader("Accept", "application/json");
        if (body != null) {
            o.putHeader("Content-Type", "application/json");
        }
        long sent = System.nanoTime();
        Future<HttpClientResponse> f = client.request(o).compose(req -> body == null ? req.send() : req.send(body));
        return f.compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b, sent, System.nanoTime())))
                .toCompletionStage().toCompletableFuture();
    }

    private Reply callSync(HttpMethod method, String path, String body) throws Exception {
        return call(http, method, path, body).get(120, TimeUnit.SECONDS);
    }

    /** Retried creates (503 from a store timeout, as clients retry them), over the whole benchmark. */
    private final AtomicLong retries = new AtomicLong();

    /**
     * POSTs a pod; a 503 (the store timed out) is retried after 100 ms, as Kubernetes clients retry it, and a 409
     * after a retry means the first attempt was committed. The reply's time runs from the first attempt.
     */
    private CompletableFuture<Reply> create(String path, String body) {
        CompletableFuture<Reply> out = new CompletableFuture<>();
        attempt(path, body, System.nanoTime(), 0, out);
        return out;
    }

    private void attempt(String path, String body, long firstSent, int attempt, CompletableFuture<Reply> out) {
        call(http, HttpMethod.POST, path, body).whenComplete((r, err) -> {
            if (err == null && (r.status() == 503 || r.status() == 504) && attempt < 20) {
                retries.incrementAndGet();
                vertx.setTimer(100, id -> attempt(path, body, firstSent, attempt + 1, out));
            } else if (err != null) {
                out.completeExceptionally(err);
            } else {
                int status = r.status() == 409 && attempt > 0 ? 201 : r.status();
                out.complete(new Reply(status, r.body(), firstSent, r.doneNanos()));
            }
        });
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (callSync(HttpMethod.GET, "/api/v1/namespaces/default", null).status() == 200) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the API server did not become ready");
    }

    private static String pod(String name, int run) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"bench\","
                + "\"run\":\"" + run + "\"}},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox:1.36\","
                + "\"command\":[\"sleep\",\"3600\"]}]}}";
    }

    // ------------------------------------------------------------------ one run

    private Run oneRun(int index) throws Exception {
        String loadStart = loadAverage();
        String ns = "bench-" + index + "-" + Long.toString(System.nanoTime() % 100000, 36);
        Reply nsReply = callSync(HttpMethod.POST, "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
        if (nsReply.status() != 201) {
            throw new IllegalStateException("namespace: " + nsReply.status() + " " + nsReply.body());
        }
        String podsPath = "/api/v1/namespaces/" + ns + "/pods";

        // 1. creates, closed loop
        ConcurrentHistogram createLatency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        long jvmCpu0 = jvmCpuNanos();
        long storeCpu0 = storeCpuNanos();
        long[] overhead0 = jitAndGcCpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            createNext(podsPath, index, next, done, createLatency, failure, finished);
        }
        if (!finished.await(30, TimeUnit.MINUTES) || failure.get() != null) {
            throw new IllegalStateException("creates failed", failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double jvmCpuPerCreate = (jvmCpuNanos() - jvmCpu0) / 1e6 / pods;
        double storeCpuPerCreate = (storeCpuNanos() - storeCpu0) / 1e6 / pods;
        double createsPerSecond = pods / seconds;
        long[] overhead1 = jitAndGcCpuNanos();
        System.out.printf(Locale.ROOT, "run %d: %d creates in %.1f s; CPU of JIT compiler threads: API server JVM %.1f s, "
                        + "store %.1f s; of GC threads: API server JVM %.1f s, store %.1f s%n", index, pods, seconds,
                (overhead1[0] - overhead0[0]) / 1e9, (overhead1[1] - overhead0[1]) / 1e9,
                (overhead1[2] - overhead0[2]) / 1e9, (overhead1[3] - overhead0[3]) / 1e9);

        // 2. lists: from the watch cache (resourceVersion=0) and from the store (latest)
        // the cache may trail the last create by its lag: wait until it holds every pod
        int listed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (listed != pods && System.nanoTime() < deadline) {
            listed = Json.MAPPER.readTree(callSync(HttpMethod.GET, podsPath + "?resourceVersion=0", null).body().getBytes())
                    .path("items").size();
        }
        double[] cache = new double[listRepeats];
        double[] store = new double[listRepeats];
        String listRv = null;
        for (int i = 0; i < listRepeats; i++) {
            Reply a = callSync(HttpMethod.GET, podsPath + "?resourceVersion=0", null);
            cache[i] = a.millis();
            Reply b = callSync(HttpMethod.GET, podsPath, null);
            store[i] = b.millis();
            if (a.status() != 200 || b.status() != 200) {
                throw new IllegalStateException("list: " + a.status() + " / " + b.status());
            }
            if (i == listRepeats - 1) {
                JsonNode l = Json.MAPPER.readTree(b.body().getBytes());
                listRv = l.at("/metadata/resourceVersion").asText();
                if (l.path("items").size() != pods) {
                    throw new IllegalStateException("the store list has " + l.path("items").size() + " pods");
                }
            }
        }
        System.out.printf(Locale.ROOT, "run %d: lists from the cache %s ms, from the store %s ms%n", index,
                Arrays.toString(round(cache)), Arrays.toString(round(store)));

        // 3. watchers, then paced creates
        long[][] receipts = new long[watchEvents][watchers];
        long[] sent = new long[watchEvents];
        long[] responded = new long[watchEvents];
        AtomicLong delivered = new AtomicLong();
        CountDownLatch watching = new CountDownLatch(watchers);
        List<Runnable> closers = new ArrayList<>();
        String watchPath = podsPath + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + listRv;
        for (int w = 0; w < watchers; w++) {
            openWatcher(watchPath, w, receipts, delivered, watching, closers);
        }
        if (!watching.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (watchers - watching.getCount()) + " watchers started");
        }
        Thread.sleep(1000);
        ConcurrentHistogram watchCreate = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
        CountDownLatch created = new CountDownLatch(watchEvents);
        long period = 1_000_000_000L / watchRate;
        long t0 = System.nanoTime();
        for (int e = 0; e < watchEvents; e++) {
            long at = t0 + e * period;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int id = e;
            sent[id] = System.nanoTime();
            create(podsPath, pod("w-" + id, index)).whenComplete((r, err) -> {
                responded[id] = System.nanoTime();
                if (err != null || r.status() != 201) {
                    failure.compareAndSet(null, err != null ? err : new IllegalStateException("create " + r.status()));
                } else {
                    watchCreate.recordValue(Math.max(1, (r.doneNanos() - r.sentNanos()) / 1000));
                }
                created.countDown();
            });
        }
        if (!created.await(120, TimeUnit.SECONDS) || failure.get() != null) {
            closers.forEach(Runnable::run);
            throw new IllegalStateException("paced creates failed (" + created.getCount() + " unanswered)", failure.get());
        }
        long expected = (long) watchEvents * watchers;
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.get() < expected && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        closers.forEach(Runnable::run);
        Histogram fromResponse = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Histogram fromRequest = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        long before = 0;
        for (int e = 0; e < watchEvents; e++) {
            for (int w = 0; w < watchers; w++) {
                long r = receipts[e][w];
                if (r == 0) {
                    continue;
                }
                long d = r - responded[e];
                if (d < 0) {
                    before++;
                }
                fromResponse.recordValue(Math.max(0, d / 1000));
                fromRequest.recordValue(Math.max(0, (r - sent[e]) / 1000));
            }
        }
        String loadEnd = loadAverage();
        return new Run(index, loadStart, loadEnd, createsPerSecond, ms(createLatency.getValueAtPercentile(50)),
                ms(createLatency.getValueAtPercentile(99)), ms(createLatency.getMaxValue()), median(cache), median(store),
                listed, ms(fromResponse.getValueAtPercentile(50)), ms(fromResponse.getValueAtPercentile(99)),
                ms(fromResponse.getValueAtPercentile(99.9)), ms(fromResponse.getMaxValue()),
                ms(fromRequest.getValueAtPercentile(99)), fromResponse.getTotalCount() == 0 ? 0
                : (double) before / fromResponse.getTotalCount(), delivered.get(), expected,
                ms(watchCreate.getValueAtPercentile(99)), jvmCpuPerCreate, storeCpuPerCreate);
    }

    private void createNext(String path, int run, AtomicInteger next, AtomicInteger done, ConcurrentHistogram latency,
                            AtomicReference<Throwable> failure, CountDownLatch finished) {
        int i = next.getAndIncrement();
        if (i >= pods || failure.get() != null) {
            return;
        }
        create(path, pod(String.format(Locale.ROOT, "p-%05d", i), run)).whenComplete((r, err) -> {
            if (err != null || r.status() != 201) {
                failure.compareAndSet(null, err != null ? err : new IllegalStateException("create " + r.status() + " "
                        + r.body().toString(StandardCharsets.UTF_8)));
                finished.countDown();
                return;
            }
            latency.recordValue(Math.max(1, (r.doneNanos() - r.sentNanos()) / 1000));
            if (done.incrementAndGet() == pods) {
                finished.countDown();
            }
            createNext(path, run, next, done, latency, failure, finished);
        });
    }

    /**
     * One watch stream: splits lines, and for an ADDED event of pod {@code w-<n>} records its receipt time. Only the
     * start of a line is looked at (the name is in the first hundred bytes); the rest is skipped to the newline.
     */
    private void openWatcher(String path, int index, long[][] receipts, AtomicLong delivered, CountDownLatch watching,
                             List<Runnable> closers) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI(path).putHeader("Accept", "application/json")
                .setIdleTimeout(0);
        watchHttp.request(o).onSuccess(req -> {
            synchronized (closers) {
                closers.add(() -> req.reset());
            }
            req.send().onSuccess(resp -> {
                if (resp.statusCode() != 200) {
                    System.err.println("watcher " + index + ": HTTP " + resp.statusCode());
                    return;
                }
                watching.countDown();
                byte[] head = new byte[128];
                int[] headLen = {0};
                resp.handler(buf -> {
                    long now = System.nanoTime();
                    io.netty.buffer.ByteBuf bb = ((io.vertx.core.buffer.impl.BufferImpl) buf).byteBuf();
                    int from = bb.readerIndex();
                    int to = bb.writerIndex();
                    while (from < to) {
                        int nl = bb.indexOf(from, to, (byte) '\n');
                        int end = nl < 0 ? to : nl;
                        int take = Math.min(end - from, head.length - headLen[0]);
                        if (take > 0) {
                            bb.getBytes(from, head, headLen[0], take);
                            headLen[0] += take;
                        }
                        if (nl < 0) {
                            break;
                        }
                        line(head, headLen[0], index, now, receipts, delivered);
                        headLen[0] = 0;
                        from = nl + 1;
                    }
                });
                resp.exceptionHandler(e -> { });
            }).onFailure(e -> System.err.println("watcher " + index + ": " + e));
        }).onFailure(e -> System.err.println("watcher " + index + ": " + e));
    }

    private static final byte[] ADDED = "{\"type\":\"ADDED\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NAME = "\"name\":\"w-".getBytes(StandardCharsets.UTF_8);

    private static void line(byte[] head, int len, int watcher, long now, long[][] receipts, AtomicLong delivered) {
        if (len < ADDED.length || !startsWith(head, 0, ADDED)) {
            return;
        }
        for (int i = ADDED.length; i + NAME.length < len; i++) {
            if (startsWith(head, i, NAME)) {
                int id = 0;
                for (int j = i + NAME.length; j < len && head[j] != '"'; j++) {
                    id = id * 10 + (head[j] - '0');
                }
                if (id < receipts.length && receipts[id][watcher] == 0) {
                    receipts[id][watcher] = now;
                    delivered.incrementAndGet();
                }
                return;
            }
        }
    }

    private static boolean startsWith(byte[] a, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (a[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ reporting

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static double[] round(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.round(a[i] * 10) / 10.0;
        }
        return r;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * Waits until the store's processes and this JVM are idle after the warm-up, at most {@code settleSeconds}: the
     * warm-up's writes may leave the store background work (RocksDB flushes and compactions, Raft snapshots and log
     * purges, the history compaction), which would otherwise be charged to the first measured runs. Idle means
     * under {@link #IDLE_CORES} of a core over a second, for {@link #IDLE_SECONDS} seconds in a row. Prints each
     * second's CPU use, so that what was waited for is on the record.
     */
    private void settle() throws InterruptedException {
        if (settleSeconds <= 0) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(settleSeconds);
        List<String> seconds = new ArrayList<>();
        int idleInARow = 0;
        long store0 = storeCpuNanos();
        long jvm0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        while (idleInARow < IDLE_SECONDS && System.nanoTime() < deadline) {
            Thread.sleep(1000); // the sampling interval, not synchronisation
            long store1 = storeCpuNanos();
            long jvm1 = jvmCpuNanos();
            long t1 = System.nanoTime();
            double storeCores = (store1 - store0) / (double) (t1 - t0);
            double jvmCores = (jvm1 - jvm0) / (double) (t1 - t0);
            seconds.add(String.format(Locale.ROOT, "%.2f/%.2f", storeCores, jvmCores));
            idleInARow = storeCores < IDLE_CORES && jvmCores < IDLE_CORES ? idleInARow + 1 : 0;
            store0 = store1;
            jvm0 = jvm1;
            t0 = t1;
        }
        System.out.printf(Locale.ROOT, "settle: %s after %.0f s (CPU cores per second, store/API server JVM: %s)%n",
                idleInARow >= IDLE_SECONDS ? "idle" : "still busy", (System.nanoTime() - start) / 1e9,
                String.join(" ", seconds));
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** User + system CPU time of the store's processes (Linux /proc, clock ticks of 10 ms). */
    private long storeCpuNanos() {
        long nanos = 0;
        for (long pid : storePids) {
            try {
                nanos += cpuNanos(Files.readString(Path.of("/proc/" + pid + "/stat")));
            } catch (IOException | RuntimeException e) {
                // gone, or not Linux
            }
        }
        return nanos;
    }

    /** User + system CPU time in a /proc {@code stat} line (of a process or a thread; clock ticks of 10 ms). */
    private static long cpuNanos(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    /**
     * CPU time of the JVMs' JIT compiler threads and GC threads (HotSpot's thread names: "C1/C2 CompilerThre…",
     * "GC Thread#…", "G1 …"), from /proc: {JIT of this JVM, JIT of the store, GC of this JVM, GC of the store}.
     * These say whether a slow run was still compiling or collecting. A thread that ends between two readings drops
     * out of the second, so a difference is a lower bound.
     */
    private long[] jitAndGcCpuNanos() {
        long[] out = new long[4];
        addThreadCpu(ProcessHandle.current().pid(), out, 0, 2);
        for (long pid : storePids) {
            addThreadCpu(pid, out, 1, 3);
        }
        return out;
    }

    private static void addThreadCpu(long pid, long[] out, int jitSlot, int gcSlot) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    long nanos = cpuNanos(stat);
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        out[jitSlot] += nanos;
                    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        out[gcSlot] += nanos;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // gone, or not Linux
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            // not Linux
        }
        long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + (mem >> 30) + " GiB RAM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.vm.version") + " (" + ManagementFactory.getRuntimeMXBean().getInputArguments() + ")";
    }

    private static void print(Run r) {
        System.out.printf(Locale.ROOT, "run %d | load %s -> %s | creates %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, "
                        + "CPU per create: API server JVM (with the clients) %.2f ms, store %.2f ms | "
                        + "list %d pods: cache %.1f ms, store %.1f ms | delivery (from response) p50 %.1f ms, p99 %.1f ms, "
                        + "p99.9 %.1f ms, max %.1f ms; from request p99 %.1f ms; %.0f%% before the response; %d/%d delivered; "
                        + "paced create p99 %.1f ms%n",
                r.index(), r.loadStart(), r.loadEnd(), r.createsPerSecond(), r.createP50(), r.createP99(), r.createMax(),
                r.jvmCpuPerCreateMs(), r.storeCpuPerCreateMs(), r.listed(), r.listCacheMs(), r.listStoreMs(), r.deliveryP50(), r.deliveryP99(), r.deliveryP999(),
                r.deliveryMax(), r.deliveryFromRequestP99(), r.receivedBeforeResponse() * 100, r.delivered(),
                r.expectedDeliveries(), r.watchCreateP99());
    }

    private static void summary(List<Run> rs) {
        System.out.printf(Locale.ROOT, "median of %d runs | creates %.0f/s, p50 %.1f ms, p99 %.1f ms, CPU per create %.2f ms "
                        + "(API server JVM) + %.2f ms (store) | list cache %.1f ms, store %.1f ms | delivery p50 %.1f ms, "
                        + "p99 %.1f ms (from request p99 %.1f ms)%n", rs.size(),
                med(rs, Run::createsPerSecond), med(rs, Run::createP50), med(rs, Run::createP99),
                med(rs, Run::jvmCpuPerCreateMs), med(rs, Run::storeCpuPerCreateMs), med(rs, Run::listCacheMs),
                med(rs, Run::listStoreMs), med(rs, Run::deliveryP50), med(rs, Run::deliveryP99),
                med(rs, Run::deliveryFromRequestP99));
    }

    private static double med(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        return median(rs.stream().mapToDouble(f).toArray());
    }
}
