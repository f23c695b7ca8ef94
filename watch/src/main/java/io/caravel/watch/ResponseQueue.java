package io.caravel.watch;

/**
 * A FIFO of queued responses ({@link WatchResponse}s, or wrappers of them) on a ring buffer that is allocated when a response comes and released whenever the
 * queue drains, so that an idle stream holds no array. Not thread-safe: guarded by its stream's monitor.
 */
final class ResponseQueue {
    private static final int INITIAL = 4;

    private Object[] ring;
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addLast(Object r) {
        grow();
        ring[(head + size) & (ring.length - 1)] = r;
        size++;
    }

    void addFirst(Object r) {
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = r;
        size++;
    }

    Object pollFirst() {
        if (size == 0) {
            return null;
        }
        Object r = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        if (size == 0) {
            ring = null;
            head = 0;
        }
        return r;
    }

    void clear() {
        ring = null;
        head = 0;
        size = 0;
    }

    private void grow() {
        if (ring == null) {
            ring = new Object[INITIAL];
        } else if (size == ring.length) {
            Object[] bigger = new Object[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
    }
}
