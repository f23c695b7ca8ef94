package io.caravel.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyValue;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link WireSize} against protobuf's own encoder: the test writes etcd's messages field by field with
 * {@link CodedOutputStream} (test scope only; the module itself has no protobuf) and compares lengths.
 */
class WireSizeTest {

    @Test
    void aSmallPutResponse() {
        KeyValue kv = new KeyValue(Bytes.of("a"), 2, 2, 1, Bytes.of("1"), 0);
        WatchResponse r = WatchResponse.events(0, 2, List.of(new Event(Event.Type.PUT, kv, null)));
        // header 1+1+44, events: tag 1 + len 1 + (kv: tag 1 + len 1 + 12)
        assertThat(WireSize.of(r)).isEqualTo(46 + 16);
    }

    @Property(tries = 300)
    void matchesProtobufsEncoding(@ForAll("responses") WatchResponse r) throws Exception {
        assertThat(WireSize.of(r)).isEqualTo(encodedLength(r) + (1 + 1 + WireSize.MAX_HEADER_BYTES));
    }

    @Provide
    Arbitrary<WatchResponse> responses() {
        Arbitrary<Long> revs = Arbitraries.oneOf(Arbitraries.longs().between(0, 300),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(Long.MIN_VALUE, -1));
        Arbitrary<Bytes> bytes = Arbitraries.integers().between(0, 300).map(n -> Bytes.wrap(new byte[n]));
        Arbitrary<KeyValue> kvs = Combinators.combine(bytes, revs, revs, revs, bytes, revs).as(KeyValue::new);
        Arbitrary<Event> events = Combinators.combine(Arbitraries.of(Event.Type.class), kvs, kvs.injectNull(0.5))
                .as(Event::new);
        return Combinators.combine(revs, events.list().ofMaxSize(5), Arbitraries.of(true, false),
                        Arbitraries.of(true, false), revs, Arbitraries.strings().ofMaxLength(60), Arbitraries.of(true, false))
                .as((id, evs, created, canceled, compact, reason, fragment) ->
                        new WatchResponse(id, 0, evs, created, canceled, compact, reason, fragment));
    }

    /** etcdserverpb.WatchResponse without its header. */
    private static int encodedLength(WatchResponse r) throws Exception {
        byte[] buf = new byte[1 << 20];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        if (r.watchId() != 0) {
            out.writeInt64(2, r.watchId());
        }
        if (r.created()) {
            out.writeBool(3, true);
        }
        if (r.canceled()) {
            out.writeBool(4, true);
        }
        if (r.compactRevision() != 0) {
            out.writeInt64(5, r.compactRevision());
        }
        if (!r.cancelReason().isEmpty()) {
            out.writeString(6, r.cancelReason());
        }
        if (r.fragment()) {
            out.writeBool(7, true);
        }
        for (Event e : r.events()) {
            out.writeByteArray(11, event(e));
        }
        out.flush();
        return out.getTotalBytesWritten();
    }

    private static byte[] event(Event e) throws Exception {
        byte[] buf = new byte[1 << 20];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        if (e.type() == Event.Type.DELETE) {
            out.writeEnum(1, 1);
        }
        out.writeByteArray(2, kv(e.kv()));
        if (e.prevKv() != null) {
            out.writeByteArray(3, kv(e.prevKv()));
        }
        out.flush();
        return Arrays.copyOf(buf, out.getTotalBytesWritten());
    }

    private static byte[] kv(KeyValue kv) throws Exception {
        byte[] buf = new byte[1 << 20];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        if (!kv.key().isEmpty()) {
            out.writeBytes(1, ByteString.copyFrom(kv.key().unsafeArray()));
        }
        if (kv.createRevision() != 0) {
            out.writeInt64(2, kv.createRevision());
        }
        if (kv.modRevision() != 0) {
            out.writeInt64(3, kv.modRevision());
        }
        if (kv.version() != 0) {
            out.writeInt64(4, kv.version());
        }
        if (!kv.value().isEmpty()) {
            out.writeBytes(5, ByteString.copyFrom(kv.value().unsafeArray()));
        }
        if (kv.lease() != 0) {
            out.writeInt64(6, kv.lease());
        }
        out.flush();
        return Arrays.copyOf(buf, out.getTotalBytesWritten());
    }
}
