package io.caravel.apiserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reference {@link KvClient} held in memory: etcd's revision model (one counter, per-key create/mod revision and
 * version, full history until compaction) without a server. For unit tests and single-process experiments; not
 * durable and not bounded.
 *
 * <p>Thread-safe: operations run under one lock; futures and watch listeners are completed on one notifier
 * thread, in revision order.
 */
public final class InMemoryKvClient implements KvClient {
    /** A key's versions: revision to value (null marks a deletion). */
    private final TreeMap<String, TreeMap<Long, KeyValue>> keys = new TreeMap<>();
    /** Every change, in order, for watches from a past revision. */
    private final List<KvEvent> history = new ArrayList<>();
    private final List<MemWatch> watches = new ArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kv-mem-notifier");
        t.setDaemon(true);
        return t;
    });
    private long revision = 1;
    private long compacted = 0;
    private boolean closed;

    private <T> CompletableFuture<T> later(T value) {
        CompletableFuture<T> f = new CompletableFuture<>();
        notifier.execute(() -> f.complete(value));
        return f;
    }

    private <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        notifier.execute(() -> f.completeExceptionally(t));
        return f;
    }

    private KeyValue latest(String key) {
        TreeMap<Long, KeyValue> versions = keys.get(key);
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        return versions.lastEntry().getValue().value().length == 0 && versions.lastEntry().getValue().version() == 0
                ? null : versions.lastEntry().getValue();
    }

    private static KeyValue at(TreeMap<Long, KeyValue> versions, long rev) {
        Map.Entry<Long, KeyValue> e = versions.floorEntry(rev);
        if (e == null || e.getValue().version() == 0) {
            return null;
        }
        return e.getValue();
    }

    @Override
    public synchronized CompletableFuture<Optional<KeyValue>> get(String key) {
        return later(Optional.ofNullable(latest(key)));
    }

    @Override
    public synchronized CompletableFuture<KvPage> list(String prefix, long rev, int limit, String startKey) {
        if (rev > 0 && rev < compacted) {
            return failed(new KvException.Compacted("etcdserver: mvcc: required revision has been compacted"));
        }
        if (rev > revision) {
            return failed(new KvException.FutureRevision("etcdserver: mvcc: required revision is a future revision"));
        }
        long at = rev > 0 ? rev : revision;
        String from = startKey == null || startKey.compareTo(prefix) < 0 ? prefix : startKey;
        NavigableMap<String, TreeMap<Long, KeyValue>> range = keys.subMap(from, true, KvClient.prefixEnd(prefix), false);
        List<KeyValue> items = new ArrayList<>();
        long count = 0;
        for (TreeMap<Long, KeyValue> versions : range.values()) {
            KeyValue kv = at(versions, at);
            if (kv != null) {
                count++;
                if (limit <= 0 || items.size() < limit) {
                    items.add(kv);
                }
            }
        }
        return later(new KvPage(items, at, items.size() < count, count));
    }

    private KvEvent put(String key, byte[] value, KeyValue prev) {
        revision++;
        KeyValue kv = new KeyValue(key, value.clone(), prev == null ? revision : prev.createRevision(), revision,
                prev == null ? 1 : prev.version() + 1);
        keys.computeIfAbsent(key, k -> new TreeMap<>()).put(revision, kv);
        return publish(new KvEvent(KvEvent.Type.PUT, kv, prev));
    }

    private KvEvent publish(KvEvent e) {
        history.add(e);
        for (MemWatch w : watches) {
            w.offer(e);
        }
        return e;
    }

    @Override
    public synchronized CompletableFuture<WriteResult> create(String key, byte[] value) {
        KeyValue cur = latest(key);
        if (cur != null) {
            return later(new WriteResult(false, revision, cur));
        }
        KvEvent e = put(key, value, null);
        return later(new WriteResult(true, revision, e.kv()));
    }

    @Override
    public synchronized CompletableFuture<WriteResult> update(String key, byte[] value, long expectedModRevision) {
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException("expectedModRevision must be positive: " + expectedModRevision);
        }
        KeyValue cur = latest(key);
        if (cur == null || cur.modRevision() != expectedModRevision) {
            return later(new WriteResult(false, revision, cur));
        }
        KvEvent e = put(key, value, cur);
        return later(new WriteResult(true, revision, e.kv()));
    }

    @Override
    public synchronized CompletableFuture<WriteResult> delete(String key, long expectedModRevision) {
        KeyValue cur = latest(key);
        if (cur == null || (expectedModRevision > 0 && cur.modRevision() != expectedModRevision)) {
            return later(new WriteResult(false, revision, cur));
        }
        revision++;
        KeyValue tomb = new KeyValue(key, new byte[0], 0, revision, 0);
        keys.get(key).put(revision, tomb);
        publish(new KvEvent(KvEvent.Type.DELETE, tomb, cur));
        return later(new WriteResult(true, revision, cur));
    }

    @Override
    public synchronized KvWatch watch(String prefix, long fromRevision, KvWatchListener listener) {
        MemWatch w = new MemWatch(prefix, listener);
        long from = fromRevision > 0 ? fromRevision : revision + 1;
        if (closed) {
            notifier.execute(() -> listener.onError(new KvException("client closed")));
            return w;
        }
        if (from < compacted) {
            long c = compacted;
            w.ended.set(true);
            notifier.execute(() -> listener.onCompacted(c));
            return w;
        }
        for (KvEvent e : history) {
            if (e.revision() >= from) {
                w.offer(e);
            }
        }
        watches.add(w);
        return w;
    }

    @Override
    public synchronized CompletableFuture<Long> compact(long rev) {
        if (rev <= compacted) {
            return failed(new KvException.Compacted("etcdserver: mvcc: required revision has been compacted"));
        }
        if (rev > revision) {
            return failed(new KvException.FutureRevision("etcdserver: mvcc: required revision is a future revision"));
        }
        compacted = rev;
        history.removeIf(e -> e.revision() < rev);
        for (TreeMap<Long, KeyValue> versions : keys.values()) {
            Long keep = versions.floorKey(rev);
            if (keep != null) {
                versions.headMap(keep, false).clear();
                if (versions.get(keep).version() == 0) {
                    versions.remove(keep);
                }
            }
        }
        keys.values().removeIf(Map::isEmpty);
        return later(rev);
    }

    @Override
    public synchronized CompletableFuture<Long> currentRevision() {
        return later(revision);
    }

    @Override
    public void close() {
        List<MemWatch> ws;
        synchronized (this) {
            closed = true;
            ws = new ArrayList<>(watches);
            watches.clear();
        }
        for (MemWatch w : ws) {
            if (w.ended.compareAndSet(false, true)) {
                notifier.execute(() -> w.listener.onError(new KvException("client closed")));
            }
        }
        notifier.shutdown();
    }

    private final class MemWatch implements KvWatch {
        final String prefix;
        final KvWatchListener listener;
        final AtomicBoolean ended = new AtomicBoolean();

        MemWatch(String prefix, KvWatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        /** Called under the client's lock, so events are queued to the notifier in revision order. */
        void offer(KvEvent e) {
            if (e.kv().key().startsWith(prefix)) {
                notifier.execute(() -> {
                    if (!ended.get()) {
                        listener.onEvents(List.of(e));
                    }
                });
            }
        }

        @Override
        public void close() {
            ended.set(true);
            synchronized (InMemoryKvClient.this) {
                watches.remove(this);
            }
        }
    }
}
