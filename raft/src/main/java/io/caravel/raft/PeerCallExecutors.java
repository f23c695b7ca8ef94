package io.caravel.raft;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallExecutorSupplier;

/**
 * Where a call on the peer port (Ratis's gRPC server, started with {@code directExecutor()}) runs.
 *
 * <p>Contract: calls of Ratis's server protocol (AppendEntries, votes) and of Caravel's forwarding service run
 * on the transport's event loop ({@code null}: the server's direct executor). Their handlers return futures or
 * answer at once; a vote, or an append in a new term, first persists the term (one small fsync), and an append may
 * wait for room in the log worker's queue. Every other call runs on {@code blocking}: Ratis's client and admin
 * services hand each request to Ratis's own executor and wait ({@code join}) until it has been submitted, and a
 * service added later is not assumed to be quick. Thread-safe.
 */
final class PeerCallExecutors implements ServerCallExecutorSupplier {
    private static final Set<String> ON_EVENT_LOOP = Set.of(RaftServerProtocolServiceGrpc.SERVICE_NAME, ForwardService.SERVICE);

    private final Executor blocking;

    PeerCallExecutors(Executor blocking) {
        this.blocking = Objects.requireNonNull(blocking, "blocking == null");
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return ON_EVENT_LOOP.contains(call.getMethodDescriptor().getServiceName()) ? null : blocking;
    }
}
