package io.caravel.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.caravel.raft.Alarm;
import io.caravel.raft.Member;
import io.caravel.raft.ResponseHeader;
import io.caravel.server.grpc.pb.AlarmMember;
import io.caravel.server.grpc.pb.AlarmType;
import io.caravel.server.grpc.pb.RequestOp;
import io.caravel.server.grpc.pb.ResponseOp;
import io.caravel.store.Bytes;
import io.caravel.store.Compare;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.Event;
import io.caravel.store.KeyValue;
import io.caravel.store.Op;
import io.caravel.store.OpResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between etcd's wire messages and Caravel's value types, both ways. Pure functions:
 * stateless, thread-safe, no validation (the {@link io.caravel.store.RequestValidator} does that) — an
 * enum value a newer client sends that we do not know is mapped to the closest etcd meaning or rejected
 * with {@link IllegalArgumentException}.
 */
public final class WireFormat {
    private WireFormat() {
    }

    // ---- bytes -----------------------------------------------------------------------------------

    public static Bytes bytes(ByteString b) {
        return b.isEmpty() ? Bytes.EMPTY : Bytes.wrap(b.toByteArray());
    }

    /**
     * {@code b} as a ByteString without a copy: both types are immutable, and a Bytes' array is never
     * modified once wrapped, so the two may share it. Responses are built from the store's values; this
     * keeps each key and value of a range or watch response in memory once, not twice.
     */
    public static ByteString byteString(Bytes b) {
        return b.isEmpty() ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(b.unsafeArray());
    }

    // ---- header ----------------------------------------------------------------------------------

    public static io.caravel.server.grpc.pb.ResponseHeader header(ResponseHeader h) {
        return io.caravel.server.grpc.pb.ResponseHeader.newBuilder()
                .setClusterId(h.clusterId())
                .setMemberId(h.memberId())
                .setRevision(h.revision())
                .setRaftTerm(h.raftTerm())
                .build();
    }

    // ---- requests -> store -------------------------------------------------------------------------

    public static RangeRequest range(io.caravel.server.grpc.pb.RangeRequest r) {
        return RangeRequest.builder(bytes(r.getKey()))
                .rangeEnd(bytes(r.getRangeEnd()))
                .limit(r.getLimit())
                .revision(r.getRevision())
                .sort(sortOrder(r.getSortOrder()), sortTarget(r.getSortTarget()))
                .keysOnly(r.getKeysOnly())
                .countOnly(r.getCountOnly())
                .minModRevision(r.getMinModRevision())
                .maxModRevision(r.getMaxModRevision())
                .minCreateRevision(r.getMinCreateRevision())
                .maxCreateRevision(r.getMaxCreateRevision())
                .build();
    }

    private static RangeRequest.SortOrder sortOrder(io.caravel.server.grpc.pb.RangeRequest.SortOrder o) {
        return switch (o) {
            case NONE -> RangeRequest.SortOrder.NONE;
            case ASCEND -> RangeRequest.SortOrder.ASCEND;
            case DESCEND -> RangeRequest.SortOrder.DESCEND;
            // etcd answers an unknown sort order with ErrGRPCInvalidSortOption
            case UNRECOGNIZED -> throw new InvalidRequestException("etcdserver: invalid sort option");
        };
    }

    private static RangeRequest.SortTarget sortTarget(io.caravel.server.grpc.pb.RangeRequest.SortTarget t) {
        return switch (t) {
            case KEY -> RangeRequest.SortTarget.KEY;
            case VERSION -> RangeRequest.SortTarget.VERSION;
            case CREATE -> RangeRequest.SortTarget.CREATE;
            case MOD -> RangeRequest.SortTarget.MOD;
            case VALUE -> RangeRequest.SortTarget.VALUE;
            case UNRECOGNIZED -> throw new InvalidRequestException("etcdserver: invalid sort option");
        };
    }

    public static PutRequest put(io.caravel.server.grpc.pb.PutRequest p) {
        return new PutRequest(bytes(p.getKey()), bytes(p.getValue()), p.getLease(), p.getPrevKv(),
                p.getIgnoreValue(), p.getIgnoreLease());
    }

