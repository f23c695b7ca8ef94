package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.AuthEnableRequest;
import io.caravel.server.grpc.pb.AuthEnableResponse;
import io.caravel.server.grpc.pb.AuthGrpc;
import io.caravel.server.grpc.pb.AuthStatusRequest;
import io.caravel.server.grpc.pb.AuthStatusResponse;
import io.caravel.server.grpc.pb.AuthenticateRequest;
import io.caravel.server.grpc.pb.AuthenticateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * etcd's {@code Auth} service, as a cluster with authentication disabled answers it: status says
 * disabled, Authenticate fails with etcd's {@code ErrGRPCAuthNotEnabled} (which clientv3 tolerates, so
 * {@code etcdctl --user} still works), enabling is refused. The user and role RPCs are not implemented.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
    private final ReplicatedKv kv;

    public AuthService(ReplicatedKv kv) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> observer) {
        observer.onNext(AuthStatusResponse.newBuilder().setHeader(WireFormat.header(kv.header())).setEnabled(false).build());
        observer.onCompleted();
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> observer) {
        observer.onError(Status.FAILED_PRECONDITION.withDescription(GrpcErrors.AUTH_NOT_ENABLED).asRuntimeException());
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> observer) {
        observer.onError(Status.UNIMPLEMENTED.withDescription("caravel: authentication is not supported").asRuntimeException());
    }
}
