package io.caravel.raft;

import java.util.Objects;

/** A request the replicated layer could not serve, with etcd's error. */
public final class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ClusterError error;

    public ClusterException(ClusterError error) {
        this(error, null);
    }

    public ClusterException(ClusterError error, Throwable cause) {
        super(Objects.requireNonNull(error, "error == null").message(), cause);
        this.error = error;
    }

    public ClusterError error() {
        return error;
    }
}
