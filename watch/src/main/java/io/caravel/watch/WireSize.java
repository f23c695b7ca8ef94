package io.caravel.watch;

import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyValue;

/**
 * The protobuf-encoded size of etcd's {@code WatchResponse} for a {@link WatchResponse}, computed by hand
 * so that fragmenting needs no protobuf here. Field numbers are etcd's ({@code etcdserverpb.WatchResponse},
 * {@code mvccpb.Event}, {@code mvccpb.KeyValue}); proto3 omits default values. The header, which only the
 * server fills, is counted at its largest possible size, so a fragment is never larger than etcd's.
 */
final class WireSize {
    /** {@code ResponseHeader}: four 64-bit varints of at most 10 bytes, each with a 1-byte tag. */
    static final int MAX_HEADER_BYTES = 4 * (1 + 10);

    private WireSize() {
    }

    static int of(WatchResponse r) {
        int size = lengthDelimited(MAX_HEADER_BYTES);
        size += int64Field(r.watchId());
        size += r.created() ? 2 : 0;
        size += r.canceled() ? 2 : 0;
        size += int64Field(r.compactRevision());
        if (!r.cancelReason().isEmpty()) {
            size += lengthDelimited(utf8Length(r.cancelReason()));
        }
        size += r.fragment() ? 2 : 0;
        for (Event e : r.events()) {
            size += lengthDelimited(of(e)); // field 11: a 1-byte tag
        }
        return size;
    }

    static int of(Event e) {
        int size = e.type() == Event.Type.DELETE ? 2 : 0;
        size += lengthDelimited(of(e.kv()));
        if (e.prevKv() != null) {
            size += lengthDelimited(of(e.prevKv()));
        }
        return size;
    }

    static int of(KeyValue kv) {
        return bytesField(kv.key()) + int64Field(kv.createRevision()) + int64Field(kv.modRevision())
                + int64Field(kv.version()) + bytesField(kv.value()) + int64Field(kv.lease());
    }

    /** A tag of 1 byte, the length as a varint, the content. */
    private static int lengthDelimited(int length) {
        return 1 + varintSize(length) + length;
    }

    private static int bytesField(Bytes b) {
        return b.isEmpty() ? 0 : lengthDelimited(b.size());
    }

    private static int int64Field(long v) {
        return v == 0 ? 0 : 1 + varintSize(v);
    }

    /** Negative int64s take 10 bytes (they are sign-extended, not zig-zagged). */
    static int varintSize(long v) {
        if (v < 0) {
            return 10;
        }
        int bits = 64 - Long.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
