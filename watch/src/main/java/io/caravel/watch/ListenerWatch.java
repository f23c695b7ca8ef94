package io.caravel.watch;

import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch delivered to a {@link WatchListener}: the listener form of the in-process API (see
 * {@link WatchPublisher} for the Flow form with back-pressure). Each watch has a stream of its own,
 * drained by a {@link ResponsePump} on the given executor. Thread-safe.
 */
public final class ListenerWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListenerWatch.class);
    static final String HUB_CLOSED = "watch hub is closed";

    private final WatchListener listener;
    private final ResponsePump pump;
    private volatile boolean cancelled;
    /** Confined to the pump's drain. */
    private boolean ended;

    private ListenerWatch(WatchHub hub, Executor executor, WatchListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener == null");
        this.pump = ResponsePump.open(hub, executor, () -> !ended, this::deliver, this::closed);
    }

    /**
     * Starts a watch; {@code listener} is called on {@code executor} (which must not run tasks inline).
     *
     * @throws IllegalStateException when the hub is closed
     */
    public static ListenerWatch start(WatchHub hub, WatchRequest request, Executor executor, WatchListener listener) {
        Objects.requireNonNull(hub, "hub == null");
        Objects.requireNonNull(request, "request == null");
        Objects.requireNonNull(executor, "executor == null");
        ListenerWatch w = new ListenerWatch(hub, executor, listener);
        w.pump.stream().watch(request);
        return w;
    }

    private void deliver(WatchResponse r) {
        try {
            dispatch(r);
        } catch (RuntimeException e) {
            log.warn("a watch listener failed; its watch ends", e);
            ended = true;
            pump.stream().close();
        }
    }

    private void dispatch(WatchResponse r) {
        if (r.created() && !r.canceled()) {
            listener.onCreated(r.revision());
        } else if (r.canceled()) {
            ended = true;
            pump.stream().close();
            if (!cancelled) {
                listener.onCanceled(r.compactRevision(), r.cancelReason());
            }
        } else if (r.isProgressNotify()) {
            listener.onProgress(r.revision());
        } else {
            listener.onEvents(r.revision(), r.events());
        }
    }

    private void closed() {
        if (!ended && !cancelled) {
            ended = true;
            listener.onCanceled(0, HUB_CLOSED);
        }
    }

    /** Ends the watch; the listener is not called again (a call under way finishes). Idempotent. */
    public void cancel() {
        cancelled = true;
        pump.stream().close();
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }
}
