package io.caravel.server.grpc;

import io.caravel.raft.Consistency;
import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.CompactionRequest;
import io.caravel.server.grpc.pb.CompactionResponse;
import io.caravel.server.grpc.pb.DeleteRangeRequest;
import io.caravel.server.grpc.pb.DeleteRangeResponse;
import io.caravel.server.grpc.pb.KVGrpc;
import io.caravel.server.grpc.pb.PutRequest;
import io.caravel.server.grpc.pb.PutResponse;
import io.caravel.server.grpc.pb.RangeRequest;
import io.caravel.server.grpc.pb.RangeResponse;
import io.caravel.server.grpc.pb.TxnRequest;
import io.caravel.server.grpc.pb.TxnResponse;
import io.caravel.store.KvError;
import io.caravel.store.RequestValidator;
import io.caravel.store.StoreOptions;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * etcd's {@code KV} service. Requests are checked as etcd's {@code v3rpc/key.go} does (size, key given,
 * txn ops and duplicate keys) before anything is proposed, so a bad request never reaches the log and
 * never changes the store. Thread-safe; never blocks the calling gRPC thread.
 */
public final class KvService extends KVGrpc.KVImplBase {
    private final ReplicatedKv kv;
    private final ServiceLimits limits;
    private final RequestValidator validator;

    public KvService(ReplicatedKv kv, ServiceLimits limits) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.limits = Objects.requireNonNull(limits, "limits == null");
        this.validator = new RequestValidator(StoreOptions.defaults().withMaxTxnOps(limits.maxTxnOps()));
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        Replies.call(() -> {
            io.caravel.store.RangeRequest r = WireFormat.range(request);
            validator.validateRange(r);
            return kv.range(r, consistency(request.getSerializable()));
        }, observer, result -> WireFormat.rangeResponse(result, kv.header(result.revision())));
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        Replies.call(() -> {
            checkSize(request.getSerializedSize());
            io.caravel.store.PutRequest p = WireFormat.put(request);
            validator.validatePut(p);
            return kv.put(p);
        }, observer, result -> WireFormat.putResponse(result, kv.header(result.revision())));
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        Replies.call(() -> {
            checkSize(request.getSerializedSize());
            io.caravel.store.DeleteRangeRequest d = WireFormat.deleteRange(request);
            validator.validateDelete(d);
            return kv.deleteRange(d);
        }, observer, result -> WireFormat.deleteRangeResponse(result, kv.header(result.revision())));
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        Replies.call(() -> {
            checkSize(request.getSerializedSize());
            io.caravel.store.TxnRequest t = WireFormat.txn(request);
            validator.validateTxn(t);
            // etcd serves a read-only txn as serializable when every range in it asks to be
            // (v3rpc/key.go isTxnSerializable); otherwise linearizable.
            Consistency c = t.isReadOnly() && allRangesSerializable(request)
                    ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE;
            return kv.txn(t, c);
        }, observer, result -> WireFormat.txnResponse(result, kv.header(result.revision())));
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Replies.call(() -> kv.compact(request.getRevision(), request.getPhysical()), observer,
                result -> CompactionResponse.newBuilder().setHeader(WireFormat.header(kv.header())).build());
    }

    private void checkSize(int serializedSize) {
        if (serializedSize > limits.maxRequestBytes()) {
            throw KvError.REQUEST_TOO_LARGE.exception();
        }
    }

    private static Consistency consistency(boolean serializable) {
        return serializable ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE;
    }

    private static boolean allRangesSerializable(TxnRequest t) {
        for (var branch : java.util.List.of(t.getSuccessList(), t.getFailureList())) {
            for (var op : branch) {
                switch (op.getRequestCase()) {
                    case REQUEST_RANGE -> {
                        if (!op.getRequestRange().getSerializable()) {
                            return false;
                        }
                    }
                    case REQUEST_TXN -> {
                        if (!allRangesSerializable(op.getRequestTxn())) {
                            return false;
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
