/**
 * The MVCC key-value store: etcd's data model (revisions, create/mod revision, version, lease),
 * range, put, delete-range, txn, compact, the lease table and the applied log position.
 *
 * <p>This package holds the API ({@link io.caravel.store.MvccStore} and its value types) and the
 * request validation shared by every implementation. The store is a deterministic library: it has
 * no threads of its own, reads no clock and knows nothing of Raft, gRPC, HTTP or JSON. It may depend
 * on RocksDB JNI and slf4j only (checked by {@code StoreBoundariesTest} and the enforcer plugin).
 */
package io.caravel.store;
