package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.WatchCreateRequest;
import io.caravel.server.grpc.pb.WatchGrpc;
import io.caravel.server.grpc.pb.WatchRequest;
import io.caravel.server.grpc.pb.WatchResponse;
import io.caravel.server.watch.SerialExecutor;
import io.caravel.server.watch.WatchHub;
import io.caravel.server.watch.WatchListener;
import io.caravel.server.watch.WatchSpec;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.store.KvError;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * etcd's {@code Watch} service ({@code v3rpc/watch.go}): one bidi stream carries many watchers. Ids are
 * chosen by the server (from 0 up) unless the client gives one; the created response carries the current
 * revision; a compacted start revision gives {@code canceled} with {@code compact_revision}; a progress
 * request is answered with {@code watch_id = -1}. Every response carries a header (etcdctl 3.4
 * dereferences it). Responses of one stream leave in the order they were decided, from one
 * {@link SerialExecutor}.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
    /** etcd's {@code mvcc.ErrWatcherDuplicateID}. */
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    private final ReplicatedKv kv;
    private final WatchHub hub;
    private final Executor executor;

    public WatchService(ReplicatedKv kv, WatchHub hub, Executor executor) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.hub = Objects.requireNonNull(hub, "hub == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        Stream s = new Stream((ServerCallStreamObserver<WatchResponse>) responses);
        ((ServerCallStreamObserver<WatchResponse>) responses).setOnCancelHandler(s::close);
        return s;
    }

    private final class Stream implements StreamObserver<WatchRequest> {
        private final ServerCallStreamObserver<WatchResponse> out;
        private final SerialExecutor delivery = new SerialExecutor(executor);
        private final Map<Long, WatchHub.Watcher> watchers = new HashMap<>();
        private long nextId;
        private boolean closed;

        Stream(ServerCallStreamObserver<WatchResponse> out) {
            this.out = out;
        }

        @Override
        public void onNext(WatchRequest request) {
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(request.getCreateRequest());
                case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
                case PROGRESS_REQUEST -> progress();
                case REQUESTUNION_NOT_SET -> { }
            }
        }

        private synchronized void create(WatchCreateRequest c) {
            if (closed) {
                return;
            }
            if (c.getStartRevision() < 0) {
                // etcd refuses a negative start revision as compacted, without a watch id.
                refuse(KvError.COMPACTED.message());
                return;
            }
            long id;
            if (c.getWatchId() != 0) {
                id = c.getWatchId();
                if (watchers.containsKey(id) || id < 0) {
                    refuse(DUPLICATE_ID);
                    return;
                }
            } else {
                while (watchers.containsKey(nextId)) {
                    nextId++;
                }
                id = nextId++;
            }
            boolean noPut = false;
            boolean noDelete = false;
            for (WatchCreateRequest.FilterType f : c.getFiltersList()) {
                if (f == WatchCreateRequest.FilterType.NOPUT) {
                    noPut = true;
                } else if (f == WatchCreateRequest.FilterType.NODELETE) {
                    noDelete = true;
                }
            }
            WatchSpec spec = new WatchSpec(new KeyRange(WireFormat.bytes(c.getKey()), WireFormat.bytes(c.getRangeEnd())),
                    c.getStartRevision(), c.getPrevKv(), noPut, noDelete);
            long watchId = id;
            WatchHub.Watcher w = hub.watch(spec, delivery, new WatchListener() {
                @Override
                public void onCreated(long revision) {
                    send(WatchResponse.newBuilder().setHeader(WireFormat.header(kv.header(), revision))
                            .setWatchId(watchId).setCreated(true).build());
                }

                @Override
                public void onEvents(long revision, List<Event> events) {
                    WatchResponse.Builder b = WatchResponse.newBuilder()
                            .setHeader(WireFormat.header(kv.header(), revision)).setWatchId(watchId);
                    for (Event e : events) {
                        b.addEvents(WireFormat.event(e));
                    }
                    send(b.build());
                }

                @Override
                public void onCanceled(long compactRevision, String reason) {
                    removeWatcher(watchId);
                    send(WatchResponse.newBuilder().setHeader(WireFormat.header(kv.header()))
                            .setWatchId(watchId).setCanceled(true)
                            .setCompactRevision(compactRevision).setCancelReason(reason).build());
                }
            });
            watchers.put(id, w);
        }

        private synchronized void removeWatcher(long id) {
            watchers.remove(id);
        }

        private void refuse(String reason) {
            WatchResponse r = WatchResponse.newBuilder().setHeader(WireFormat.header(kv.header()))
                    .setWatchId(-1).setCreated(true).setCanceled(true).setCancelReason(reason).build();
            delivery.execute(() -> send(r));
        }

        private synchronized void cancel(long id) {
            WatchHub.Watcher w = watchers.remove(id);
            if (w == null) {
                return;
            }
            w.cancel();
            WatchResponse r = WatchResponse.newBuilder().setHeader(WireFormat.header(kv.header()))
                    .setWatchId(id).setCanceled(true).build();
            delivery.execute(() -> send(r));
        }

        private synchronized void progress() {
            hub.requestProgress(List.copyOf(watchers.values()), delivery, rev -> send(WatchResponse.newBuilder()
                    .setHeader(WireFormat.header(kv.header(), rev)).setWatchId(-1).build()));
        }

        /** Runs on the stream's serial executor only. */
        private void send(WatchResponse r) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            try {
                out.onNext(r);
            } catch (RuntimeException e) {
                // the call was cancelled under us
                close();
            }
        }

        @Override
        public void onError(Throwable t) {
            close();
        }

        @Override
        public void onCompleted() {
            close();
            delivery.execute(() -> {
                try {
                    out.onCompleted();
                } catch (RuntimeException ignored) {
                    // already cancelled
                }
            });
        }

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (WatchHub.Watcher w : watchers.values()) {
                w.cancel();
            }
            watchers.clear();
        }
    }
}
