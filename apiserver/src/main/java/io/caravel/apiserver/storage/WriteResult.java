package io.caravel.apiserver.storage;

/**
 * The outcome of a conditional write ({@link KvClient#create}, {@link KvClient#update}, {@link KvClient#delete}).
 * A failed condition is a value, not an exception.
 *
 * @param succeeded whether the condition held and the write was made
 * @param revision  the store's revision after the transaction (the new key's {@code modRevision} on success)
 * @param kv        on success: the key as written (for a delete, the key as it was before the deletion); on failure:
 *                  the key as it currently is, or {@code null} when it does not exist
 */
public record WriteResult(boolean succeeded, long revision, KeyValue kv) {
}
