package io.caravel.watch;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One watch as a {@link Flow.Publisher}, for in-process users (the embedding API). Each subscription
 * opens its own stream with one watcher for {@code request} and delivers its responses: the created
 * response first, then events, progress notifications, and finally a canceled response if the watch
 * ends (its history compacted, or the request refused), after which the subscriber is completed.
 *
 * <p>Back-pressure: nothing is delivered beyond the subscriber's demand. While the subscriber does not
 * request, responses wait in the stream's bounded queue, then the watcher is moved aside and caught up
 * from history when demand returns, so a slow subscriber costs bounded memory and never slows the store
 * or other watchers; if the history it needs is compacted meanwhile, it gets the canceled response with
 * the compact revision. Cancelling the subscription removes the watcher. {@code onError} is signalled
 * with an {@link IllegalStateException} when the hub closes, and with an {@link IllegalArgumentException}
 * for a non-positive request (rule 3.9).
 *
 * <p>Signals are delivered on {@code executor}, one at a time; a subscriber may block it only as long
 * as it is willing to delay its own watch.
 */
public final class WatchPublisher implements Flow.Publisher<WatchResponse> {
    private final WatchHub hub;
    private final WatchRequest request;
    private final Executor executor;

    public WatchPublisher(WatchHub hub, WatchRequest request, Executor executor) {
        this.hub = Objects.requireNonNull(hub, "hub == null");
        this.request = Objects.requireNonNull(request, "request == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super WatchResponse> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber == null");
        new WatchSubscription(subscriber).start();
    }

    private final class WatchSubscription implements Flow.Subscription {
        private final Flow.Subscriber<? super WatchResponse> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile boolean badRequest;
        private ResponsePump pump;
        /** Confined to the pump's drain. */
        private boolean done;

        WatchSubscription(Flow.Subscriber<? super WatchResponse> subscriber) {
            this.subscriber = subscriber;
        }

        void start() {
            try {
                pump = ResponsePump.open(hub, executor, this::ready, this::deliver, this::closed);
            } catch (IllegalStateException e) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(e);
                return;
            }
            subscriber.onSubscribe(this);
            if (!cancelled) {
                try {
                    pump.stream().watch(request);
                } catch (IllegalStateException e) {
                    pump.signal(); // the hub closed meanwhile: the drain reports it
                }
            }
        }

        private boolean ready() {
            return !done && !cancelled && demand.get() > 0;
        }

        private void deliver(WatchResponse r) {
            if (demand.get() != Long.MAX_VALUE) {
                demand.decrementAndGet();
            }
            try {
                subscriber.onNext(r);
            } catch (RuntimeException e) {
                // Rule 2.13: a subscriber that throws is treated as having cancelled.
                cancel();
                return;
            }
            if (r.canceled()) {
                done = true;
                pump.stream().close();
                subscriber.onComplete();
            }
        }

        private void closed() {
            if (done || cancelled) {
                return;
            }
            done = true;
            if (badRequest) {
                subscriber.onError(new IllegalArgumentException("rule 3.9: request(n) needs n > 0"));
            } else {
                subscriber.onError(new IllegalStateException("watch hub is closed"));
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = true;
                pump.stream().close();
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            pump.signal();
        }

        @Override
        public void cancel() {
            cancelled = true;
            pump.stream().close();
        }
    }
}
