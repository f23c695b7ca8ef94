package io.caravel.apiserver.storage;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@link KvClient} over jetcd: speaks etcd's v3 gRPC API to a Caravel cluster or to etcd itself. Every operation
 * is one etcd request (writes are one {@code Txn}); watches use one gRPC watch stream with {@code prev_kv} and
 * progress notifications, which jetcd resumes after a disconnection from the next revision.
 *
 * <p>Thread-safe. Futures complete on jetcd's executor.
 */
public final class JetcdKvClient implements KvClient {
    private static final PutOption PUT = PutOption.DEFAULT;
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private final Client client;
    private final KV kv;
    private final Watch watch;
    private final boolean ownsClient;

    private JetcdKvClient(Client client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.kv = client.getKVClient();
        this.watch = client.getWatchClient();
        this.ownsClient = ownsClient;
    }

    /**
     * A client for the comma-separated etcd endpoints, e.g. {@code http://127.0.0.1:2379,http://127.0.0.1:22379}.
     */
    public static JetcdKvClient connect(String endpoints) {
        Objects.requireNonNull(endpoints, "endpoints == null");
        String[] eps = endpoints.split(",");
        for (int i = 0; i < eps.length; i++) {
            eps[i] = eps[i].trim();
        }
        Client c = Client.builder().endpoints(eps).maxInboundMessageSize(MAX_MESSAGE)
                .connectTimeout(Duration.ofSeconds(5)).keepaliveTime(Duration.ofSeconds(30))
                .retryMaxDuration(Duration.ofSeconds(10)).build();
        return new JetcdKvClient(c, true);
    }

    /** Wraps a jetcd client the caller keeps ownership of (it is not closed by {@link #close()}). */
    public static JetcdKvClient wrap(Client client) {
        return new JetcdKvClient(client, false);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static KeyValue convert(io.etcd.jetcd.KeyValue kv) {
        if (kv == null || kv.getKey() == null || kv.getKey().isEmpty()) {
            return null;
        }
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision(), kv.getVersion());
    }

