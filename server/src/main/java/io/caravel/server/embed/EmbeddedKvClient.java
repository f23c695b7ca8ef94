package io.caravel.server.embed;

import io.caravel.apiserver.storage.KeyValue;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.storage.KvEvent;
import io.caravel.apiserver.storage.KvException;
import io.caravel.apiserver.storage.KvPage;
import io.caravel.apiserver.storage.KvWatch;
import io.caravel.apiserver.storage.KvWatchListener;
import io.caravel.apiserver.storage.WriteResult;
import io.caravel.server.CaravelNode;
import io.caravel.server.watch.WatchHub;
import io.caravel.server.watch.WatchListener;
import io.caravel.server.watch.WatchSpec;
import io.caravel.store.Bytes;
import io.caravel.store.Compare;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.store.KvError;
import io.caravel.store.OpResult;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The API server's {@link KvClient} over an embedded {@link CaravelNode}, in process: the same etcd
 * transactions {@code JetcdKvClient} sends over gRPC, made through {@link CaravelNode#kv()} and
 * {@link CaravelNode#watch()}. Futures complete on this client's own threads (never on the node's Raft
 * threads or a caller's event loop); watch listeners are called on the node's delivery threads, one call at a
 * time, in revision order. {@link #close()} ends this client's watches and threads, not the node.
 */
public final class EmbeddedKvClient implements KvClient {
    private final CaravelNode node;
    private final ExecutorService callbacks;
    private final Set<NodeWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public EmbeddedKvClient(CaravelNode node) {
        this.node = Objects.requireNonNull(node, "node == null");
        AtomicInteger n = new AtomicInteger();
        this.callbacks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "caravel-kvclient-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return map(() -> node.kv().get(key), o -> o.map(EmbeddedKvClient::convert));
    }

    @Override
    public CompletableFuture<KvPage> list(String prefix, long revision, int limit, String startKey) {
        Bytes p = Bytes.of(prefix);
        Bytes from = startKey == null ? p : Bytes.of(startKey);
        RangeRequest req = RangeRequest.builder(from)
                .rangeEnd(p.prefixEnd())
                .revision(Math.max(0, revision))
                .limit(Math.max(0, limit))
                .build();
        return map(() -> node.kv().range(req), r -> {
            List<KeyValue> items = new ArrayList<>(r.kvs().size());
            for (io.caravel.store.KeyValue kv : r.kvs()) {
                items.add(convert(kv));
            }
            return new KvPage(items, revision > 0 ? revision : r.revision(), r.more(), r.count());
        });
    }

    @Override
    public CompletableFuture<WriteResult> create(String key, byte[] value) {
        Bytes k = Bytes.of(key);
        TxnRequest txn = new TxnRequest(
                List.of(Compare.createRevision(k, Compare.Operator.EQUAL, 0)),
                List.of(PutRequest.of(k, Bytes.copyOf(value)), RangeRequest.get(k)),
                List.of(RangeRequest.get(k)));
        return map(() -> node.kv().txn(txn), EmbeddedKvClient::lastRange);
    }

    @Override
    public CompletableFuture<WriteResult> update(String key, byte[] value, long expectedModRevision) {
        Bytes k = Bytes.of(key);
        TxnRequest txn = new TxnRequest(
                List.of(Compare.modRevision(k, Compare.Operator.EQUAL, expectedModRevision)),
                List.of(PutRequest.of(k, Bytes.copyOf(value)), RangeRequest.get(k)),
                List.of(RangeRequest.get(k)));
        return map(() -> node.kv().txn(txn), EmbeddedKvClient::lastRange);
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key, long expectedModRevision) {
        Bytes k = Bytes.of(key);
        Compare cmp = expectedModRevision == 0
                ? Compare.createRevision(k, Compare.Operator.GREATER, 0)
                : Compare.modRevision(k, Compare.Operator.EQUAL, expectedModRevision);
        TxnRequest txn = new TxnRequest(
                List.of(cmp),
                List.of(new DeleteRangeRequest(k, Bytes.EMPTY, true)),
                List.of(RangeRequest.get(k)));
        return map(() -> node.kv().txn(txn), t -> {
            if (!t.succeeded()) {
                return lastRange(t);
            }
            DeleteRangeResult d = (DeleteRangeResult) t.responses().get(0);
            return new WriteResult(true, t.revision(), d.prevKvs().isEmpty() ? null : convert(d.prevKvs().get(0)));
        });
    }

    @Override
    public KvWatch watch(String prefix, long fromRevision, KvWatchListener listener) {
        Objects.requireNonNull(listener, "listener == null");
        Bytes p = Bytes.of(prefix);
        WatchSpec spec = new WatchSpec(new KeyRange(p, p.prefixEnd()), Math.max(0, fromRevision), true, false, false);
        NodeWatch w = new NodeWatch(listener);
        watches.add(w);
        if (closed) {
            w.end(new KvException("the client is closed"));
            return w;
        }
        try {
            w.watcher = node.watch().watch(spec, w);
            if (w.ended) {
                w.watcher.cancel();
            }
        } catch (RuntimeException e) {
            w.end(translate(e));
        }
        return w;
    }

    @Override
    public CompletableFuture<Long> compact(long revision) {
        return map(() -> node.kv().compact(revision), r -> revision);
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        RangeRequest req = RangeRequest.builder(Bytes.ZERO).countOnly(true).build();
        return map(() -> node.kv().range(req), RangeResult::revision);
    }

    /** Ends this client's watches (with {@link KvWatchListener#onError}) and threads; the node keeps running. */
    @Override
    public void close() {
        closed = true;
        for (NodeWatch w : List.copyOf(watches)) {
            w.end(new KvException("the client is closed"));
        }
        callbacks.shutdown();
    }

    private static WriteResult lastRange(TxnResult t) {
        List<OpResult> rs = t.responses();
        RangeResult r = (RangeResult) rs.get(rs.size() - 1);
        return new WriteResult(t.succeeded(), t.revision(), r.kvs().isEmpty() ? null : convert(r.kvs().get(0)));
    }

    private <R, T> CompletableFuture<T> map(java.util.function.Supplier<CompletableFuture<R>> call, Function<R, T> fn) {
        if (closed) {
            return CompletableFuture.failedFuture(new KvException.Unavailable("the client is closed", null));
        }
        CompletableFuture<R> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((r, err) -> {
            Runnable complete = () -> {
                if (err != null) {
                    out.completeExceptionally(translate(err));
                    return;
                }
                try {
                    out.complete(fn.apply(r));
                } catch (RuntimeException e) {
                    out.completeExceptionally(translate(e));
                }
            };
            try {
                callbacks.execute(complete);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                complete.run();
            }
        });
        return out;
    }

    static KvException translate(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof KvException k) {
            return k;
        }
        if (t instanceof io.caravel.store.KvException e) {
            if (e.error() == KvError.COMPACTED) {
                return new KvException.Compacted(e.error().message());
            }
            if (e.error() == KvError.FUTURE_REVISION) {
                return new KvException.FutureRevision(e.error().message());
            }
            return new KvException(e.error().message(), e);
        }
        return new KvException.Unavailable(String.valueOf(t.getMessage()), t);
    }

    static KeyValue convert(io.caravel.store.KeyValue kv) {
        return new KeyValue(kv.key().toStringUtf8(), kv.value().toByteArray(), kv.createRevision(), kv.modRevision(),
                kv.version());
    }

    /** One watch: the node's watcher, and the listener guarded so that calls never overlap and none follows the end. */
    private final class NodeWatch implements KvWatch, WatchListener {
        private final KvWatchListener listener;
        volatile WatchHub.Watcher watcher;
        volatile boolean ended;

        NodeWatch(KvWatchListener listener) {
            this.listener = listener;
        }

        @Override
        public void onCreated(long revision) {
        }

        @Override
        public synchronized void onEvents(long revision, List<Event> events) {
            if (ended) {
                return;
            }
            List<KvEvent> out = new ArrayList<>(events.size());
            for (Event e : events) {
                KvEvent.Type type = e.type() == Event.Type.PUT ? KvEvent.Type.PUT : KvEvent.Type.DELETE;
                out.add(new KvEvent(type, convert(e.kv()), e.prevKv() == null ? null : convert(e.prevKv())));
            }
            listener.onEvents(out);
        }

        @Override
        public synchronized void onCanceled(long compactRevision, String reason) {
            if (ended) {
                return;
            }
            ended = true;
            watches.remove(this);
            if (compactRevision > 0) {
                listener.onCompacted(compactRevision);
            } else {
                listener.onError(new KvException("watch canceled"
                        + (reason == null || reason.isEmpty() ? "" : ": " + reason)));
            }
        }

        synchronized void end(Throwable error) {
            if (ended) {
                return;
            }
            ended = true;
            watches.remove(this);
            WatchHub.Watcher w = watcher;
            if (w != null) {
                w.cancel();
            }
            listener.onError(error);
        }

        @Override
        public void close() {
            synchronized (this) {
                ended = true;
            }
            watches.remove(this);
            WatchHub.Watcher w = watcher;
            if (w != null) {
                w.cancel();
            }
        }
    }
}
