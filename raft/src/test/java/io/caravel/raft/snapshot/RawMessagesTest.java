package io.caravel.raft.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.apache.ratis.thirdparty.io.grpc.Drainable;
import org.apache.ratis.thirdparty.io.grpc.KnownLength;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class RawMessagesTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void anOutgoingMessageAnnouncesItsLengthAndDrainsItsBytesOnce() throws IOException {
        byte[] value = bytes(20_000);
        InputStream out = RawMessages.BYTES.stream(value);

        assertThat(out).isInstanceOf(KnownLength.class).isInstanceOf(Drainable.class);
        assertThat(out.available()).isEqualTo(value.length);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThat(((Drainable) out).drainTo(sink)).isEqualTo(value.length);
        assertThat(sink.toByteArray()).isEqualTo(value);
        assertThat(out.available()).isZero();
        assertThat(out.read()).isEqualTo(-1);
    }

    @Test
    void aMessageOfKnownLengthIsParsedWhole() {
        byte[] value = bytes(20_000);
        assertThat(RawMessages.BYTES.parse(RawMessages.BYTES.stream(value))).isEqualTo(value);
        assertThat(RawMessages.BYTES.parse(RawMessages.BYTES.stream(new byte[0]))).isEmpty();
    }

    @Test
    void aMessageOfUnknownLengthIsParsedWhole() {
        byte[] value = bytes(20_000);
        assertThat(RawMessages.BYTES.parse(new ByteArrayInputStream(value))).isEqualTo(value);
    }

    @Test
    void aMessageShorterThanAnnouncedFailsAsInternal() {
        assertFailsAsInternal(new Announcing(bytes(100), 150), "message ended after 100 of its 150 bytes");
    }

    @Test
    void aMessageLongerThanAnnouncedFailsAsInternal() {
        assertFailsAsInternal(new Announcing(bytes(10_000), 4_000), "message longer than its 4000 bytes");
    }

    private static void assertFailsAsInternal(InputStream message, String why) {
        assertThatThrownBy(() -> RawMessages.BYTES.parse(message))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL))
                .hasRootCauseMessage(why);
    }

    /** A stream claiming a length of its own choosing. */
    private static final class Announcing extends ByteArrayInputStream implements KnownLength {
        private final int announced;

        Announcing(byte[] value, int announced) {
            super(value);
            this.announced = announced;
        }

        @Override
        public synchronized int available() {
            return pos == 0 ? announced : super.available();
        }
    }
}
