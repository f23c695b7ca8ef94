package io.caravel.raft;

/**
 * The errors of the replicated layer, with etcd's exact messages ({@code api/v3rpc/rpctypes/error.go})
 * and the gRPC status code etcd answers with. Store errors are {@link io.caravel.store.KvError}.
 */
public enum ClusterError {
    NO_LEADER("etcdserver: no leader", Code.UNAVAILABLE),
    NOT_LEADER("etcdserver: not leader", Code.FAILED_PRECONDITION),
    LEADER_CHANGED("etcdserver: leader changed", Code.UNAVAILABLE),
    TIMEOUT("etcdserver: request timed out", Code.UNAVAILABLE),
    STOPPED("etcdserver: server stopped", Code.UNAVAILABLE),
    MEMBER_NOT_FOUND("etcdserver: member not found", Code.NOT_FOUND),
    MEMBER_EXISTS("etcdserver: member ID already exist", Code.FAILED_PRECONDITION),
    PEER_URL_EXISTS("etcdserver: Peer URLs already exists", Code.FAILED_PRECONDITION),
    MEMBER_NOT_ENOUGH_STARTED("etcdserver: re-configuration failed due to not enough started members", Code.FAILED_PRECONDITION),
    MEMBER_NOT_LEARNER("etcdserver: can only promote a learner member", Code.FAILED_PRECONDITION),
    LEARNER_NOT_READY("etcdserver: can only promote a learner member which is in sync with leader", Code.FAILED_PRECONDITION),
    TOO_MANY_LEARNERS("etcdserver: too many learner members in cluster", Code.FAILED_PRECONDITION),
    BAD_LEADER_TRANSFEREE("etcdserver: bad leader transferee", Code.FAILED_PRECONDITION),
    NOT_CAPABLE("etcdserver: not capable", Code.FAILED_PRECONDITION);

    /** The gRPC status code etcd answers this error with. */
    public enum Code { UNAVAILABLE, NOT_FOUND, FAILED_PRECONDITION, UNKNOWN }

    private final String message;
    private final Code code;

    ClusterError(String message, Code code) {
        this.message = message;
        this.code = code;
    }

    public String message() {
        return message;
    }

    public Code code() {
        return code;
    }

    public ClusterException exception() {
        return new ClusterException(this);
    }
}
