package io.caravel.raft.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a store checkpoint from one member to another over Ratis's own (shaded) gRPC server, added
 * to it through Ratis's services customizer: no extra port. One server-streaming method,
 * {@code caravel.raft.Checkpoint/Download}, whose response chunks concatenate to a
 * {@link CheckpointArchive}. The server side respects gRPC flow control (it waits until the stream is
 * ready before sending the next chunk), so a large store is never buffered in memory.
 */
public final class CheckpointService {
    private static final Logger log = LoggerFactory.getLogger(CheckpointService.class);
    private static final int CHUNK = 1 << 20;

    /** Produces a checkpoint directory to stream; the service deletes it afterwards. */
    @FunctionalInterface
    public interface Source {
        Path checkpoint() throws IOException;
    }

    /** Deletes a directory tree. */
    @FunctionalInterface
    public interface Cleaner {
        void delete(Path dir) throws IOException;
    }

    static final MethodDescriptor<byte[], byte[]> DOWNLOAD =
            RawMessages.method(MethodDescriptor.MethodType.SERVER_STREAMING, "caravel.raft.Checkpoint", "Download");

    private CheckpointService() {
    }

    /** The service definition; {@code executor} runs the (blocking) streaming of each download. */
    public static ServerServiceDefinition definition(Source source, Cleaner cleaner, Executor executor) {
        return ServerServiceDefinition.builder("caravel.raft.Checkpoint")
                .addMethod(DOWNLOAD, ServerCalls.asyncServerStreamingCall((request, observer) -> {
                    // The ready handler may only be set during this initial call.
                    ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) observer;
                    Object ready = new Object();
                    out.setOnReadyHandler(() -> {
                        synchronized (ready) {
                            ready.notifyAll();
                        }
                    });
                    executor.execute(() -> serve(source, cleaner, out, ready));
                }))
                .build();
    }

    private static void serve(Source source, Cleaner cleaner, ServerCallStreamObserver<byte[]> out, Object ready) {
        Path dir = null;
        try {
            dir = source.checkpoint();
            try (OutputStream chunks = new ChunkStream(out, ready)) {
                CheckpointArchive.write(dir, chunks);
            }
            out.onCompleted();
        } catch (IOException | RuntimeException e) {
            log.warn("checkpoint download failed: {}", e.toString());
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        } finally {
            if (dir != null) {
                try {
                    cleaner.delete(dir);
                } catch (IOException e) {
                    log.warn("cannot delete checkpoint {}: {}", dir, e.toString());
                }
            }
        }
    }

    /** Buffers writes into chunks and sends each once the stream is ready. */
    private static final class ChunkStream extends OutputStream {
        private final ServerCallStreamObserver<byte[]> out;
        private final Object ready;
        private byte[] buf = new byte[CHUNK];
        private int n;

        ChunkStream(ServerCallStreamObserver<byte[]> out, Object ready) {
            this.out = out;
            this.ready = ready;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                send();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) {
                    send();
                }
                int c = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, c);
                n += c;
                off += c;
                len -= c;
            }
        }

        private void send() throws IOException {
            if (n == 0) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            synchronized (ready) {
                while (!out.isReady()) {
                    if (out.isCancelled()) {
                        throw new IOException("download cancelled by the receiver");
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("receiver stalled");
                    }
                    try {
                        ready.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
            out.onNext(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
            buf = new byte[CHUNK];
            n = 0;
        }

        @Override
        public void close() throws IOException {
            send();
        }
    }

    /** Downloads the checkpoint of the member at {@code address} (host:port) into {@code target}. */
    public static void download(String address, Path target, Duration timeout) throws IOException {
        ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext()
                .maxInboundMessageSize(CHUNK * 2).build();
        try {
            Iterator<byte[]> chunks = ClientCalls.blockingServerStreamingCall(channel, DOWNLOAD,
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), new byte[0]);
            try (InputStream in = new ChunkInput(chunks)) {
                CheckpointArchive.read(in, target);
            }
        } catch (RuntimeException e) {
            throw new IOException("download from " + address + " failed: " + e.getMessage(), e);
        } finally {
            channel.shutdownNow();
        }
    }

    private static final class ChunkInput extends InputStream {
        private final Iterator<byte[]> chunks;
        private byte[] cur = new byte[0];
        private int pos;

        ChunkInput(Iterator<byte[]> chunks) {
            this.chunks = chunks;
        }

        private boolean fill() {
            while (pos == cur.length) {
                if (!chunks.hasNext()) {
                    return false;
                }
                cur = chunks.next();
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? cur[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int c = Math.min(len, cur.length - pos);
            System.arraycopy(cur, pos, b, off, c);
            pos += c;
            return c;
        }
    }
}
