package io.caravel.raft.command;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.caravel.raft.ClusterError;
import io.caravel.raft.ClusterException;
import io.caravel.store.Bytes;
import io.caravel.store.Compare;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.Lease;
import io.caravel.store.LeaseCheckpointRequest;
import io.caravel.store.LeaseCheckpointResult;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeRequest;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.Op;
import io.caravel.store.OpResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Converts between the store's requests and results and the protobuf {@link Command} and
 * {@link CommandReply} messages carried in the Raft log. Pure functions; thread-safe.
 *
 * <p>Bytes are wrapped without copying in both directions ({@link UnsafeByteOperations#unsafeWrap}
 * and {@link Bytes#wrap}): neither side ever mutates the arrays it receives.
 */
public final class CommandCodec {

    private CommandCodec() {
    }

    // ---- bytes -----------------------------------------------------------------------------------

    static ByteString bs(Bytes b) {
        return b.isEmpty() ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(b.unsafeArray());
    }

    static Bytes bytes(ByteString b) {
        return b.isEmpty() ? Bytes.EMPTY : Bytes.wrap(b.toByteArray());
    }

    // ---- commands --------------------------------------------------------------------------------

    /** The command that carries {@code mutation}. */
    public static Command encode(Mutation mutation) {
        Objects.requireNonNull(mutation, "mutation == null");
        Command.Builder c = Command.newBuilder();
        if (mutation instanceof PutRequest p) {
            c.setPut(put(p));
        } else if (mutation instanceof DeleteRangeRequest d) {
            c.setDeleteRange(deleteRange(d));
        } else if (mutation instanceof TxnRequest t) {
            c.setTxn(txn(t));
        } else if (mutation instanceof CompactRequest r) {
            c.setCompact(CompactCmd.newBuilder().setRevision(r.revision()));
        } else if (mutation instanceof LeaseGrantRequest g) {
            c.setLeaseGrant(LeaseGrantCmd.newBuilder().setId(g.id()).setTtlSeconds(g.ttlSeconds()));
        } else if (mutation instanceof LeaseRevokeRequest r) {
            c.setLeaseRevoke(LeaseRevokeCmd.newBuilder().setId(r.id()));
        } else if (mutation instanceof LeaseCheckpointRequest cp) {
            LeaseCheckpointCmd.Builder b = LeaseCheckpointCmd.newBuilder();
            for (LeaseCheckpointRequest.Checkpoint x : cp.checkpoints()) {
                b.addCheckpoints(LeaseCheckpointCmd.Checkpoint.newBuilder()
                        .setLeaseId(x.leaseId()).setRemainingTtlSeconds(x.remainingTtlSeconds()));
            }
            c.setLeaseCheckpoint(b);
        } else {
            throw new IllegalArgumentException("unknown mutation " + mutation.getClass());
        }
        return c.build();
    }

    /**
     * The mutation a command carries, or null for a command that is not a store mutation
     * ({@link Command#hasPublish() publish}, {@link Command#hasAlarm() alarm},
     * {@link Command#hasReadBarrier() read barrier}).
     *
     * @throws IllegalArgumentException for a command with no kind set (a corrupt or newer entry)
     */
    public static Mutation decode(Command c) {
        return switch (c.getKindCase()) {
            case PUT -> put(c.getPut());
            case DELETE_RANGE -> deleteRange(c.getDeleteRange());
            case TXN -> txn(c.getTxn());
            case COMPACT -> new CompactRequest(c.getCompact().getRevision());
            case LEASE_GRANT -> new LeaseGrantRequest(c.getLeaseGrant().getId(), c.getLeaseGrant().getTtlSeconds());
            case LEASE_REVOKE -> new LeaseRevokeRequest(c.getLeaseRevoke().getId());
            case LEASE_CHECKPOINT -> {
                List<LeaseCheckpointRequest.Checkpoint> cps = new ArrayList<>();
                for (LeaseCheckpointCmd.Checkpoint x : c.getLeaseCheckpoint().getCheckpointsList()) {
                    cps.add(new LeaseCheckpointRequest.Checkpoint(x.getLeaseId(), x.getRemainingTtlSeconds()));
                }
                yield new LeaseCheckpointRequest(cps);
            }
            case PUBLISH, ALARM, READ_BARRIER -> null;
            case BATCH -> throw new IllegalArgumentException("a batch carries several mutations: use decodeBatch");
            case KIND_NOT_SET -> throw new IllegalArgumentException("command has no kind: " + c);
        };
    }

    /**
     * The entry that carries several already-encoded mutations (see {@code BatchCmd}).
     *
     * @throws IllegalArgumentException when one of them is not a store mutation (or is itself a batch)
     */
    public static Command batch(List<Command> commands) {
        BatchCmd.Builder b = BatchCmd.newBuilder();
        for (Command c : commands) {
            if (!isMutation(c)) {
                throw new IllegalArgumentException("only store mutations can be batched, not " + c.getKindCase());
            }
            b.addCommands(c);
        }
        return Command.newBuilder().setBatch(b).build();
    }

    /**
     * The mutations of a batch, in order.
     *
     * @throws IllegalArgumentException when an element is not a store mutation (a corrupt entry)
     */
    public static List<Mutation> decodeBatch(BatchCmd batch) {
        List<Mutation> mutations = new ArrayList<>(batch.getCommandsCount());
        for (Command c : batch.getCommandsList()) {
            if (!isMutation(c)) {
                throw new IllegalArgumentException("a batch holds a command that is not a store mutation: " + c.getKindCase());
            }
            mutations.add(decode(c));
        }
        return mutations;
    }

    /** Whether the command carries one store mutation (what {@link #decode} turns into a non-null value). */
    public static boolean isMutation(Command c) {
        return switch (c.getKindCase()) {
            case PUT, DELETE_RANGE, TXN, COMPACT, LEASE_GRANT, LEASE_REVOKE, LEASE_CHECKPOINT -> true;
            case PUBLISH, ALARM, READ_BARRIER, BATCH, KIND_NOT_SET -> false;
        };
    }

    /**
     * Parses a command from its log bytes. The command's byte fields share {@code data} instead of copying it
     * (aliasing), so {@code data} must not change afterwards; {@link #decode} copies what it keeps.
     */
    public static Command parseCommand(byte[] data) {
        try {
            // Aliasing needs an input protobuf knows to be immutable: a wrapped ByteString's, not a bare array's.
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(data).newCodedInput();
            in.enableAliasing(true);
            return Command.parseFrom(in);
        } catch (IOException e) { // only InvalidProtocolBufferException: the input is an array
            throw new IllegalArgumentException("corrupt command: " + e.getMessage(), e);
        }
    }

    static PutCmd put(PutRequest p) {
        return PutCmd.newBuilder().setKey(bs(p.key())).setValue(bs(p.value())).setLease(p.lease())
                .setPrevKv(p.prevKv()).setIgnoreValue(p.ignoreValue()).setIgnoreLease(p.ignoreLease()).build();
    }

    static PutRequest put(PutCmd p) {
        return new PutRequest(bytes(p.getKey()), bytes(p.getValue()), p.getLease(), p.getPrevKv(),
                p.getIgnoreValue(), p.getIgnoreLease());
    }

    static DeleteRangeCmd deleteRange(DeleteRangeRequest d) {
        return DeleteRangeCmd.newBuilder().setKey(bs(d.key())).setRangeEnd(bs(d.rangeEnd())).setPrevKv(d.prevKv()).build();
    }

    static DeleteRangeRequest deleteRange(DeleteRangeCmd d) {
        return new DeleteRangeRequest(bytes(d.getKey()), bytes(d.getRangeEnd()), d.getPrevKv());
    }

    /** The protobuf form of a range request (used inside txns). */
    public static RangeCmd range(RangeRequest r) {
        return RangeCmd.newBuilder().setKey(bs(r.key())).setRangeEnd(bs(r.rangeEnd())).setLimit(r.limit())
                .setRevision(r.revision())
                .setSortOrder(RangeCmd.SortOrder.forNumber(r.sortOrder().ordinal()))
                .setSortTarget(RangeCmd.SortTarget.forNumber(r.sortTarget().ordinal()))
                .setKeysOnly(r.keysOnly()).setCountOnly(r.countOnly())
                .setMinModRevision(r.minModRevision()).setMaxModRevision(r.maxModRevision())
                .setMinCreateRevision(r.minCreateRevision()).setMaxCreateRevision(r.maxCreateRevision())
                .build();
    }

    public static RangeRequest range(RangeCmd r) {
        return new RangeRequest(bytes(r.getKey()), bytes(r.getRangeEnd()), r.getLimit(), r.getRevision(),
                RangeRequest.SortOrder.values()[r.getSortOrderValue()],
                RangeRequest.SortTarget.values()[r.getSortTargetValue()],
                r.getKeysOnly(), r.getCountOnly(), r.getMinModRevision(), r.getMaxModRevision(),
                r.getMinCreateRevision(), r.getMaxCreateRevision());
    }

    static TxnCmd txn(TxnRequest t) {
        TxnCmd.Builder b = TxnCmd.newBuilder();
        for (Compare c : t.compares()) {
            b.addCompares(CompareCmd.newBuilder().setKey(bs(c.key())).setRangeEnd(bs(c.rangeEnd()))
                    .setTarget(CompareCmd.Target.forNumber(c.target().ordinal()))
                    .setOperator(CompareCmd.Operator.forNumber(c.operator().ordinal()))
                    .setOperand(c.operand()).setValue(bs(c.value())));
        }
        for (Op op : t.success()) {
            b.addSuccess(op(op));
        }
        for (Op op : t.failure()) {
            b.addFailure(op(op));
        }
        return b.build();
    }

    static TxnRequest txn(TxnCmd t) {
        List<Compare> compares = new ArrayList<>(t.getComparesCount());
        for (CompareCmd c : t.getComparesList()) {
            compares.add(new Compare(bytes(c.getKey()), bytes(c.getRangeEnd()),
                    Compare.Target.values()[c.getTargetValue()], Compare.Operator.values()[c.getOperatorValue()],
                    c.getOperand(), bytes(c.getValue())));
        }
        return new TxnRequest(compares, ops(t.getSuccessList()), ops(t.getFailureList()));
    }

    private static List<Op> ops(List<OpCmd> cmds) {
        List<Op> ops = new ArrayList<>(cmds.size());
        for (OpCmd o : cmds) {
            ops.add(switch (o.getOpCase()) {
                case RANGE -> range(o.getRange());
                case PUT -> put(o.getPut());
                case DELETE_RANGE -> deleteRange(o.getDeleteRange());
                case TXN -> txn(o.getTxn());
                case OP_NOT_SET -> throw new IllegalArgumentException("txn op has no kind");
            });
        }
        return ops;
    }

    private static OpCmd op(Op op) {
        OpCmd.Builder b = OpCmd.newBuilder();
        if (op instanceof RangeRequest r) {
            b.setRange(range(r));
        } else if (op instanceof PutRequest p) {
            b.setPut(put(p));
        } else if (op instanceof DeleteRangeRequest d) {
            b.setDeleteRange(deleteRange(d));
        } else if (op instanceof TxnRequest t) {
            b.setTxn(txn(t));
        } else {
            throw new IllegalArgumentException("unknown op " + op.getClass());
        }
        return b.build();
    }

    // ---- replies ---------------------------------------------------------------------------------

    /** The reply carrying one mutation's result. */
    public static CommandReply encodeResult(MutationResult result, long appliedIndex) {
        CommandReply.Builder b = CommandReply.newBuilder().setAppliedIndex(appliedIndex);
        if (result instanceof PutResult p) {
            b.setPut(putReply(p));
        } else if (result instanceof DeleteRangeResult d) {
            b.setDeleteRange(deleteReply(d));
        } else if (result instanceof TxnResult t) {
            b.setTxn(txnReply(t));
        } else if (result instanceof CompactResult c) {
            b.setCompact(CompactReply.newBuilder().setRevision(c.revision()).setCompactRevision(c.compactRevision()));
        } else if (result instanceof LeaseGrantResult g) {
            b.setLeaseGrant(LeaseGrantReply.newBuilder().setRevision(g.revision()).setId(g.lease().id())
                    .setTtlSeconds(g.lease().ttlSeconds()).setRemainingTtlSeconds(g.lease().remainingTtlSeconds()));
        } else if (result instanceof LeaseRevokeResult r) {
            b.setLeaseRevoke(LeaseRevokeReply.newBuilder().setRevision(r.revision()).setDeleted(r.deleted()));
        } else if (result instanceof LeaseCheckpointResult c) {
            b.setLeaseCheckpoint(LeaseCheckpointReply.newBuilder().setRevision(c.revision()).setUpdated(c.updated()));
        } else if (result instanceof MutationResult.Rejected r) {
            b.setRejected(r.error().name());
        } else if (result instanceof MutationResult.AlreadyApplied) {
            b.setAlreadyApplied(true);
        } else {
            throw new IllegalArgumentException("unknown result " + result);
        }
        return b.build();
    }

    /** The reply of a batch: one reply per result, in order, each with {@code appliedIndex}. */
    public static CommandReply encodeBatchResults(List<MutationResult> results, long appliedIndex) {
        BatchReply.Builder b = BatchReply.newBuilder();
        for (MutationResult r : results) {
            b.addReplies(encodeResult(r, appliedIndex));
        }
        return CommandReply.newBuilder().setAppliedIndex(appliedIndex).setBatch(b).build();
    }

    /**
     * The result a reply carries. A {@link CommandReply#hasDone() done} reply (publish, alarm) has no
     * store result and is decoded as null.
     */
    public static MutationResult decodeResult(CommandReply r) {
        return switch (r.getResultCase()) {
            case PUT -> putResult(r.getPut());
            case DELETE_RANGE -> deleteResult(r.getDeleteRange());
            case TXN -> txnResult(r.getTxn());
            case COMPACT -> new CompactResult(r.getCompact().getRevision(), r.getCompact().getCompactRevision());
            case LEASE_GRANT -> new LeaseGrantResult(r.getLeaseGrant().getRevision(), new Lease(r.getLeaseGrant().getId(),
                    r.getLeaseGrant().getTtlSeconds(), r.getLeaseGrant().getRemainingTtlSeconds()));
            case LEASE_REVOKE -> new LeaseRevokeResult(r.getLeaseRevoke().getRevision(), r.getLeaseRevoke().getDeleted());
            case LEASE_CHECKPOINT -> new LeaseCheckpointResult(r.getLeaseCheckpoint().getRevision(),
                    r.getLeaseCheckpoint().getUpdated());
            case REJECTED -> new MutationResult.Rejected(KvError.valueOf(r.getRejected()));
            case ALREADY_APPLIED -> new MutationResult.AlreadyApplied();
            case DONE -> null;
            case BATCH -> throw new IllegalArgumentException("a batch reply carries several results");
            case FAILED -> throw failure(r);
            case RESULT_NOT_SET -> throw new IllegalArgumentException("reply has no result: " + r);
        };
    }

    /** A reply saying that a forwarded command failed on the leader ({@code failed}): its error. */
    public static ClusterException failure(CommandReply r) {
        if (r.getResultCase() != CommandReply.ResultCase.FAILED) {
            throw new IllegalArgumentException("not a failure: " + r.getResultCase());
        }
        ClusterError e;
        try {
            e = ClusterError.valueOf(r.getFailed());
        } catch (IllegalArgumentException unknown) {
            e = ClusterError.TIMEOUT; // an outcome the leader could not name: unknown
        }
        return e.exception();
    }

    /** The reply saying that a forwarded command failed with {@code error} on the leader. */
    public static CommandReply failed(ClusterError error) {
        return CommandReply.newBuilder().setFailed(error.name()).build();
    }

    public static CommandReply parseReply(byte[] data) {
        try {
            return CommandReply.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("corrupt reply: " + e.getMessage(), e);
        }
    }

    static KeyValueMsg kv(KeyValue kv) {
        return KeyValueMsg.newBuilder().setKey(bs(kv.key())).setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision()).setVersion(kv.version()).setValue(bs(kv.value()))
                .setLease(kv.lease()).build();
    }

    static KeyValue kv(KeyValueMsg m) {
        return new KeyValue(bytes(m.getKey()), m.getCreateRevision(), m.getModRevision(), m.getVersion(),
                bytes(m.getValue()), m.getLease());
    }

    private static PutReply putReply(PutResult p) {
        PutReply.Builder b = PutReply.newBuilder().setRevision(p.revision());
        if (p.prevKv() != null) {
            b.setPrevKv(kv(p.prevKv()));
        }
        return b.build();
    }

    private static PutResult putResult(PutReply p) {
        return new PutResult(p.getRevision(), p.hasPrevKv() ? kv(p.getPrevKv()) : null);
    }

    private static DeleteRangeReply deleteReply(DeleteRangeResult d) {
        DeleteRangeReply.Builder b = DeleteRangeReply.newBuilder().setRevision(d.revision()).setDeleted(d.deleted());
        for (KeyValue kv : d.prevKvs()) {
            b.addPrevKvs(kv(kv));
        }
        return b.build();
    }

    private static DeleteRangeResult deleteResult(DeleteRangeReply d) {
        List<KeyValue> prev = new ArrayList<>(d.getPrevKvsCount());
        for (KeyValueMsg m : d.getPrevKvsList()) {
            prev.add(kv(m));
        }
        return new DeleteRangeResult(d.getRevision(), d.getDeleted(), prev);
    }

    private static RangeReply rangeReply(RangeResult r) {
        RangeReply.Builder b = RangeReply.newBuilder().setMore(r.more()).setCount(r.count()).setRevision(r.revision());
        for (KeyValue kv : r.kvs()) {
            b.addKvs(kv(kv));
        }
        return b.build();
    }

    private static RangeResult rangeResult(RangeReply r) {
        List<KeyValue> kvs = new ArrayList<>(r.getKvsCount());
        for (KeyValueMsg m : r.getKvsList()) {
            kvs.add(kv(m));
        }
        return new RangeResult(kvs, r.getMore(), r.getCount(), r.getRevision());
    }

    private static TxnReply txnReply(TxnResult t) {
        TxnReply.Builder b = TxnReply.newBuilder().setRevision(t.revision()).setSucceeded(t.succeeded());
        for (OpResult o : t.responses()) {
            OpReply.Builder ob = OpReply.newBuilder();
            if (o instanceof RangeResult r) {
                ob.setRange(rangeReply(r));
            } else if (o instanceof PutResult p) {
                ob.setPut(putReply(p));
            } else if (o instanceof DeleteRangeResult d) {
                ob.setDeleteRange(deleteReply(d));
            } else if (o instanceof TxnResult nested) {
                ob.setTxn(txnReply(nested));
            }
            b.addResponses(ob);
        }
        return b.build();
    }

    private static TxnResult txnResult(TxnReply t) {
        List<OpResult> rs = new ArrayList<>(t.getResponsesCount());
        for (OpReply o : t.getResponsesList()) {
            rs.add(switch (o.getResultCase()) {
                case RANGE -> rangeResult(o.getRange());
                case PUT -> putResult(o.getPut());
                case DELETE_RANGE -> deleteResult(o.getDeleteRange());
                case TXN -> txnResult(o.getTxn());
                case RESULT_NOT_SET -> throw new IllegalArgumentException("txn reply op has no result");
            });
        }
        return new TxnResult(t.getRevision(), t.getSucceeded(), rs);
    }
}
