package io.caravel.store.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.annotations.Setup;

/** A cheap per-thread random index (xorshift64), seeded per thread. */
@State(Scope.Thread)
public class ThreadRandom {
    private long x;

    @Setup
    public void setUp(ThreadParams params) {
        x = 0x9E3779B97F4A7C15L * (params.getThreadIndex() + 1);
    }

    int next(int bound) {
        long v = x;
        v ^= v << 13;
        v ^= v >>> 7;
        v ^= v << 17;
        x = v;
        return (int) ((v >>> 1) % bound);
    }
}
