package io.caravel.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The one definition of {@link MvccStore#hashKv}, shared by every implementation so that two replicas
 * (or the reference model and RocksDB) hash identically.
 *
 * <p>The hash covers the <em>retained history</em> up to revision R, given compact revision C: every
 * change with main revision in [C, R] (all changes made at C are kept, so that the history from C on is
 * complete), plus, for each key not changed at C, its newest change below C when that change is a put.
 * Physical compaction progress does not change it.
 * Changes are fed in (main, sub) order; each contributes main, sub, key, whether it is a delete, and
 * for a put its create revision, version, lease and value.
 *
 * <p>Not thread-safe; one instance per hash computation.
 */
public final class HashKvDigest {
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer scratch = ByteBuffer.allocate(8 * 6 + 1);

    /** Feeds one retained change. {@code kv} is the new version, or the tombstone for a delete. */
    public void add(long main, long sub, KeyValue kv, boolean delete) {
        scratch.clear();
        scratch.putLong(main).putLong(sub).putInt(kv.key().size());
        crc.update(scratch.flip());
        crc.update(kv.key().unsafeArray());
        scratch.clear();
        scratch.put((byte) (delete ? 1 : 0));
        if (!delete) {
            scratch.putLong(kv.createRevision()).putLong(kv.version()).putLong(kv.lease()).putInt(kv.value().size());
        }
        crc.update(scratch.flip());
        if (!delete) {
            crc.update(kv.value().unsafeArray());
        }
    }

    public long value() {
        return crc.getValue();
    }
}
