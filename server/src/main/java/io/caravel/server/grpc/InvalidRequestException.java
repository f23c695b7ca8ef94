package io.caravel.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A request etcd's API cannot express (an enum value we do not know): INVALID_ARGUMENT with etcd's wording. */
final class InvalidRequestException extends StatusRuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidRequestException(String message) {
        super(Status.INVALID_ARGUMENT.withDescription(message), null);
    }
}
