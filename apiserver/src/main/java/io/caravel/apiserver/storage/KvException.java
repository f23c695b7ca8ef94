package io.caravel.apiserver.storage;

/**
 * A store error seen through {@link KvClient}, carrying etcd's error text. Subclasses name the outcomes the API
 * server maps to a Kubernetes {@code Status}.
 */
public class KvException extends RuntimeException {
    public KvException(String message) {
        super(message);
    }

    public KvException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A read at a revision the store has compacted away (etcd: "mvcc: required revision has been compacted"). */
    public static final class Compacted extends KvException {
        public Compacted(String message) {
            super(message);
        }
    }

    /** A read at a revision the store has not reached (etcd: "mvcc: required revision is a future revision"). */
    public static final class FutureRevision extends KvException {
        public FutureRevision(String message) {
            super(message);
        }
    }

    /** The store could not be reached or did not answer in time. */
    public static final class Unavailable extends KvException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
