package io.caravel.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.caravel.raft.ClusterError;
import io.caravel.raft.ResponseHeader;
import io.caravel.server.grpc.pb.Compare;
import io.caravel.server.grpc.pb.RequestOp;
import io.caravel.store.Bytes;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.Event;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void rangeRequestKeepsEveryField() {
        var pb = io.caravel.server.grpc.pb.RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("b"))
                .setLimit(5).setRevision(7).setSortOrder(io.caravel.server.grpc.pb.RangeRequest.SortOrder.DESCEND)
                .setSortTarget(io.caravel.server.grpc.pb.RangeRequest.SortTarget.MOD).setKeysOnly(true).setCountOnly(true)
                .setMinModRevision(1).setMaxModRevision(2).setMinCreateRevision(3).setMaxCreateRevision(4).build();
        RangeRequest r = WireFormat.range(pb);
        assertThat(r).isEqualTo(RangeRequest.builder(Bytes.of("a")).rangeEnd(Bytes.of("b")).limit(5).revision(7)
                .sort(RangeRequest.SortOrder.DESCEND, RangeRequest.SortTarget.MOD).keysOnly(true).countOnly(true)
                .minModRevision(1).maxModRevision(2).minCreateRevision(3).maxCreateRevision(4).build());
    }

    @Test
    void nestedTxnWithEveryCompareTarget() {
        var pb = io.caravel.server.grpc.pb.TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bs("k")).setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.NOT_EQUAL).setValue(bs("v")))
                .addCompare(Compare.newBuilder().setKey(bs("k")).setRangeEnd(bs("l")).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.LESS).setModRevision(9))
                .addCompare(Compare.newBuilder().setKey(bs("k")).setTarget(Compare.CompareTarget.CREATE).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(io.caravel.server.grpc.pb.PutRequest.newBuilder()
                        .setKey(bs("k")).setValue(bs("v")).setLease(3).setPrevKv(true)))
                .addFailure(RequestOp.newBuilder().setRequestTxn(io.caravel.server.grpc.pb.TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
                                io.caravel.server.grpc.pb.DeleteRangeRequest.newBuilder().setKey(bs("x")).setPrevKv(true)))))
                .build();
        TxnRequest t = WireFormat.txn(pb);
        assertThat(t.compares()).containsExactly(
                io.caravel.store.Compare.value(Bytes.of("k"), io.caravel.store.Compare.Operator.NOT_EQUAL, Bytes.of("v")),
                new io.caravel.store.Compare(Bytes.of("k"), Bytes.of("l"), io.caravel.store.Compare.Target.MOD,
                        io.caravel.store.Compare.Operator.LESS, 9, Bytes.EMPTY),
                io.caravel.store.Compare.createRevision(Bytes.of("k"), io.caravel.store.Compare.Operator.EQUAL, 0));
        assertThat(t.success()).containsExactly(new PutRequest(Bytes.of("k"), Bytes.of("v"), 3, true, false, false));
        assertThat(t.failure()).containsExactly(new TxnRequest(List.of(),
                List.of(new DeleteRangeRequest(Bytes.of("x"), Bytes.EMPTY, true)), List.of()));
    }

    @Test
    void responsesCarryTheResultRevisionInTheHeader() {
        ResponseHeader h = new ResponseHeader(1, 2, 99, 3);
        KeyValue kv = new KeyValue(Bytes.of("k"), 4, 5, 2, Bytes.of("v"), 7);
        var range = WireFormat.rangeResponse(new RangeResult(List.of(kv), true, 10, 42), h);
        assertThat(range.getHeader().getRevision()).isEqualTo(42);
        assertThat(range.getHeader().getClusterId()).isEqualTo(1);
        assertThat(range.getHeader().getMemberId()).isEqualTo(2);
        assertThat(range.getHeader().getRaftTerm()).isEqualTo(3);
        assertThat(range.getMore()).isTrue();
        assertThat(range.getCount()).isEqualTo(10);
        var pkv = range.getKvs(0);
        assertThat(pkv.getKey().toStringUtf8()).isEqualTo("k");
        assertThat(List.of(pkv.getCreateRevision(), pkv.getModRevision(), pkv.getVersion(), pkv.getLease()))
                .containsExactly(4L, 5L, 2L, 7L);

        var txn = WireFormat.txnResponse(new TxnResult(50, true, List.of(new PutResult(50, kv),
                new RangeResult(List.of(), false, 0, 50))), h);
        assertThat(txn.getHeader().getRevision()).isEqualTo(50);
        assertThat(txn.getResponses(0).getResponsePut().getPrevKv().getValue().toStringUtf8()).isEqualTo("v");
        assertThat(txn.getResponses(1).getResponseRange().getHeader().getRevision()).isEqualTo(50);
    }

    @Test
    void deleteEventsAreTombstones() {
        var e = WireFormat.event(new Event(Event.Type.DELETE, KeyValue.tombstone(Bytes.of("k"), 8),
                new KeyValue(Bytes.of("k"), 2, 3, 1, Bytes.of("old"), 0)));
        assertThat(e.getType()).isEqualTo(io.caravel.server.grpc.pb.Event.EventType.DELETE);
        assertThat(e.getKv().getModRevision()).isEqualTo(8);
        assertThat(e.getKv().getVersion()).isZero();
        assertThat(e.getPrevKv().getValue().toStringUtf8()).isEqualTo("old");
    }

    @Test
    void unknownEnumValuesAreRejected() {
        var pb = io.caravel.server.grpc.pb.RangeRequest.newBuilder().setKey(bs("a")).setSortOrderValue(7).build();
        assertThatThrownBy(() -> WireFormat.range(pb)).satisfies(e ->
                assertThat(Status.fromThrowable(e).getDescription()).isEqualTo("etcdserver: invalid sort option"));
    }

    @Test
    void errorsMapToEtcdCodesAndMessages() {
        for (KvError e : KvError.values()) {
            Status s = GrpcErrors.toStatus(new CompletionException(e.exception()));
            assertThat(s.getDescription()).isEqualTo(e.message());
            assertThat(s.getCode().name()).isEqualTo(e.code().name());
        }
        Status noLeader = GrpcErrors.toStatus(ClusterError.NO_LEADER.exception());
        assertThat(noLeader.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(noLeader.getDescription()).isEqualTo("etcdserver: no leader");
        assertThat(GrpcErrors.toStatus(new java.util.concurrent.TimeoutException()).getDescription())
                .isEqualTo("etcdserver: request timed out");
        assertThat(GrpcErrors.toStatus(new IllegalStateException("boom")).getCode()).isEqualTo(Status.Code.INTERNAL);
    }
}
