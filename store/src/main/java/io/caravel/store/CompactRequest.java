package io.caravel.store;

/**
 * Compacts the history up to {@code revision}: afterwards reads below it fail with
 * {@link KvError#COMPACTED}; reads at it and above are unchanged. The revision must be above the
 * current compact revision and at most the current revision.
 */
public record CompactRequest(long revision) implements Mutation {
}
