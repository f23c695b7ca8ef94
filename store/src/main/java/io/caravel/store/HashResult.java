package io.caravel.store;

/**
 * A hash of the key-value history that replicas can compare (etcd's {@code HashKV}).
 *
 * @param hash CRC32C over the retained history up to {@code revision}, as {@link HashKvDigest} defines it
 * @param compactRevision the compact revision the hash was computed with
 * @param revision the revision hashed up to (inclusive)
 */
public record HashResult(long hash, long compactRevision, long revision) {
}
