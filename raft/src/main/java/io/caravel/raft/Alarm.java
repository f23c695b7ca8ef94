package io.caravel.raft;

/** etcd's {@code AlarmMember}: an alarm raised on a member. */
public record Alarm(long memberId, Type type) {
    /** etcd's {@code AlarmType} (NONE is never raised). */
    public enum Type { NONE, NOSPACE, CORRUPT }
}
