package io.caravel.raft;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Groups a member's linearizable reads into read-index rounds (Raft thesis §6.4; etcd's ReadIndex): the
 * reads that arrive while a round is in flight share the next one, so a burst of reads costs one round.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #next()} completes with the index a round returned, and that round was started after the
 *       call. A round returns an index at or past every write acknowledged (by any member) before it was
 *       started ({@link Round}), so the caller may read once this member has applied that index.</li>
 *   <li>At most one round is in flight. A round's failure fails exactly the calls that were waiting for
 *       it, with its error; the next round is started all the same.</li>
 *   <li>The futures complete on whatever thread completed the round (a gRPC thread, or the caller's own
 *       when the round finished at once): callers hand real work to their own executor.</li>
 * </ul>
 * Thread-safe.
 */
final class ReadIndexRounds {
    /** One round. */
    @FunctionalInterface
    interface Round {
        /**
         * Starts a round; completes with an index at or past every write acknowledged before the call, or
         * fails when that cannot be established (this member does not lead, no majority answered, ...).
         */
        CompletableFuture<Long> start();
    }

    private final Round round;
    private CompletableFuture<Long> waiting; // guarded by this: the calls for the round not yet started
    private boolean inFlight; // guarded by this
    private long started; // guarded by this

    ReadIndexRounds(Round round) {
        this.round = Objects.requireNonNull(round, "round == null");
    }

    /** Completes with the index of a round started after this call (see the class contract). */
    CompletableFuture<Long> next() {
        CompletableFuture<Long> f;
        synchronized (this) {
            if (waiting == null) {
                waiting = new CompletableFuture<>();
            }
            f = waiting;
        }
        startIfIdle();
        return f;
    }

    /** Rounds started so far. */
    synchronized long rounds() {
        return started;
    }

    /** Starts the next round when calls wait and none is in flight; a loop, so rounds finishing at once do not nest. */
    private void startIfIdle() {
        while (true) {
            CompletableFuture<Long> callers;
            synchronized (this) {
                if (inFlight || waiting == null) {
                    return;
                }
                inFlight = true;
                started++;
                callers = waiting;
                waiting = null;
            }
            CompletableFuture<Long> r;
            try {
                r = round.start();
            } catch (RuntimeException e) {
                r = CompletableFuture.failedFuture(e);
            }
            if (!r.isDone()) {
                r.whenComplete((index, err) -> {
                    synchronized (this) {
                        inFlight = false;
                    }
                    startIfIdle(); // the next round's messages go out before these callers run
                    finish(callers, index, err);
                });
                return;
            }
            synchronized (this) {
                inFlight = false;
            }
            r.whenComplete((index, err) -> finish(callers, index, err));
        }
    }

    private static void finish(CompletableFuture<Long> callers, Long index, Throwable err) {
        if (err != null) {
            callers.completeExceptionally(err);
        } else {
            callers.complete(index);
        }
    }
}
