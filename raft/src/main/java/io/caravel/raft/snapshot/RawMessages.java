package io.caravel.raft.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * Messages as plain byte arrays, for Caravel's own methods on Ratis's (shaded) gRPC server: the checkpoint
 * download here and the leader forwarding of {@code io.caravel.raft.ForwardService}. Each side parses the
 * bytes itself (a protobuf of the unshaded runtime, or raw archive chunks).
 */
public final class RawMessages {
    /** Marshals a byte array as itself. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
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

    private RawMessages() {
    }
}
