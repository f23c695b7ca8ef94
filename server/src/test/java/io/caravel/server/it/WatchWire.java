package io.caravel.server.it;

import com.google.protobuf.ByteString;
import io.caravel.server.grpc.pb.WatchCreateRequest;
import io.caravel.server.grpc.pb.WatchGrpc;
import io.caravel.server.grpc.pb.WatchRequest;
import io.caravel.server.grpc.pb.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One etcd {@code Watch} stream on the wire (the server's own generated stubs, no client library in
 * between), for what client libraries hide: the exact created and canceled responses, the
 * {@code compact_revision} and the {@code cancel_reason} text.
 */
final class WatchWire implements AutoCloseable {
    private final ManagedChannel channel;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StreamObserver<WatchRequest> requests;

    WatchWire(int clientPort) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
        requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
                received.add(r);
            }

            @Override
            public void onError(Throwable t) {
                received.add(t);
            }

            @Override
            public void onCompleted() {
                received.add("completed");
            }
        });
    }

    /** Sends a create request for {@code key} (a prefix when {@code prefix}) from {@code startRevision}. */
    void create(String key, boolean prefix, long startRevision) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        WatchCreateRequest.Builder c = WatchCreateRequest.newBuilder().setKey(ByteString.copyFrom(k)).setStartRevision(startRevision);
        if (prefix) {
            byte[] end = k.clone();
            end[end.length - 1]++;
            c.setRangeEnd(ByteString.copyFrom(end));
        }
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(c).build());
    }

    /** The next response; fails if the stream ended or nothing came within {@code timeout}. */
    WatchResponse next(Duration timeout) throws InterruptedException {
        Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o instanceof WatchResponse r) {
            return r;
        }
        throw new AssertionError(o == null ? "no watch response within " + timeout : "the watch stream ended: " + o);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            requests.onCompleted();
        } catch (RuntimeException e) {
            // already ended
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
