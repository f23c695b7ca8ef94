package io.caravel.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers to read a stream by hand. */
final class Drain {
    private Drain() {
    }

    /** Polls until the queue is empty. */
    static List<WatchResponse> all(WatchStream s) {
        List<WatchResponse> out = new ArrayList<>();
        for (WatchResponse r = s.poll(); r != null; r = s.poll()) {
            out.add(r);
        }
        return out;
    }

    /** Polls at most {@code n}. */
    static List<WatchResponse> some(WatchStream s, int n) {
        List<WatchResponse> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WatchResponse r = s.poll();
            if (r == null) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    /** A readable callback that counts its calls. */
    static final class Counter implements Runnable {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void run() {
            calls.incrementAndGet();
        }
    }
}
