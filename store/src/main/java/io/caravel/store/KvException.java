package io.caravel.store;

import java.util.Objects;

/**
 * A request the store refuses, carrying etcd's error (its message is etcd's exact text). Thrown by
 * reads and by the validation of requests; inside {@link MvccStore#apply} the same errors are returned
 * as {@link MutationResult.Rejected} values instead.
 */
public final class KvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient KvError error;

    public KvException(KvError error) {
        super(Objects.requireNonNull(error, "error == null").message(), null, false, false);
        this.error = error;
    }

    public KvError error() {
        return error;
    }
}
