package io.caravel.store;

/**
 * The result of a compaction: {@code compactRevision} is now the lowest readable revision. The store's
 * revision is unchanged ({@code revision}). Space is reclaimed later by {@link MvccStore#compactStep}.
 */
public record CompactResult(long revision, long compactRevision) implements MutationResult {
}
