package io.caravel.raft;

import java.util.List;

/**
 * etcd's {@code StatusResponse}, as this member sees it.
 *
 * @param leaderId the member id of the current leader, 0 when none is known
 * @param raftIndex the last index in this member's Raft log
 * @param raftAppliedIndex the last index applied to its store
 * @param dbSize bytes the store takes on disk
 * @param dbSizeInUse bytes of live data (approximate)
 * @param errors active alarms and errors, as etcd prints them
 */
public record NodeStatus(ResponseHeader header, String version, long leaderId, long raftIndex, long raftTerm,
                         long raftAppliedIndex, long dbSize, long dbSizeInUse, boolean learner, List<String> errors) {
    public NodeStatus {
        errors = List.copyOf(errors);
    }
}
