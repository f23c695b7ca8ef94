package io.caravel.store;

/**
 * Every error the store can report, with etcd's exact message (clients map errors back by message
 * string, {@code api/v3rpc/rpctypes/error.go}) and the category of gRPC status code etcd uses. The
 * category is a plain enum so that the store stays free of gRPC; the server maps it one to one.
 */
public enum KvError {
    KEY_NOT_PROVIDED("etcdserver: key is not provided", Code.INVALID_ARGUMENT),
    KEY_NOT_FOUND("etcdserver: key not found", Code.INVALID_ARGUMENT),
    VALUE_PROVIDED("etcdserver: value is provided", Code.INVALID_ARGUMENT),
    LEASE_PROVIDED("etcdserver: lease is provided", Code.INVALID_ARGUMENT),
    TOO_MANY_OPS("etcdserver: too many operations in txn request", Code.INVALID_ARGUMENT),
    DUPLICATE_KEY("etcdserver: duplicate key given in txn request", Code.INVALID_ARGUMENT),
    COMPACTED("etcdserver: mvcc: required revision has been compacted", Code.OUT_OF_RANGE),
    FUTURE_REVISION("etcdserver: mvcc: required revision is a future revision", Code.OUT_OF_RANGE),
    LEASE_NOT_FOUND("etcdserver: requested lease not found", Code.NOT_FOUND),
    LEASE_EXISTS("etcdserver: lease already exists", Code.FAILED_PRECONDITION),
    LEASE_TTL_TOO_LARGE("etcdserver: too large lease TTL", Code.OUT_OF_RANGE),
    REQUEST_TOO_LARGE("etcdserver: request is too large", Code.INVALID_ARGUMENT),
    NO_SPACE("etcdserver: mvcc: database space exceeded", Code.RESOURCE_EXHAUSTED),
    /**
     * Caravel's own (etcd builds any range whole, however large, and a large enough one exhausts its
     * memory): a read that would hold more than {@link StoreOptions#maxRangeBytes} of keys and values.
     * The code is the one gRPC answers an oversized message with.
     */
    RANGE_TOO_LARGE("caravel: range is too large to read at once; read it in pages with a limit",
            Code.RESOURCE_EXHAUSTED);

    /** The gRPC status code category etcd answers this error with. */
    public enum Code { INVALID_ARGUMENT, OUT_OF_RANGE, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED }

    private final String message;
    private final Code code;

    KvError(String message, Code code) {
        this.message = message;
        this.code = code;
    }

    /** etcd's exact message text. */
    public String message() {
        return message;
    }

    public Code code() {
        return code;
    }

    public KvException exception() {
        return new KvException(this);
    }
}
