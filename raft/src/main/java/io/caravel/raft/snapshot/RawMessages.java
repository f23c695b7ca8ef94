package io.caravel.raft.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.ratis.thirdparty.io.grpc.Drainable;
import org.apache.ratis.thirdparty.io.grpc.KnownLength;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * Messages as plain byte arrays, for Caravel's own methods on Ratis's (shaded) gRPC server: the checkpoint
 * download here and the leader forwarding of {@code io.caravel.raft.ForwardService}. Each side parses the
 * bytes itself (a protobuf of the unshaded runtime, or raw archive chunks).
 *
 * <p>Neither direction copies a message through a scratch buffer: an outgoing array is written to gRPC's
 * framer as it is ({@link Drainable}, with its length known up front), and an incoming message whose
 * length gRPC knows is read into an array of exactly that size. (A plain {@code InputStream} costs an
 * 8 KiB buffer per message each way, which on the leader was about a tenth of all it allocated under a
 * put load, every forwarded entry and its reply.)
 */
public final class RawMessages {
    /** Marshals a byte array as itself. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ArrayStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return readFully(stream);
            } catch (IOException e) {
                throw Status.INTERNAL.withCause(e).asRuntimeException();
            }
        }
    };

    /** A method of {@code service} whose request and response are byte arrays ({@link #BYTES}). */
    public static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String service, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /**
     * Everything left in {@code stream}: read straight into an array of the announced size when the stream
     * is a {@link KnownLength} one (whose {@code available()} is the exact remainder), else in chunks. A
     * stream that ends before or goes on past its announced length fails: its message is not what was sent.
     */
    static byte[] readFully(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] out = new byte[stream.available()];
        int read = stream.readNBytes(out, 0, out.length);
        if (read < out.length) {
            throw new IOException("message ended after " + read + " of its " + out.length + " bytes");
        }
        if (stream.read() >= 0) {
            throw new IOException("message longer than its " + out.length + " bytes");
        }
        return out;
    }

    /** An outgoing message: its length known, and drained into gRPC's framer without a copy of our own. */
    static final class ArrayStream extends ByteArrayInputStream implements KnownLength, Drainable {
        ArrayStream(byte[] value) {
            super(value);
        }

        @Override
        public synchronized int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }

    private RawMessages() {
    }
}
