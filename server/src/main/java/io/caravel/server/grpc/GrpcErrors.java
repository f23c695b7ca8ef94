package io.caravel.server.grpc;

import io.caravel.raft.ClusterError;
import io.caravel.raft.ClusterException;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one mapping from Caravel's exceptions to the gRPC statuses etcd answers with. Clients (clientv3,
 * jetcd) turn a status back into a typed error by its description, so every description is etcd's
 * exact text ({@code api/v3rpc/rpctypes/error.go}). Stateless and thread-safe.
 */
public final class GrpcErrors {
    /** etcd's {@code ErrGRPCTimeout}. */
    public static final String TIMEOUT = "etcdserver: request timed out";
    /** etcd's {@code ErrGRPCStopped}. */
    public static final String STOPPED = "etcdserver: server stopped";
    /** etcd's {@code ErrGRPCAuthNotEnabled}. */
    public static final String AUTH_NOT_ENABLED = "etcdserver: authentication is not enabled";

    private GrpcErrors() {
    }

    /** The status for {@code error}, unwrapping future wrappers first. */
    public static Status toStatus(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof KvException kv) {
            return status(kv.error());
        }
        if (t instanceof ClusterException ce) {
            return status(ce.error());
        }
        if (t instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (t instanceof StatusException se) {
            return se.getStatus();
        }
        if (t instanceof TimeoutException) {
            return Status.UNAVAILABLE.withDescription(TIMEOUT).withCause(t);
        }
        if (t instanceof RejectedExecutionException || t instanceof CancellationException) {
            return Status.UNAVAILABLE.withDescription(STOPPED).withCause(t);
        }
        String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        return Status.INTERNAL.withDescription(message).withCause(t);
    }

    /** {@link #toStatus} as an exception to hand to {@code StreamObserver.onError}. */
    public static StatusRuntimeException toException(Throwable error) {
        return toStatus(error).asRuntimeException();
    }

    public static Status status(KvError error) {
        Status.Code code = switch (error.code()) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
        };
        return Status.fromCode(code).withDescription(error.message());
    }

    public static Status status(ClusterError error) {
        Status.Code code = switch (error.code()) {
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case UNKNOWN -> Status.Code.UNKNOWN;
        };
        return Status.fromCode(code).withDescription(error.message());
    }

    /** The cause inside {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
