package io.caravel.raft.statemachine;

import io.caravel.store.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The leader's in-memory lease clock (etcd's {@code lessor}). Only the leader keeps expiry times; the
 * store keeps only what was replicated (grant, revoke, checkpointed remaining TTL).
 *
 * <ul>
 *   <li>Expiry times are on a monotonic clock ({@code nanoTime}), never wall-clock time.</li>
 *   <li>{@link #promote} (the member became leader and applied every earlier entry) gives every lease
 *       its checkpointed remaining TTL when one was recorded, otherwise its full TTL, counted from that
 *       moment: no lease expires earlier after a leader change than the old leader promised.</li>
 *   <li>A grant applied while primary starts the lease at its full TTL; a keep-alive restarts it.</li>
 *   <li>{@link #expired} lists leases past their expiry that have no revoke in flight; the caller
 *       proposes a {@code LeaseRevoke} for each and reports back with {@link #revokeDone}.</li>
 * </ul>
 * Thread-safe (one monitor).
 */
public final class Lessor {
    private record Entry(long ttlSeconds, long expiryNanos) {
    }

    private final LongSupplier nanoTime;
    private final Map<Long, Entry> leases = new HashMap<>();
    private final Set<Long> revoking = new HashSet<>();
    private boolean primary;

    public Lessor(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public synchronized boolean isPrimary() {
        return primary;
    }

    /** Becomes the lease authority, seeded from the store's leases. */
    public synchronized void promote(List<Lease> stored) {
        long now = nanoTime.getAsLong();
        leases.clear();
        revoking.clear();
        for (Lease l : stored) {
            long remaining = l.remainingTtlSeconds() > 0 ? l.remainingTtlSeconds() : l.ttlSeconds();
            leases.put(l.id(), new Entry(l.ttlSeconds(), now + seconds(remaining)));
        }
        primary = true;
    }

    /** Stops being the authority: forgets every expiry. */
    public synchronized void demote() {
        primary = false;
        leases.clear();
        revoking.clear();
    }

    /** A grant was applied. */
    public synchronized void granted(long id, long ttlSeconds) {
        if (primary) {
            leases.put(id, new Entry(ttlSeconds, nanoTime.getAsLong() + seconds(ttlSeconds)));
        }
    }

    /** A revoke was applied (or found the lease gone). */
    public synchronized void revoked(long id) {
        leases.remove(id);
        revoking.remove(id);
    }

    /** A proposed revoke finished without removing the lease (failed): it may be proposed again. */
    public synchronized void revokeDone(long id) {
        revoking.remove(id);
    }

    /**
     * Renews a lease. Returns its TTL, 0 for an unknown (or already expired) lease, or -1 when this
     * member is not the authority.
     */
    public synchronized long keepAlive(long id) {
        if (!primary) {
            return -1;
        }
        Entry e = leases.get(id);
        long now = nanoTime.getAsLong();
        if (e == null || e.expiryNanos() <= now) {
            return 0;
        }
        leases.put(id, new Entry(e.ttlSeconds(), now + seconds(e.ttlSeconds())));
        return e.ttlSeconds();
    }

    /** {remaining seconds, granted TTL}; remaining -1 for an unknown lease; null when not the authority. */
    public synchronized long[] timeToLive(long id) {
        if (!primary) {
            return null;
        }
        Entry e = leases.get(id);
        if (e == null) {
            return new long[] {-1, 0};
        }
        long left = e.expiryNanos() - nanoTime.getAsLong();
        long seconds = left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
        return new long[] {seconds, e.ttlSeconds()};
    }

    /** Leases past their expiry with no revoke in flight; marks them as being revoked. */
    public synchronized List<Long> expired() {
        if (!primary) {
            return List.of();
        }
        long now = nanoTime.getAsLong();
        List<Long> out = new ArrayList<>();
        leases.forEach((id, e) -> {
            if (e.expiryNanos() <= now && !revoking.contains(id)) {
                out.add(id);
            }
        });
        revoking.addAll(out);
        return out;
    }

    /** Remaining TTLs (seconds) of leases whose remaining time is above {@code minSeconds}, for checkpoints. */
    public synchronized Map<Long, Long> remainingAbove(long minSeconds) {
        Map<Long, Long> out = new HashMap<>();
        if (!primary) {
            return out;
        }
        long now = nanoTime.getAsLong();
        leases.forEach((id, e) -> {
            long left = (e.expiryNanos() - now) / 1_000_000_000L;
            if (left > minSeconds && left < e.ttlSeconds()) {
                out.put(id, left);
            }
        });
        return out;
    }

    private static long seconds(long s) {
        return Math.multiplyExact(s, 1_000_000_000L);
    }
}
