package io.caravel.store.rocks;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Where reads come from: a consistent snapshot of the database (client reads), or the database seen
 * through the write batch being built (apply, so that a mutation reads the writes of the mutations
 * before it in the same batch). Not thread-safe; one per read or per batch.
 */
interface Source {
    /** The value of {@code key} in {@code cf}, or null. */
    byte[] get(ColumnFamilyHandle cf, byte[] key);

    /** A new iterator over {@code cf}; the caller closes it. */
    RocksIterator iterator(ColumnFamilyHandle cf);

    /** Reads of the database at the snapshot set in {@code readOptions}. */
    static Source of(RocksDB db, ReadOptions readOptions) {
        return new Source() {
            @Override
            public byte[] get(ColumnFamilyHandle cf, byte[] key) {
                try {
                    return db.get(cf, readOptions, key);
                } catch (RocksDBException e) {
                    throw new StorageException("read failed", e);
                }
            }

            @Override
            public RocksIterator iterator(ColumnFamilyHandle cf) {
                return db.newIterator(cf, readOptions);
            }
        };
    }

    /**
     * Reads of the database under a not yet written batch of plain puts, without the batch: correct for
     * what a put reads — {@code latest}, whose values the batch wrote the reader's write-through view
     * answers ({@link StoreReader#seedLatest}), and {@code lease}, which puts never write. Any other read
     * (an iterator, another column family) fails, since it could miss the batch's writes.
     */
    static Source underPlainPuts(RocksDB db, ReadOptions readOptions, Handles cf) {
        Source direct = of(db, readOptions);
        return new Source() {
            @Override
            public byte[] get(ColumnFamilyHandle family, byte[] key) {
                if (family != cf.latest() && family != cf.lease()) {
                    throw new IllegalStateException("a batch of plain puts read a column family it may have written");
                }
                return direct.get(family, key);
            }

            @Override
            public RocksIterator iterator(ColumnFamilyHandle family) {
                throw new IllegalStateException("a batch of plain puts opened an iterator, which would not see the batch");
            }
        };
    }

    /** Reads of the database with the not yet written {@code batch} laid over it. */
    static Source of(RocksDB db, ReadOptions readOptions, WriteBatchWithIndex batch) {
        return new Source() {
            @Override
            public byte[] get(ColumnFamilyHandle cf, byte[] key) {
                try {
                    return batch.getFromBatchAndDB(db, cf, readOptions, key);
                } catch (RocksDBException e) {
                    throw new StorageException("read failed", e);
                }
            }

            @Override
            public RocksIterator iterator(ColumnFamilyHandle cf) {
                return batch.newIteratorWithBase(cf, db.newIterator(cf, readOptions), readOptions);
            }
        };
    }

}