    public static DeleteRangeRequest deleteRange(io.caravel.server.grpc.pb.DeleteRangeRequest d) {
        return new DeleteRangeRequest(bytes(d.getKey()), bytes(d.getRangeEnd()), d.getPrevKv());
    }

    public static TxnRequest txn(io.caravel.server.grpc.pb.TxnRequest t) {
        List<Compare> compares = new ArrayList<>(t.getCompareCount());
        for (io.caravel.server.grpc.pb.Compare c : t.getCompareList()) {
            compares.add(compare(c));
        }
        return new TxnRequest(compares, ops(t.getSuccessList()), ops(t.getFailureList()));
    }

    private static List<Op> ops(List<RequestOp> ops) {
        List<Op> out = new ArrayList<>(ops.size());
        for (RequestOp op : ops) {
            out.add(switch (op.getRequestCase()) {
                case REQUEST_RANGE -> range(op.getRequestRange());
                case REQUEST_PUT -> put(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
                case REQUEST_TXN -> txn(op.getRequestTxn());
                // etcd treats an empty RequestOp as a no-op range of nothing; we reject it clearly
                case REQUEST_NOT_SET -> throw new InvalidRequestException("etcdserver: request op is not set");
            });
        }
        return out;
    }

    public static Compare compare(io.caravel.server.grpc.pb.Compare c) {
        Compare.Target target = switch (c.getTarget()) {
            case VERSION -> Compare.Target.VERSION;
            case CREATE -> Compare.Target.CREATE;
            case MOD -> Compare.Target.MOD;
            case VALUE -> Compare.Target.VALUE;
            case LEASE -> Compare.Target.LEASE;
            case UNRECOGNIZED -> throw new InvalidRequestException("etcdserver: unknown compare target");
        };
        Compare.Operator op = switch (c.getResult()) {
            case EQUAL -> Compare.Operator.EQUAL;
            case GREATER -> Compare.Operator.GREATER;
            case LESS -> Compare.Operator.LESS;
            case NOT_EQUAL -> Compare.Operator.NOT_EQUAL;
            case UNRECOGNIZED -> throw new InvalidRequestException("etcdserver: unknown compare result");
        };
        // The operand sits in the target_union field the target names; an unset union reads as 0 / empty,
        // as in etcd (whose generated getters return zero values).
        long operand = switch (target) {
            case VERSION -> c.getVersion();
            case CREATE -> c.getCreateRevision();
            case MOD -> c.getModRevision();
            case LEASE -> c.getLease();
            case VALUE -> 0;
        };
        Bytes value = target == Compare.Target.VALUE ? bytes(c.getValue()) : Bytes.EMPTY;
        return new Compare(bytes(c.getKey()), bytes(c.getRangeEnd()), target, op, operand, value);
    }

    // ---- store -> responses ------------------------------------------------------------------------

    public static io.caravel.server.grpc.pb.KeyValue keyValue(KeyValue kv) {
        return io.caravel.server.grpc.pb.KeyValue.newBuilder()
                .setKey(byteString(kv.key()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setValue(byteString(kv.value()))
                .setLease(kv.lease())
                .build();
    }

    public static io.caravel.server.grpc.pb.Event event(Event e) {
        io.caravel.server.grpc.pb.Event.Builder b = io.caravel.server.grpc.pb.Event.newBuilder()
                .setType(e.type() == Event.Type.PUT
                        ? io.caravel.server.grpc.pb.Event.EventType.PUT
                        : io.caravel.server.grpc.pb.Event.EventType.DELETE)
                .setKv(keyValue(e.kv()));
        if (e.prevKv() != null) {
            b.setPrevKv(keyValue(e.prevKv()));
        }
        return b.build();
    }

    public static io.caravel.server.grpc.pb.RangeResponse rangeResponse(RangeResult r, ResponseHeader h) {
        io.caravel.server.grpc.pb.RangeResponse.Builder b = io.caravel.server.grpc.pb.RangeResponse.newBuilder()
                .setHeader(header(h.withRevision(r.revision())))
                .setMore(r.more())
                .setCount(r.count());
        for (KeyValue kv : r.kvs()) {
            b.addKvs(keyValue(kv));
        }
        return b.build();
    }

    public static io.caravel.server.grpc.pb.PutResponse putResponse(PutResult r, ResponseHeader h) {
        io.caravel.server.grpc.pb.PutResponse.Builder b = io.caravel.server.grpc.pb.PutResponse.newBuilder()
                .setHeader(header(h.withRevision(r.revision())));
        if (r.prevKv() != null) {
            b.setPrevKv(keyValue(r.prevKv()));
        }
        return b.build();
    }

    public static io.caravel.server.grpc.pb.DeleteRangeResponse deleteRangeResponse(DeleteRangeResult r, ResponseHeader h) {
        io.caravel.server.grpc.pb.DeleteRangeResponse.Builder b = io.caravel.server.grpc.pb.DeleteRangeResponse.newBuilder()
                .setHeader(header(h.withRevision(r.revision())))
                .setDeleted(r.deleted());
        for (KeyValue kv : r.prevKvs()) {
            b.addPrevKvs(keyValue(kv));
        }
        return b.build();
    }

    /**
     * A txn response; the responses of its ops carry headers with the txn's revision (etcd fills only the
     * revision of nested headers; we fill the whole header, which clients ignore).
     */
    public static io.caravel.server.grpc.pb.TxnResponse txnResponse(TxnResult r, ResponseHeader h) {
        ResponseHeader at = h.withRevision(r.revision());
        io.caravel.server.grpc.pb.TxnResponse.Builder b = io.caravel.server.grpc.pb.TxnResponse.newBuilder()
                .setHeader(header(at))
                .setSucceeded(r.succeeded());
        for (OpResult op : r.responses()) {
            ResponseOp.Builder rb = ResponseOp.newBuilder();
            if (op instanceof RangeResult rr) {
                rb.setResponseRange(rangeResponse(new RangeResult(rr.kvs(), rr.more(), rr.count(), r.revision()), at));
            } else if (op instanceof PutResult pr) {
                rb.setResponsePut(putResponse(new PutResult(r.revision(), pr.prevKv()), at));
            } else if (op instanceof DeleteRangeResult dr) {
                rb.setResponseDeleteRange(deleteRangeResponse(
                        new DeleteRangeResult(r.revision(), dr.deleted(), dr.prevKvs()), at));
            } else if (op instanceof TxnResult tr) {
                rb.setResponseTxn(txnResponse(new TxnResult(r.revision(), tr.succeeded(), tr.responses()), at));
            }
            b.addResponses(rb);
        }
        return b.build();
    }

    // ---- cluster ------------------------------------------------------------------------------------

    public static io.caravel.server.grpc.pb.Member member(Member m) {
        return io.caravel.server.grpc.pb.Member.newBuilder()
                .setID(m.id())
                .setName(m.name())
                .addAllPeerURLs(m.peerUrls())
                .addAllClientURLs(m.clientUrls())
                .setIsLearner(m.learner())
                .build();
    }

    public static List<io.caravel.server.grpc.pb.Member> members(List<Member> ms) {
        List<io.caravel.server.grpc.pb.Member> out = new ArrayList<>(ms.size());
        for (Member m : ms) {
            out.add(member(m));
        }
        return out;
    }

    public static AlarmMember alarm(Alarm a) {
        return AlarmMember.newBuilder().setMemberID(a.memberId()).setAlarm(alarmType(a.type())).build();
    }

    public static AlarmType alarmType(Alarm.Type t) {
        return switch (t) {
            case NONE -> AlarmType.NONE;
            case NOSPACE -> AlarmType.NOSPACE;
            case CORRUPT -> AlarmType.CORRUPT;
        };
    }

    public static Alarm.Type alarmType(AlarmType t) {
        return switch (t) {
            case NONE -> Alarm.Type.NONE;
            case NOSPACE -> Alarm.Type.NOSPACE;
            case CORRUPT -> Alarm.Type.CORRUPT;
            case UNRECOGNIZED -> throw new InvalidRequestException("etcdserver: unknown alarm type");
        };
    }
}
