package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.LeaseGrantRequest;
import io.caravel.server.grpc.pb.LeaseGrantResponse;
import io.caravel.server.grpc.pb.LeaseGrpc;
import io.caravel.server.grpc.pb.LeaseKeepAliveRequest;
import io.caravel.server.grpc.pb.LeaseKeepAliveResponse;
import io.caravel.server.grpc.pb.LeaseLeasesRequest;
import io.caravel.server.grpc.pb.LeaseLeasesResponse;
import io.caravel.server.grpc.pb.LeaseRevokeRequest;
import io.caravel.server.grpc.pb.LeaseRevokeResponse;
import io.caravel.server.grpc.pb.LeaseStatus;
import io.caravel.server.grpc.pb.LeaseTimeToLiveRequest;
import io.caravel.server.grpc.pb.LeaseTimeToLiveResponse;
import io.caravel.store.Bytes;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's {@code Lease} service ({@code v3rpc/lease.go}). KeepAlive is a bidi stream answering each
 * request in order; an unknown or expired lease is answered with TTL 0, not an error; TimeToLive of an
 * unknown lease answers TTL -1. Thread-safe; never blocks a gRPC thread.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final ReplicatedKv kv;

    public LeaseService(ReplicatedKv kv) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        Replies.call(() -> kv.leaseGrant(request.getID(), request.getTTL()), observer,
                r -> LeaseGrantResponse.newBuilder()
                        .setHeader(WireFormat.header(kv.header(r.revision())))
                        .setID(r.lease().id())
                        .setTTL(r.lease().ttlSeconds())
                        .build());
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        Replies.call(() -> kv.leaseRevoke(request.getID()), observer,
                r -> LeaseRevokeResponse.newBuilder().setHeader(WireFormat.header(kv.header(r.revision()))).build());
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        Replies.call(() -> kv.leaseTimeToLive(request.getID(), request.getKeys()), observer, s -> {
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(WireFormat.header(kv.header()))
                    .setID(request.getID())
                    .setTTL(s.remainingTtlSeconds())
                    .setGrantedTTL(s.grantedTtlSeconds());
            for (Bytes k : s.keys()) {
                b.addKeys(WireFormat.byteString(k));
            }
            return b.build();
        });
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        Replies.call(kv::leases, observer, ids -> {
            LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder().setHeader(WireFormat.header(kv.header()));
            for (long id : ids) {
                b.addLeases(LeaseStatus.newBuilder().setID(id));
            }
            return b.build();
        });
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        ServerCallStreamObserver<LeaseKeepAliveResponse> out = (ServerCallStreamObserver<LeaseKeepAliveResponse>) responses;
        return new StreamObserver<>() {
            // Each renewal is chained on the previous one so that responses leave in request order.
            private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
            private boolean done;

            @Override
            public synchronized void onNext(LeaseKeepAliveRequest request) {
                if (done) {
                    return;
                }
                long id = request.getID();
                last = last.thenCompose(ignored -> kv.leaseKeepAlive(id))
                        .thenAccept(ttl -> send(LeaseKeepAliveResponse.newBuilder()
                                .setHeader(WireFormat.header(kv.header()))
                                .setID(id)
                                .setTTL(Math.max(ttl, 0))
                                .build()))
                        .exceptionally(this::fail);
            }

            private void send(LeaseKeepAliveResponse response) {
                synchronized (this) {
                    if (done || out.isCancelled()) {
                        return;
                    }
                    out.onNext(response);
                }
            }

            private Void fail(Throwable error) {
                synchronized (this) {
                    if (!done) {
                        done = true;
                        if (!out.isCancelled()) {
                            out.onError(GrpcErrors.toException(error));
                        }
                    }
                }
                // Stop the chain: later requests are dropped once the stream failed.
                throw new java.util.concurrent.CompletionException(error);
            }

            @Override
            public void onError(Throwable t) {
                synchronized (this) {
                    done = true;
                }
            }

            @Override
            public void onCompleted() {
                last.whenComplete((v, e) -> {
                    synchronized (this) {
                        if (!done) {
                            done = true;
                            out.onCompleted();
                        }
                    }
                });
            }
        };
    }
}