    /** Maps jetcd's failures onto our typed exceptions, matching etcd's error strings. */
    static Throwable translate(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof KvException) {
            return e;
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("required revision has been compacted")) {
            return new KvException.Compacted("etcdserver: mvcc: required revision has been compacted");
        }
        if (msg.contains("required revision is a future revision")) {
            return new KvException.FutureRevision("etcdserver: mvcc: required revision is a future revision");
        }
        if (e instanceof EtcdException ee) {
            switch (ee.getErrorCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED:
                    return new KvException.Unavailable(msg, e);
                default:
                    return new KvException(msg, e);
            }
        }
        return new KvException.Unavailable(msg, e);
    }

    private static <T, R> CompletableFuture<R> map(CompletableFuture<T> f, Function<T, R> fn) {
        CompletableFuture<R> out = new CompletableFuture<>();
        f.whenComplete((v, err) -> {
            if (err != null) {
                out.completeExceptionally(translate(err));
                return;
            }
            try {
                out.complete(fn.apply(v));
            } catch (Throwable t) {
                out.completeExceptionally(t);
            }
        });
        return out;
    }

    private static CompletableFuture<TxnResponse> commit(io.etcd.jetcd.Txn txn) {
        try {
            return txn.commit();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return map(kv.get(bytes(key)), r -> r.getKvs().isEmpty() ? Optional.empty() : Optional.of(convert(r.getKvs().get(0))));
    }

    @Override
    public CompletableFuture<KvPage> list(String prefix, long revision, int limit, String startKey) {
        String from = startKey == null || startKey.compareTo(prefix) < 0 ? prefix : startKey;
        GetOption.Builder opt = GetOption.builder().withRange(bytes(KvClient.prefixEnd(prefix)))
                .withRevision(Math.max(0, revision)).withLimit(Math.max(0, limit));
        return map(kv.get(bytes(from), opt.build()), (GetResponse r) -> {
            List<KeyValue> items = new ArrayList<>(r.getKvs().size());
            for (io.etcd.jetcd.KeyValue k : r.getKvs()) {
                items.add(convert(k));
            }
            long rev = revision > 0 ? revision : r.getHeader().getRevision();
            return new KvPage(items, rev, r.isMore(), r.getCount());
        });
    }

    @Override
    public CompletableFuture<WriteResult> create(String key, byte[] value) {
        ByteSequence k = bytes(key);
        return map(commit(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PUT), Op.get(k, GetOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))), r -> result(r));
    }

    @Override
    public CompletableFuture<WriteResult> update(String key, byte[] value, long expectedModRevision) {
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException("expectedModRevision must be positive: " + expectedModRevision);
        }
        ByteSequence k = bytes(key);
        return map(commit(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, ByteSequence.from(value), PUT), Op.get(k, GetOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))), r -> result(r));
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key, long expectedModRevision) {
        ByteSequence k = bytes(key);
        Cmp cmp = expectedModRevision > 0
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision))
                : new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0));
        return map(commit(kv.txn().If(cmp)
                .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                .Else(Op.get(k, GetOption.DEFAULT))), r -> {
                    long rev = r.getHeader().getRevision();
                    if (r.isSucceeded()) {
                        List<io.etcd.jetcd.KeyValue> prev = r.getDeleteResponses().get(0).getPrevKvs();
                        return new WriteResult(true, rev, prev.isEmpty() ? null : convert(prev.get(0)));
                    }
                    return new WriteResult(false, rev, firstGet(r));
                });
    }

    private static WriteResult result(TxnResponse r) {
        return new WriteResult(r.isSucceeded(), r.getHeader().getRevision(), firstGet(r));
    }

    private static KeyValue firstGet(TxnResponse r) {
        List<GetResponse> gets = r.getGetResponses();
        if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
            return null;
        }
        return convert(gets.get(0).getKvs().get(0));
    }

    @Override
    public KvWatch watch(String prefix, long fromRevision, KvWatchListener listener) {
        Objects.requireNonNull(listener, "listener == null");
        AtomicBoolean ended = new AtomicBoolean();
        WatchOption opt = WatchOption.builder().isPrefix(true).withPrevKV(true).withProgressNotify(true)
                .withRevision(Math.max(0, fromRevision)).build();
        Watch.Listener l = new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                if (ended.get()) {
                    return;
                }
                if (response.getEvents().isEmpty()) {
                    if (response.isProgressNotify()) {
                        listener.onProgress(response.getHeader().getRevision());
                    }
                    return;
                }
                List<KvEvent> events = new ArrayList<>(response.getEvents().size());
                for (WatchEvent e : response.getEvents()) {
                    KeyValue kv = convert(e.getKeyValue());
                    KeyValue prev = convert(e.getPrevKV());
                    if (e.getEventType() == WatchEvent.EventType.DELETE) {
                        events.add(new KvEvent(KvEvent.Type.DELETE, kv, prev));
                    } else if (e.getEventType() == WatchEvent.EventType.PUT) {
                        events.add(new KvEvent(KvEvent.Type.PUT, kv, prev));
                    }
                }
                listener.onEvents(events);
            }

            @Override
            public void onError(Throwable throwable) {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
                if (throwable instanceof CompactedException ce) {
                    listener.onCompacted(ce.getCompactedRevision());
                } else {
                    listener.onError(translate(throwable));
                }
            }

            @Override
            public void onCompleted() {
                if (ended.compareAndSet(false, true)) {
                    listener.onError(new KvException("watch closed by the store"));
                }
            }
        };
        Watch.Watcher w = watch.watch(bytes(prefix), opt, l);
        return () -> {
            if (ended.compareAndSet(false, true)) {
                w.close();
            }
        };
    }

    @Override
    public CompletableFuture<Long> compact(long revision) {
        return map(kv.compact(revision), r -> revision);
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        return map(kv.get(bytes("\0"), GetOption.builder().withCountOnly(true).build()), r -> r.getHeader().getRevision());
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
