package io.caravel.store.rocks;

/**
 * RocksDB failed, or what it holds cannot be decoded. Never an expected outcome: a store that threw it
 * from {@code apply} must not be used again (the node stops), and one that throws it on open is corrupt
 * or unreadable.
 */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
