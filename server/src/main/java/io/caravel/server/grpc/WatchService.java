package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.raft.ResponseHeader;
import io.caravel.server.grpc.pb.WatchCreateRequest;
import io.caravel.server.grpc.pb.WatchGrpc;
import io.caravel.server.grpc.pb.WatchRequest;
import io.caravel.server.grpc.pb.WatchResponse;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import io.caravel.watch.ResponsePump;
import io.caravel.watch.WatchHub;
import io.caravel.watch.WatchStream;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code Watch} service ({@code v3rpc/watch.go}) over the node's {@link WatchHub}: one bidi stream is
 * one {@link WatchStream}, drained into the call by a {@link ResponsePump} while the call is ready (gRPC
 * flow control). Ids, refusals, ordering and progress are the hub's; this class only translates. Every
 * response carries a header (etcdctl 3.4 dereferences it) whose revision is the hub's
 * {@link io.caravel.watch.WatchResponse#revision()}.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(WatchService.class);

    private final ReplicatedKv kv;
    private final WatchHub hub;
    private final Executor executor;

    /**
     * @param executor sends the responses (each stream's drains run on it one at a time); must not run tasks
     *                 inline (dispatch runs on the hub's thread, which must not serialize every stream's
     *                 responses). A small fixed pool with a queue suits it: one event readable on many streams
     *                 queues one drain per stream, and a pool that hands each to its own thread (a cached pool)
     *                 pays a thread wake-up per stream per event
     */
    public WatchService(ReplicatedKv kv, WatchHub hub, Executor executor) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.hub = Objects.requireNonNull(hub, "hub == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responses;
        Stream s = new Stream(call);
        try {
            s.pump = ResponsePump.open(hub, executor, call::isReady, r -> call.onNext(toProto(r, kv.header(r.revision()))),
                    s::closed);
        } catch (IllegalStateException e) {
            // the hub is closed: the node is stopping
            call.onError(Status.UNAVAILABLE.withDescription(GrpcErrors.STOPPED).asRuntimeException());
            return new StreamObserver<>() {
                @Override
                public void onNext(WatchRequest value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
        call.setOnReadyHandler(s.pump::signal);
        call.setOnCancelHandler(s::cancelled);
        return s;
    }

    static WatchResponse toProto(io.caravel.watch.WatchResponse r, ResponseHeader h) {
        WatchResponse.Builder b = WatchResponse.newBuilder()
                .setHeader(WireFormat.header(h.withRevision(r.revision())))
                .setWatchId(r.watchId())
                .setCreated(r.created())
                .setCanceled(r.canceled())
                .setCompactRevision(r.compactRevision())
                .setCancelReason(r.cancelReason())
                .setFragment(r.fragment());
        for (Event e : r.events()) {
            b.addEvents(WireFormat.event(e));
        }
        return b.build();
    }

    private static final class Stream implements StreamObserver<WatchRequest> {
        private final ServerCallStreamObserver<WatchResponse> call;
        volatile ResponsePump pump;
        /** The client half-closed (complete the call once the stream is closed). */
        private volatile boolean completed;
        /** The client went away (onError, or the call was cancelled): nothing more to send. */
        private volatile boolean gone;

        Stream(ServerCallStreamObserver<WatchResponse> call) {
            this.call = call;
        }

        @Override
        public void onNext(WatchRequest request) {
            WatchStream stream = pump.stream();
            try {
                switch (request.getRequestUnionCase()) {
                    case CREATE_REQUEST -> stream.watch(create(request.getCreateRequest()));
                    case CANCEL_REQUEST -> stream.cancel(request.getCancelRequest().getWatchId());
                    case PROGRESS_REQUEST -> stream.requestProgress();
                    case REQUESTUNION_NOT_SET -> { }
                }
            } catch (IllegalStateException e) {
                // the stream is closed (the hub closed, or the call went away): onClosed ends the call
                LOG.debug("watch request on a closed stream", e);
            }
        }

        private static io.caravel.watch.WatchRequest create(WatchCreateRequest c) {
            boolean noPut = false;
            boolean noDelete = false;
            for (WatchCreateRequest.FilterType f : c.getFiltersList()) {
                if (f == WatchCreateRequest.FilterType.NOPUT) {
                    noPut = true;
                } else if (f == WatchCreateRequest.FilterType.NODELETE) {
                    noDelete = true;
                }
            }
            return new io.caravel.watch.WatchRequest(
                    new KeyRange(WireFormat.bytes(c.getKey()), WireFormat.bytes(c.getRangeEnd())),
                    c.getStartRevision(), c.getWatchId(), c.getPrevKv(), noPut, noDelete, c.getProgressNotify(),
                    c.getFragment());
        }

        @Override
        public void onError(Throwable t) {
            gone = true;
            pump.stream().close();
        }

        @Override
        public void onCompleted() {
            completed = true;
            pump.stream().close();
        }

        void cancelled() {
            gone = true;
            pump.stream().close();
        }

        /** On the pump's drain, once: the stream is closed and nothing more will come. */
        void closed() {
            if (gone) {
                return;
            }
            try {
                if (completed) {
                    call.onCompleted();
                } else {
                    // the hub closed (the node is stopping), or sending failed
                    call.onError(Status.UNAVAILABLE.withDescription(GrpcErrors.STOPPED).asRuntimeException());
                }
            } catch (RuntimeException e) {
                LOG.debug("ending a watch call failed (already cancelled?)", e);
            }
        }
    }
}
