package io.caravel.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Completes a unary gRPC call from a future without blocking: the response (or etcd's error status) is
 * sent on whichever thread completes the future.
 */
final class Replies {
    private Replies() {
    }

    static <T, R> void reply(CompletableFuture<T> future, StreamObserver<R> observer, Function<T, R> toResponse) {
        future.whenComplete((value, error) -> {
            if (error != null) {
                observer.onError(GrpcErrors.toException(error));
                return;
            }
            R response;
            try {
                response = toResponse.apply(value);
            } catch (RuntimeException e) {
                observer.onError(GrpcErrors.toException(e));
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        });
    }

    /**
     * Calls {@code start} and replies with its future; an exception thrown by {@code start} itself (a
     * validation error) becomes the reply's error status.
     */
    static <T, R> void call(Supplier<CompletableFuture<T>> start, StreamObserver<R> observer, Function<T, R> toResponse) {
        CompletableFuture<T> future;
        try {
            future = start.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toException(e));
            return;
        }
        reply(future, observer, toResponse);
    }
}
