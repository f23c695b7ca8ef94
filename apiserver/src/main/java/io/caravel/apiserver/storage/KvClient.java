package io.caravel.apiserver.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The narrow etcd v3 client the API server keeps its objects through: the subset of etcd's KV and Watch services
 * that kube-apiserver itself uses (see kine's "kube-apiserver subset"). Any etcd v3 store can back it:
 * {@link JetcdKvClient} speaks gRPC to a Caravel cluster or to etcd; an in-process implementation over an
 * embedded Caravel node lives in the server module; {@link InMemoryKvClient} is a reference model for tests.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Revisions</b> are etcd's: one store-wide counter, incremented by each write transaction; every key
 *       carries {@code createRevision}, {@code modRevision} and {@code version}.</li>
 *   <li><b>Reads</b> ({@link #get}, {@link #list} at revision 0, {@link #currentRevision}) are linearizable: they
 *       see every write whose future completed before the read was issued.</li>
 *   <li><b>Writes</b> are single etcd transactions: {@link #create} compares {@code create_revision == 0},
 *       {@link #update} and {@link #delete} compare {@code mod_revision}. A failed compare is a
 *       {@link WriteResult} with {@code succeeded == false}, never an exception.</li>
 *   <li><b>Futures</b> complete on a client thread (never on a caller's Vert.x event loop); dependent stages must
 *       not block. They fail with {@link KvException} subclasses: {@link KvException.Compacted},
 *       {@link KvException.FutureRevision}, {@link KvException.Unavailable}.</li>
 *   <li><b>Thread safety</b>: every method may be called from any thread concurrently.</li>
 * </ul>
 */
public interface KvClient extends AutoCloseable {
    /** The key at the latest revision, or empty. */
    CompletableFuture<Optional<KeyValue>> get(String key);

    /**
     * The keys starting with {@code prefix}, in ascending key order.
     *
     * @param prefix   the key prefix (the range is {@code [prefix, prefixEnd(prefix))})
     * @param revision the revision to read at; 0 for the latest (then the page's revision is the store's current
     *                 one). Fails with {@link KvException.Compacted} below the compaction point and
     *                 {@link KvException.FutureRevision} above the current revision.
     * @param limit    the maximum number of items, 0 for no limit
     * @param startKey the first key to return (inclusive, at or after {@code prefix}); {@code null} for the start
     *                 of the prefix. Paging continues from the last returned key + {@code "\0"}.
     */
    CompletableFuture<KvPage> list(String prefix, long revision, int limit, String startKey);

    /**
     * The most keys the API server asks for in one {@link #list}: longer lists (a list without a limit, the
     * watch cache's initial read) are read in pages of this many at one revision, so that no read meets a
     * member's {@code --max-range-bytes}.
     */
    int PAGE_LIMIT = 1000;

    /** Puts {@code key} only if it does not exist (txn compare {@code create_revision == 0}). */
    CompletableFuture<WriteResult> create(String key, byte[] value);

    /**
     * Puts {@code key} only if its {@code mod_revision} equals {@code expectedModRevision} (which must be positive:
     * an absent key fails the compare).
     */
    CompletableFuture<WriteResult> update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes {@code key} if its {@code mod_revision} equals {@code expectedModRevision}, or, with
     * {@code expectedModRevision == 0}, if it exists at all. On success the result's kv is the deleted key-value.
     */
    CompletableFuture<WriteResult> delete(String key, long expectedModRevision);

    /**
     * Watches the keys starting with {@code prefix} from {@code fromRevision} (inclusive; 0 = changes after the
     * current revision), delivering previous key-values with each event when the store still has them. The
     * listener contract is in {@link KvWatchListener}; a start revision at or below the compaction point ends the
     * watch with {@link KvWatchListener#onCompacted}. Transient disconnections are retried by the client from the
     * next undelivered revision and are invisible to the listener.
     */
    KvWatch watch(String prefix, long fromRevision, KvWatchListener listener);

    /** Compacts the store's history up to {@code revision}; completes with the revision compacted to. */
    CompletableFuture<Long> compact(long revision);

    /** The store's current revision (linearizable). */
    CompletableFuture<Long> currentRevision();

    /** Releases the client's connections and threads; running watches end with {@link KvWatchListener#onError}. */
    @Override
    void close();

    /** The first key after every key starting with {@code prefix} (etcd's {@code clientv3.GetPrefixRangeEnd}). */
    static String prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                byte[] end = java.util.Arrays.copyOf(b, i + 1);
                end[i]++;
                return new String(end, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return "\0";
    }
}
