package io.caravel.store.rocks;

import org.rocksdb.ColumnFamilyHandle;

/** The open column families of one store (see {@link Layout}). */
record Handles(
        ColumnFamilyHandle meta,
        ColumnFamilyHandle latest,
        ColumnFamilyHandle history,
        ColumnFamilyHandle keyIndex,
        ColumnFamilyHandle lease,
        ColumnFamilyHandle leaseKey) {
}
