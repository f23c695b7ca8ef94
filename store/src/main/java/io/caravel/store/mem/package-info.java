/**
 * The in-memory reference model of {@link io.caravel.store.MvccStore}: a deliberately simple,
 * obviously-correct implementation of etcd's MVCC semantics, written independently of the RocksDB
 * engine, that tests use as an oracle (the contract suite runs against it, and the jqwik stateful
 * properties compare {@code RocksMvccStore} with it step by step). It is not meant for production:
 * nothing is persisted and every operation is O(history).
 *
 * <p>Depends on the store API ({@code io.caravel.store}) and the JDK only.
 */
package io.caravel.store.mem;
