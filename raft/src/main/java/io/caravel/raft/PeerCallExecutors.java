package io.caravel.raft;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallExecutorSupplier;

/**
 * Where a call on the peer port (Ratis's gRPC server, started with {@code directExecutor()}) runs.
 *
 * <p>Contract: calls of Caravel's forwarding service ({@link ForwardService}: forwarded writes and read
 * barriers, a leader's term question) run on the transport's event loop ({@code null}: the server's direct
 * executor); their handlers never wait and never enter Ratis's division: they queue a command in the batcher
 * (an entry proposed from there is handed to the I/O pool by {@code RatisReplicatedKv.propose}) or start a ReadIndex round (which only reads the division's state) and
 * answer when a future completes, or read the current term. Every other call runs on {@code pool}, as on
 * gRPC's default executor: Ratis's own handlers may wait (its client and admin services {@code join} on
 * Ratis's executors; a follower's append may {@code join} a term change and waits on the division's lock),
 * the checkpoint download streams files, and a service added later is not assumed to be quick.
 * Thread-safe.
 */
final class PeerCallExecutors implements ServerCallExecutorSupplier {
    private static final Set<String> ON_EVENT_LOOP = Set.of(ForwardService.SERVICE);

    private final Executor pool;

    PeerCallExecutors(Executor pool) {
        this.pool = Objects.requireNonNull(pool, "pool == null");
    }

    /**
     * Whether the calling thread is an event loop of Ratis's (shaded) netty: the peer port's, shared by every
     * member of the JVM. Nothing may enter Ratis's division there; checked by assertions where entries enter it.
     */
    static boolean onEventLoop() {
        return Thread.currentThread() instanceof org.apache.ratis.thirdparty.io.netty.util.concurrent.FastThreadLocalThread;
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return ON_EVENT_LOOP.contains(call.getMethodDescriptor().getServiceName()) ? null : pool;
    }
}
