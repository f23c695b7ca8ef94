package io.caravel.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.ForwardRequest;
import io.caravel.raft.command.TermAnswer;
import io.caravel.raft.command.TermQuery;
import io.caravel.raft.snapshot.RawMessages;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.Context;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

/**
 * Carries a follower's entries to the leader, whose own {@link ProposalBatcher} then proposes them, so
 * that the writes and read barriers of every member share the leader's entries: one Raft entry per
 * replication round for the whole cluster instead of one per member. One unary method,
 * {@code caravel.raft.Forward/Propose}, on Ratis's own (shaded) gRPC server: no extra port. The request
 * is a {@code ForwardRequest} (the entry as the follower's batcher built it: a store mutation, a
 * {@code BatchCmd} or a {@code ReadBarrierCmd}); the reply is a {@code CommandReply} in the entry's shape.
 * A second method, {@code caravel.raft.Forward/CurrentTerm}, answers a leader's ReadIndex question to a
 * voter: its current term ({@link LeadershipCheck}).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The leader proposes each forwarded command at most once, and nothing when it does not lead as the
 *       call arrives: the call then fails with {@link ClusterError#NOT_LEADER}, which the sender may act on
 *       (nothing was proposed). Every other failure of a call is an unknown outcome.</li>
 *   <li>A reply's {@code applied_index} is an index the leader had applied once the whole entry was
 *       applied there. For a read barrier it is an index at or past every write acknowledged before the
 *       call arrived (a ReadIndex round's, or an entry's the leader proposed after the call arrived).
 *       The sender must apply up to it before answering its callers.</li>
 *   <li>A batch's element that failed on the leader is answered {@code failed}, with the error's name.</li>
 * </ul>
 */
final class ForwardService implements AutoCloseable {
    /** The leader's side: serves one forwarded entry; fails with NOT_LEADER when this member does not lead. */
    @FunctionalInterface
    interface Leader {
        CompletableFuture<CommandReply> serve(Command entry, long deadlineNanos);
    }

    /** The service's name on the peer port. */
    static final String SERVICE = "caravel.raft.Forward";
    static final MethodDescriptor<byte[], byte[]> PROPOSE =
            RawMessages.method(MethodDescriptor.MethodType.UNARY, SERVICE, "Propose");

    static final MethodDescriptor<byte[], byte[]> CURRENT_TERM =
            RawMessages.method(MethodDescriptor.MethodType.UNARY, SERVICE, "CurrentTerm");

    private final int maxReplyBytes;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param maxReplyBytes the largest reply accepted from a leader */
    ForwardService(int maxReplyBytes) {
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * The service definition, to add to this member's Ratis gRPC server: {@code leader} serves forwarded
     * entries, {@code voter} answers a leader's question for this member's peer id and current term.
     */
    static ServerServiceDefinition definition(Leader leader, Supplier<TermAnswer> voter) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(PROPOSE, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                    ForwardRequest r;
                    try {
                        r = ForwardRequest.parseFrom(request);
                    } catch (InvalidProtocolBufferException e) {
                        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                        return;
                    }
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, r.getTimeoutMillis()));
                    CompletableFuture<CommandReply> served;
                    try {
                        served = leader.serve(r.getEntry(), deadline);
                    } catch (RuntimeException e) {
                        served = CompletableFuture.failedFuture(e);
                    }
                    served.whenComplete((reply, err) -> {
                        if (err == null) {
                            out.onNext(reply.toByteArray());
                            out.onCompleted();
                        } else {
                            out.onError(status(err).asRuntimeException());
                        }
                    });
                }))
                .addMethod(CURRENT_TERM, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                    TermAnswer a;
                    try {
                        a = voter.get();
                    } catch (RuntimeException e) {
                        out.onError(status(e).asRuntimeException());
                        return;
                    }
                    out.onNext(a.toByteArray());
                    out.onCompleted();
                }))
                .build();
    }

    /** A cluster error travels as FAILED_PRECONDITION with the error's name; anything else is UNKNOWN. */
    private static Status status(Throwable err) {
        Throwable t = err;
        while (t.getCause() != null && !(t instanceof ClusterException)) {
            t = t.getCause();
        }
        if (t instanceof ClusterException ce) {
            return Status.FAILED_PRECONDITION.withDescription(ce.error().name());
        }
        return Status.UNKNOWN.withDescription(String.valueOf(err));
    }

    /**
     * Sends {@code entry} to the leader at {@code address} (host:port of its Ratis server). Completes with
     * the leader's reply, or fails with the {@link ClusterException} the leader answered, or with another
     * exception (transport failure, deadline): then the outcome is unknown.
     */
    CompletableFuture<CommandReply> send(String address, Command entry, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(ClusterError.TIMEOUT.exception()); // never sent
        }
        byte[] request = ForwardRequest.newBuilder().setEntry(entry)
                .setTimeoutMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))).build().toByteArray();
        return call(address, PROPOSE, request, left).thenApply(ForwardService::parseReply);
    }

    /**
     * Asks the voter {@code peerId} at {@code address} for its current term. Completes with the term, or
     * fails: the call failed or timed out, or another member than {@code peerId} answered.
     */
    CompletableFuture<Long> currentTerm(String address, String peerId, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(ClusterError.TIMEOUT.exception());
        }
        byte[] request = TermQuery.newBuilder().setPeerId(peerId).build().toByteArray();
        return call(address, CURRENT_TERM, request, left).thenApply(bytes -> {
            TermAnswer a;
            try {
                a = TermAnswer.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("unreadable answer from " + address, e);
            }
            if (!a.getPeerId().equals(peerId)) {
                throw new IllegalStateException(address + " is " + a.getPeerId() + ", not " + peerId);
            }
            return a.getTerm();
        });
    }

    private static CommandReply parseReply(byte[] value) {
        try {
            return CommandReply.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable reply from the leader", e);
        }
    }

    /** One unary call; fails with the {@link ClusterException} the callee answered, or the transport's error. */
    private CompletableFuture<byte[]> call(String address, MethodDescriptor<byte[], byte[]> method, byte[] request, long timeoutNanos) {
        if (closed) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        ManagedChannel channel = channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
                .directExecutor().maxInboundMessageSize(maxReplyBytes).build());
        if (closed) { // closed meanwhile: close() may have missed this channel
            channel.shutdownNow();
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        // Started in the root context, not the caller's: gRPC cancels a call started inside a server call's
        // context when that server call completes. A leader starts ReadIndex rounds while serving a follower's
        // forwarded read or a lease query, or on the thread that finished the previous round, and each round
        // serves other callers too: its questions must outlive the call that happened to start it.
        Context.ROOT.run(() -> ClientCalls.asyncUnaryCall(
                channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)),
                request, new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        reply.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        reply.completeExceptionally(clusterError(t));
                    }

                    @Override
                    public void onCompleted() {
                        reply.completeExceptionally(new IllegalStateException(address + " sent no reply"));
                    }
                }));
        return reply;
    }

    private static Throwable clusterError(Throwable t) {
        if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                && s.getStatus().getDescription() != null) {
            try {
                return new ClusterException(ClusterError.valueOf(s.getStatus().getDescription()), t);
            } catch (IllegalArgumentException notOurs) {
                return t;
            }
        }
        return t;
    }

    @Override
    public void close() {
        closed = true;
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        channels.clear();
    }
}
