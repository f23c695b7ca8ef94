/**
 * The RocksDB implementation of {@link io.caravel.store.MvccStore}. The on-disk layout (column families
 * and key encodings) is described in {@code docs/store.md} and in {@link io.caravel.store.rocks.Layout}.
 * Depends on RocksDB JNI only.
 */
package io.caravel.store.rocks;
