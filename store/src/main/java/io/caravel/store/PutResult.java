package io.caravel.store;

/**
 * etcd's {@code PutResponse}.
 *
 * @param revision the main revision of the put
 * @param prevKv the replaced version when asked for and the key existed, else null
 */
public record PutResult(long revision, KeyValue prevKv) implements OpResult, MutationResult {
}
