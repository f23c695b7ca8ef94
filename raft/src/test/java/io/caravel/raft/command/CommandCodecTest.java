package io.caravel.raft.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import io.caravel.store.Compare;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.KeyValue;
import io.caravel.store.KvError;
import io.caravel.store.Lease;
import io.caravel.store.LeaseCheckpointRequest;
import io.caravel.store.LeaseCheckpointResult;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeRequest;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
    private static final KeyValue KV = new KeyValue(Bytes.of("k"), 2, 3, 4, Bytes.wrap(new byte[] {0, (byte) 0xff}), 7);

    private static Mutation roundTrip(Mutation m) {
        byte[] wire = CommandCodec.encode(m).toByteArray();
        return CommandCodec.decode(CommandCodec.parseCommand(wire));
    }

    private static MutationResult roundTrip(MutationResult r) {
        CommandReply reply = CommandCodec.parseReply(CommandCodec.encodeResult(r, 42).toByteArray());
        assertThat(reply.getAppliedIndex()).isEqualTo(42);
        return CommandCodec.decodeResult(reply);
    }

    @Test
    void mutationsRoundTrip() {
        RangeRequest range = RangeRequest.builder(Bytes.of("a")).rangeEnd(Bytes.of("z")).limit(5).revision(9)
                .sort(RangeRequest.SortOrder.DESCEND, RangeRequest.SortTarget.MOD).keysOnly(true).countOnly(false)
                .minModRevision(1).maxModRevision(2).minCreateRevision(3).maxCreateRevision(4).build();
        TxnRequest nested = new TxnRequest(List.of(), List.of(PutRequest.of("n", "v")), List.of(range));
        List<Mutation> all = List.of(
                new PutRequest(Bytes.of("k"), Bytes.wrap(new byte[] {1, 2, 0}), 5, true, false, true),
                PutRequest.of(Bytes.of("empty"), Bytes.EMPTY),
                new DeleteRangeRequest(Bytes.of("a"), Bytes.ZERO, true),
                new TxnRequest(List.of(
                        Compare.value(Bytes.of("k"), Compare.Operator.NOT_EQUAL, Bytes.of("v")),
                        Compare.modRevision(Bytes.of("k"), Compare.Operator.LESS, 3),
                        new Compare(Bytes.of("a"), Bytes.of("b"), Compare.Target.LEASE, Compare.Operator.GREATER, 1, Bytes.EMPTY)),
                        List.of(range, PutRequest.of("x", "y"), DeleteRangeRequest.prefix(Bytes.of("p")), nested),
                        List.of(PutRequest.of("f", "g"))),
                new CompactRequest(17),
                new LeaseGrantRequest(99, 30),
                new LeaseRevokeRequest(99),
                new LeaseCheckpointRequest(List.of(new LeaseCheckpointRequest.Checkpoint(1, 2),
                        new LeaseCheckpointRequest.Checkpoint(3, 0))));
        for (Mutation m : all) {
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void decodedMutationsOwnTheirBytesThoughTheParsedCommandSharesTheLogs() {
        PutRequest put = new PutRequest(Bytes.of("key"), Bytes.of("value"), 0, false, false, false);
        byte[] wire = CommandCodec.encode(put).toByteArray();
        Command parsed = CommandCodec.parseCommand(wire);
        Mutation decoded = CommandCodec.decode(parsed);

        java.util.Arrays.fill(wire, (byte) 0);

        // the command aliases the log's bytes (no copy on parse) ...
        assertThat(parsed.getPut().getValue().toStringUtf8()).isNotEqualTo("value");
        // ... and the store's request does not: decode copied what it keeps
        assertThat(decoded).isEqualTo(put);
    }

    @Test
    void resultsRoundTrip() {
        RangeResult range = new RangeResult(List.of(KV, KV.withoutValue()), true, 10, 12);
        List<MutationResult> all = List.of(
                new PutResult(5, null),
                new PutResult(6, KV),
                new DeleteRangeResult(7, 2, List.of(KV)),
                new TxnResult(8, true, List.of(range, new PutResult(8, null), new DeleteRangeResult(8, 0, List.of()),
                        new TxnResult(8, false, List.of(range)))),
                new CompactResult(9, 4),
                new LeaseGrantResult(9, new Lease(11, 30, 0)),
                new LeaseRevokeResult(10, 3),
                new LeaseCheckpointResult(10, 2),
                new MutationResult.Rejected(KvError.LEASE_NOT_FOUND),
                new MutationResult.AlreadyApplied());
        for (MutationResult r : all) {
            assertThat(roundTrip(r)).isEqualTo(r);
        }
    }

    @Test
    void metaCommandsAreNotMutations() {
        Command publish = Command.newBuilder().setPublish(PublishCmd.newBuilder().setMemberId(1).setName("n")).build();
        assertThat(CommandCodec.decode(publish)).isNull();
    }
}
