package io.caravel.raft;

/**
 * What this member's group commit has done since it started ({@link ProposalBatcher}): entries proposed for
 * client writes and read barriers, and the client writes they carried. {@code requests / entries} is the
 * mean batch size.
 *
 * @param entries entries proposed (each one Raft log entry)
 * @param requests client write requests carried by those entries
 */
public record ProposalCounts(long entries, long requests) {
}
