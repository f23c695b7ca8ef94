package io.caravel.server.embed;

import io.caravel.raft.Consistency;
import io.caravel.raft.ReplicatedKv;
import io.caravel.store.Bytes;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.KeyValue;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.RequestValidator;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV API in process. Requests are validated as the gRPC API validates them; an invalid request
 * completes exceptionally with {@link io.caravel.store.KvException} (etcd's message) and is never
 * proposed. Reads are linearizable unless {@link Consistency#SERIALIZABLE} is asked for. Thread-safe;
 * futures complete on the node's threads (do not block in their callbacks).
 */
public final class EmbeddedKv {
    private final ReplicatedKv kv;
    private final RequestValidator validator;

    public EmbeddedKv(ReplicatedKv kv, RequestValidator validator) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.validator = Objects.requireNonNull(validator, "validator == null");
    }

    /** Puts {@code value} at {@code key} (UTF-8). */
    public CompletableFuture<PutResult> put(String key, String value) {
        return put(PutRequest.of(key, value));
    }

    public CompletableFuture<PutResult> put(PutRequest request) {
        return guard(() -> validator.validatePut(request)).thenCompose(v -> kv.put(request));
    }

    /** The current version of {@code key}, if it exists (linearizable). */
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return range(RangeRequest.get(Bytes.of(key)))
                .thenApply(r -> r.kvs().isEmpty() ? Optional.empty() : Optional.of(r.kvs().get(0)));
    }

    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return range(request, Consistency.LINEARIZABLE);
    }

    public CompletableFuture<RangeResult> range(RangeRequest request, Consistency consistency) {
        return guard(() -> validator.validateRange(request)).thenCompose(v -> kv.range(request, consistency));
    }

    /** Deletes {@code key}. */
    public CompletableFuture<DeleteRangeResult> delete(String key) {
        return delete(DeleteRangeRequest.key(Bytes.of(key)));
    }

    public CompletableFuture<DeleteRangeResult> delete(DeleteRangeRequest request) {
        return guard(() -> validator.validateDelete(request)).thenCompose(v -> kv.deleteRange(request));
    }

    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        return guard(() -> validator.validateTxn(request)).thenCompose(v -> kv.txn(request, Consistency.LINEARIZABLE));
    }

    /** Compacts the history below {@code revision}. */
    public CompletableFuture<CompactResult> compact(long revision) {
        return kv.compact(revision, false);
    }

    private static CompletableFuture<Void> guard(Runnable check) {
        try {
            check.run();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
