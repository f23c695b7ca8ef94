package io.caravel.store;

/**
 * Memory a store holds outside the Java heap, in bytes, as its engine accounts it: what an operator
 * adds to the JVM's own figures to explain a member's resident size.
 *
 * @param memtableBytes write buffers, active and waiting to be flushed
 * @param blockCacheBytes the block cache's current charge (data, index and filter blocks)
 * @param tableReaderBytes index and filter blocks held by open tables outside the block cache
 */
public record StoreMemory(long memtableBytes, long blockCacheBytes, long tableReaderBytes) {
    /** A store that holds nothing off the heap (the in-memory store). */
    public static final StoreMemory NONE = new StoreMemory(0, 0, 0);

    public StoreMemory {
        if (memtableBytes < 0 || blockCacheBytes < 0 || tableReaderBytes < 0) {
            throw new IllegalArgumentException("negative size: " + memtableBytes + ", " + blockCacheBytes + ", " + tableReaderBytes);
        }
    }
}
