package io.caravel.raft;

import static io.caravel.raft.Failures.unwrap;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tries an operation that has no effect a second try could repeat (a question to the leader, a read's
 * ReadIndex) again after a pause, until it succeeds or a deadline passes. Nothing waits on a thread: the
 * next try waits on a timer.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #run} completes with the value of the first try that succeeds. After a failed try, the next
 *       one starts {@code pauseMillis} later, unless less than that is left before the deadline: then the
 *       result fails with {@code giveUp} applied to that try's failure.</li>
 *   <li>A try that fails with {@link ClusterError#STOPPED} ends the tries with that failure.</li>
 *   <li>{@link #close} fails with STOPPED every result whose next try is waiting; a try that fails after
 *       it, or a next try the timer refuses, ends the same way.</li>
 *   <li>A first try that succeeds costs nothing beyond the try itself: no registration, no timer.</li>
 *   <li>Results complete on the thread that completed the try (any), or the timer's.</li>
 * </ul>
 * Thread-safe.
 */
final class DeadlineRetries implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final long pauseMillis;
    /** Results whose next try waits on the timer, failed by {@link #close}. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DeadlineRetries(ScheduledExecutorService timer, long pauseMillis) {
        this.timer = Objects.requireNonNull(timer, "timer == null");
        if (pauseMillis <= 0) {
            throw new IllegalArgumentException("pauseMillis must be positive: " + pauseMillis);
        }
        this.pauseMillis = pauseMillis;
    }

    /**
     * Runs {@code attempt} now and again after each failure until {@code deadlineNanos} ({@link System#nanoTime}),
     * as the class contract says. {@code giveUp} turns the last try's failure into the result's.
     */
    <T> CompletableFuture<T> run(long deadlineNanos, Supplier<CompletableFuture<T>> attempt,
            Function<Throwable, Throwable> giveUp) {
        return start(attempt).exceptionallyCompose(first -> {
            CompletableFuture<T> result = new CompletableFuture<>();
            waiting.add(result);
            result.whenComplete((v, e) -> waiting.remove(result));
            if (closed) { // close() may have run before the add
                result.completeExceptionally(ClusterError.STOPPED.exception());
            } else {
                afterFailure(deadlineNanos, attempt, giveUp, unwrap(first), result);
            }
            return result;
        });
    }

    private <T> void afterFailure(long deadlineNanos, Supplier<CompletableFuture<T>> attempt,
            Function<Throwable, Throwable> giveUp, Throwable failure, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        if (failure instanceof ClusterException ce && ce.error() == ClusterError.STOPPED) {
            result.completeExceptionally(failure);
            return;
        }
        if (closed) {
            result.completeExceptionally(new ClusterException(ClusterError.STOPPED, failure));
            return;
        }
        if (deadlineNanos - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(pauseMillis)) {
            result.completeExceptionally(giveUp.apply(failure));
            return;
        }
        try {
            timer.schedule(() -> {
                if (!result.isDone()) {
                    start(attempt).whenComplete((v, e) -> {
                        if (e == null) {
                            result.complete(v);
                        } else {
                            afterFailure(deadlineNanos, attempt, giveUp, unwrap(e), result);
                        }
                    });
                }
            }, pauseMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            result.completeExceptionally(new ClusterException(ClusterError.STOPPED, closing));
        }
    }

    private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> attempt) {
        try {
            return attempt.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Fails every result whose next try is waiting, and every later one at its first failure, with STOPPED. */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<?> f : waiting) {
            f.completeExceptionally(ClusterError.STOPPED.exception());
        }
    }
}
