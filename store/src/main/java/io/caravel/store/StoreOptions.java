package io.caravel.store;

/**
 * The store's limits and tuning. Every limit is enforced by every implementation and documented in
 * {@code docs/store.md}.
 *
 * @param maxTxnOps the most ops one txn branch may hold (etcd's {@code --max-txn-ops}, default 128)
 * @param compactionBatchSize the most history entries one {@link MvccStore#compactStep} call removes
 *                            (etcd's compaction batch limit, default 1,000)
 * @param blockCacheBytes RocksDB's block cache size (default 64 MiB); ignored by the in-memory model
 * @param writeAheadLog true (the default): every applied batch is also written to RocksDB's write-ahead
 *                      log, so a crash loses nothing {@link MvccStore#applyAll} returned. false: the
 *                      caller's own log (Raft's) is the write-ahead log, as etcd's WAL is for its bbolt
 *                      backend: applied batches stay in memory until RocksDB flushes them (all column
 *                      families atomically, the applied position with the data), a crash loses the
 *                      unflushed ones, and {@link MvccStore#appliedPosition()} after reopening says where
 *                      the caller must replay its log from. The RocksDB store's {@code sync()} flushes; only then may
 *                      the caller discard its log up to the applied position. Ignored by the in-memory model.
 * @param maxRangeBytes the most bytes of keys and values one client read ({@link MvccStore#range},
 *                      {@link MvccStore#readTxn}) may fetch for its range ops (default 32 MiB; 0: no bound).
 *                      A read over more fails with {@link KvError#RANGE_TOO_LARGE} rather than exhaust the
 *                      heap, which holds a response whole. What counts is what {@link RangeRequest#fetchLimit}
 *                      says is fetched: a plain range with a limit fetches the limit plus one, a sorted or
 *                      filtered one its whole key range. A read of a single key is never refused, compares
 *                      do not count, and writes are not bounded (their ranges are part of the apply).
 */
public record StoreOptions(int maxTxnOps, int compactionBatchSize, long blockCacheBytes, boolean writeAheadLog,
                           long maxRangeBytes) {
    public static final int DEFAULT_MAX_TXN_OPS = 128;
    public static final int DEFAULT_COMPACTION_BATCH_SIZE = 1_000;
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_RANGE_BYTES = 32L << 20;

    public StoreOptions {
        if (maxTxnOps < 1) {
            throw new IllegalArgumentException("maxTxnOps must be >= 1: " + maxTxnOps);
        }
        if (compactionBatchSize < 1) {
            throw new IllegalArgumentException("compactionBatchSize must be >= 1: " + compactionBatchSize);
        }
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("blockCacheBytes must be >= 0: " + blockCacheBytes);
        }
        if (maxRangeBytes < 0) {
            throw new IllegalArgumentException("maxRangeBytes must be >= 0: " + maxRangeBytes);
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_MAX_TXN_OPS, DEFAULT_COMPACTION_BATCH_SIZE, DEFAULT_BLOCK_CACHE_BYTES, true,
                DEFAULT_MAX_RANGE_BYTES);
    }

    public StoreOptions withMaxTxnOps(int v) {
        return new StoreOptions(v, compactionBatchSize, blockCacheBytes, writeAheadLog, maxRangeBytes);
    }

    public StoreOptions withCompactionBatchSize(int v) {
        return new StoreOptions(maxTxnOps, v, blockCacheBytes, writeAheadLog, maxRangeBytes);
    }

    public StoreOptions withBlockCacheBytes(long v) {
        return new StoreOptions(maxTxnOps, compactionBatchSize, v, writeAheadLog, maxRangeBytes);
    }

    public StoreOptions withWriteAheadLog(boolean v) {
        return new StoreOptions(maxTxnOps, compactionBatchSize, blockCacheBytes, v, maxRangeBytes);
    }

    public StoreOptions withMaxRangeBytes(long v) {
        return new StoreOptions(maxTxnOps, compactionBatchSize, blockCacheBytes, writeAheadLog, v);
    }
}
