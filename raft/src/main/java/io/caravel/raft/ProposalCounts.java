package io.caravel.raft;

/**
 * What this member's group commit ({@link ProposalBatcher}) and read rounds ({@link ReadIndexRounds}) have
 * done since it started: entries proposed for client writes and read barriers, the client writes they
 * carried ({@code requests / entries} is the mean batch size), and the ReadIndex rounds its linearizable
 * reads took.
 *
 * @param entries entries proposed (each one Raft log entry)
 * @param requests client write requests carried by those entries
 * @param readIndexRounds ReadIndex rounds started for linearizable reads (each shared by the reads that
 *                        arrived while the previous one was in flight)
 */
public record ProposalCounts(long entries, long requests, long readIndexRounds) {
}
