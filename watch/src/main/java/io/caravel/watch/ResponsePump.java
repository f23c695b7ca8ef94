package io.caravel.watch;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a {@link WatchStream} into a sink that says when it can take more: a gRPC server call
 * ({@code isReady}, {@code onReady}), a Flow subscriber's demand. The pump moves responses on an
 * executor, one drain at a time (never two concurrently, so the sink sees one response after another),
 * and only while {@code ready} holds; the owner calls {@link #signal()} whenever the sink becomes ready
 * again. The stream's readable callback is wired to {@link #signal()}.
 *
 * <pre>{@code
 * ResponsePump pump = ResponsePump.open(hub, executor, call::isReady, r -> call.onNext(toProto(r)),
 *         () -> call.onCompleted());
 * call.setOnReadyHandler(pump::signal);
 * call.setOnCancelHandler(pump.stream()::close);
 * // requests: pump.stream().watch(...), .cancel(id), .requestProgress()
 * }</pre>
 *
 * <p>Thread-safe. The executor must not run tasks inline ({@code Runnable::run}): a response queued by
 * dispatch would then be sent on the store's apply thread.
 */
public final class ResponsePump {
    private static final Logger log = LoggerFactory.getLogger(ResponsePump.class);

    private final Executor executor;
    private final BooleanSupplier ready;
    private final Consumer<WatchResponse> sink;
    private final Runnable onClosed;
    private final AtomicInteger wip = new AtomicInteger();
    private volatile WatchStream stream;
    /** Confined to the drain (which never runs twice at once). */
    private boolean closedSignalled;

    private ResponsePump(Executor executor, BooleanSupplier ready, Consumer<WatchResponse> sink, Runnable onClosed) {
        this.executor = Objects.requireNonNull(executor, "executor == null");
        this.ready = Objects.requireNonNull(ready, "ready == null");
        this.sink = Objects.requireNonNull(sink, "sink == null");
        this.onClosed = Objects.requireNonNull(onClosed, "onClosed == null");
    }

    /**
     * Opens a stream on {@code hub} drained by a new pump.
     *
     * @param ready whether the sink can take a response now; called on the drain only
     * @param sink takes each response, in queue order, on the drain; must not block. If it throws, the
     *             stream is closed.
     * @param onClosed called once, on the drain, after the stream is closed (by its owner, or because the
     *                 hub closed) and nothing more will come
     * @throws IllegalStateException when the hub is closed
     */
    public static ResponsePump open(WatchHub hub, Executor executor, BooleanSupplier ready,
                                    Consumer<WatchResponse> sink, Runnable onClosed) {
        ResponsePump pump = new ResponsePump(executor, ready, sink, onClosed);
        pump.stream = hub.openStream(pump::signal);
        return pump;
    }

    /** The stream: send the client's requests to it, close it when the client goes away. */
    public WatchStream stream() {
        return stream;
    }

    /** Asks for a drain: call when the sink becomes ready. Non-blocking; cheap when a drain is under way. */
    public void signal() {
        if (wip.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            WatchStream s = stream;
            if (s != null) {
                drainOnce(s);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce(WatchStream s) {
        try {
            while (!s.isClosed() && ready.getAsBoolean()) {
                WatchResponse r = s.poll();
                if (r == null) {
                    break;
                }
                sink.accept(r);
            }
        } catch (RuntimeException e) {
            log.warn("a watch response sink failed; closing its stream", e);
            s.close();
        }
        if (s.isClosed() && !closedSignalled) {
            closedSignalled = true;
            try {
                onClosed.run();
            } catch (RuntimeException e) {
                log.warn("a watch stream's close callback failed", e);
            }
        }
    }
}
