package io.caravel.apiserver.storage;

/**
 * A running watch started by {@link KvClient#watch}. Closing it is idempotent; after {@link #close()} returns,
 * no further listener call starts (one already running may finish).
 */
public interface KvWatch extends AutoCloseable {
    @Override
    void close();
}
