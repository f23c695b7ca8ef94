package io.caravel.raft.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.Query;
import io.caravel.raft.command.QueryReply;
import io.caravel.store.ApplyResult;
import io.caravel.store.Mutation;
import io.caravel.store.MvccStore;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state machine alone, on a real RocksDB store, fed hand-made log entries (no Ratis server). */
class KvStateMachineTest {
    @TempDir
    Path dir;

    /** Records what the state machine reports. */
    static final class Recorder implements KvStateMachine.Hooks {
        final List<Mutation> applied = new ArrayList<>();
        final List<String> fatal = new ArrayList<>();

        @Override
        public void applied(Mutation mutation, ApplyResult result) {
            applied.add(mutation);
        }

        @Override
        public void metaChanged() {
        }

        @Override
        public CompletableFuture<QueryReply> leaseQuery(Query query) {
            return CompletableFuture.completedFuture(QueryReply.getDefaultInstance());
        }

        @Override
        public void leaderReady() {
        }

        @Override
        public void leaderChanged(RaftPeerId leaderId) {
        }

        @Override
        public void configurationChanged(RaftConfigurationProto conf) {
        }

        @Override
        public void storeReplaced() {
        }

        @Override
        public void fatal(String what, Throwable cause) {
            fatal.add(what);
        }
    }

    private KvStateMachine open(Recorder hooks) {
        KvStateMachine sm = new KvStateMachine(dir, StoreOptions.defaults(), hooks, (role, target) -> {
            throw new java.io.IOException("no leader in this test");
        });
        sm.openStore();
        return sm;
    }

    private static TransactionContext entry(KvStateMachine sm, long term, long index, byte[] data) {
        LogEntryProto e = LogEntryProto.newBuilder().setTerm(term).setIndex(index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
                .build();
        return TransactionContext.newBuilder().setStateMachine(sm).setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(e).build();
    }

    private static CommandReply apply(KvStateMachine sm, long term, long index, Command c) throws Exception {
        Message m = sm.applyTransaction(entry(sm, term, index, c.toByteArray())).get(10, TimeUnit.SECONDS);
        return CommandCodec.parseReply(m.getContent().toByteArray());
    }

    @Test
    void appliesInOrderSkipsReplaysAndSurvivesReopen() throws Exception {
        Recorder hooks = new Recorder();
        KvStateMachine sm = open(hooks);
        Command put = CommandCodec.encode(PutRequest.of("k", "v"));
        CommandReply r = apply(sm, 1, 1, put);
        assertThat(CommandCodec.decodeResult(r)).isEqualTo(new PutResult(2, null));
        assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(1);

        // A configuration entry advances the store's position too.
        sm.notifyTermIndexUpdated(1, 2);
        assertThat(sm.withStore(MvccStore::appliedPosition).index()).isEqualTo(2);

        // A replay of an applied index changes nothing, but lastApplied still moves along.
        CommandReply again = apply(sm, 1, 2, put);
        assertThat(again.getAlreadyApplied()).isTrue();
        assertThat(sm.withStore(MvccStore::currentRevision)).isEqualTo(2);
        assertThat(apply(sm, 1, 3, put).getPut().getRevision()).isEqualTo(3);

        assertThat(sm.takeSnapshot()).isEqualTo(3);
        assertThat(sm.getLatestSnapshot().getIndex()).isEqualTo(3);
        assertThat(sm.waitApplied(3).isDone()).isTrue();
        assertThat(sm.waitApplied(4).isDone()).isFalse();
        sm.close();

        KvStateMachine reopened = open(new Recorder());
        assertThat(reopened.getLastAppliedTermIndex().getIndex()).isEqualTo(3);
        assertThat(reopened.getLatestSnapshot().getIndex()).isEqualTo(3);
        assertThat(reopened.withStore(MvccStore::currentRevision)).isEqualTo(3);
        reopened.close();
        assertThat(hooks.applied).hasSize(2);
        assertThat(hooks.fatal).isEmpty();
    }

    @Test
    void anUndecodableCommittedEntryIsFatal() {
        Recorder hooks = new Recorder();
        KvStateMachine sm = open(hooks);
        TransactionContext bad = entry(sm, 1, 1, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        assertThatThrownBy(() -> sm.applyTransaction(bad)).isInstanceOf(RuntimeException.class);
        assertThat(hooks.fatal).hasSize(1);
        assertThat(sm.getLastAppliedTermIndex().getIndex()).isZero();
    }

    @Test
    void aReadBarrierEntryChangesNothingButAdvancesThePosition() throws Exception {
        Recorder hooks = new Recorder();
        KvStateMachine sm = open(hooks);
        apply(sm, 1, 1, CommandCodec.encode(PutRequest.of("k", "v")));
        Command barrier = Command.newBuilder().setReadBarrier(io.caravel.raft.command.ReadBarrierCmd.getDefaultInstance()).build();
        CommandReply reply = apply(sm, 1, 2, barrier);
        assertThat(reply.getAppliedIndex()).isEqualTo(2);
        assertThat(sm.withStore(MvccStore::appliedPosition).index()).isEqualTo(2);
        assertThat(sm.withStore(MvccStore::currentRevision)).as("a barrier makes no revision").isEqualTo(2);
        sm.close();
    }

    @Test
    void aBatchEntryAppliesEachMutationAsItsOwnRevisionInOneWriteAndAnswersEachInOrder() throws Exception {
        Recorder hooks = new Recorder();
        KvStateMachine sm = open(hooks);
        List<Mutation> mutations = List.of(PutRequest.of("a", "1"), new io.caravel.store.LeaseGrantRequest(7, 60),
                PutRequest.of("b", "2").withLease(7), PutRequest.of("", "no key"), PutRequest.of("a", "3"));
        Command batch = CommandCodec.batch(mutations.stream().map(CommandCodec::encode).toList());
        CommandReply reply = apply(sm, 2, 5, batch);
        assertThat(reply.getAppliedIndex()).isEqualTo(5);
        assertThat(reply.getBatch().getRepliesList()).extracting(CommandCodec::decodeResult).containsExactly(
                new PutResult(2, null),
                new io.caravel.store.LeaseGrantResult(2, new io.caravel.store.Lease(7, 60, 0)),
                new PutResult(3, null),
                new io.caravel.store.MutationResult.Rejected(io.caravel.store.KvError.KEY_NOT_PROVIDED),
                new PutResult(4, null));
        assertThat(hooks.applied).containsExactlyElementsOf(mutations);
        assertThat(sm.withStore(MvccStore::appliedPosition)).isEqualTo(new io.caravel.store.LogPosition(2, 5));
        assertThat(sm.withStore(MvccStore::currentRevision)).isEqualTo(4);

        // A replay of the batch changes nothing and tells the hooks nothing.
        CommandReply again = apply(sm, 2, 5, batch);
        assertThat(again.getBatch().getRepliesList()).allMatch(CommandReply::getAlreadyApplied).hasSize(5);
        assertThat(hooks.applied).hasSize(5);
        assertThat(sm.withStore(MvccStore::currentRevision)).isEqualTo(4);
        assertThat(hooks.fatal).isEmpty();
        sm.close();
    }

    @Test
    void aBatchHoldingSomethingOtherThanMutationsIsACorruptEntry() throws Exception {
        Recorder hooks = new Recorder();
        KvStateMachine sm = open(hooks);
        Command barrier = Command.newBuilder().setReadBarrier(io.caravel.raft.command.ReadBarrierCmd.getDefaultInstance()).build();
        assertThatThrownBy(() -> CommandCodec.batch(List.of(CommandCodec.encode(PutRequest.of("a", "1")), barrier)))
                .isInstanceOf(IllegalArgumentException.class);
        Command forged = Command.newBuilder().setBatch(io.caravel.raft.command.BatchCmd.newBuilder()
                .addCommands(CommandCodec.encode(PutRequest.of("a", "1"))).addCommands(barrier)).build();
        assertThatThrownBy(() -> sm.applyTransaction(entry(sm, 1, 1, forged.toByteArray()))).isInstanceOf(IllegalArgumentException.class);
        assertThat(hooks.fatal).hasSize(1);
        assertThat(sm.withStore(MvccStore::currentRevision)).as("nothing of it applied").isEqualTo(1);
        sm.close();
    }

    @Test
    void theReportedSnapshotLagsTheDurablePositionByTheRetentionAndARestartReplaysFromIt() throws Exception {
        long[] now = {0};
        java.util.function.Supplier<KvStateMachine> open = () -> {
            KvStateMachine m = new KvStateMachine(dir, StoreOptions.defaults(), new Recorder(), (role, target) -> {
                throw new java.io.IOException("no leader in this test");
            }, java.time.Duration.ofSeconds(60), 2, () -> now[0]);
            m.openStore();
            return m;
        };
        KvStateMachine sm = open.get();
        for (int i = 1; i <= 4; i++) {
            apply(sm, 1, i, CommandCodec.encode(PutRequest.of("k", "v" + i)));
        }
        assertThat(sm.takeSnapshot()).as("the store is durable at 4, but not for 60 s yet").isZero();
        now[0] += TimeUnit.SECONDS.toNanos(61);
        apply(sm, 1, 5, CommandCodec.encode(PutRequest.of("k", "v5")));
        assertThat(sm.takeSnapshot()).as("the flush at 4 is now old enough").isEqualTo(4);
        assertThat(sm.getLatestSnapshot().getIndex()).isEqualTo(4);
        apply(sm, 1, 6, CommandCodec.encode(PutRequest.of("k", "v6")));
        assertThat(sm.takeSnapshot()).as("flushed at 6, still replaying from 4").isEqualTo(4);
        sm.close();

        KvStateMachine reopened = open.get();
        assertThat(reopened.getLatestSnapshot().getIndex()).isEqualTo(4);
        assertThat(reopened.getLastAppliedTermIndex().getIndex()).as("Ratis replays 5 and 6").isEqualTo(4);
        assertThat(reopened.withStore(MvccStore::appliedPosition).index()).isEqualTo(6);
        assertThat(apply(reopened, 1, 5, CommandCodec.encode(PutRequest.of("k", "v5"))).getAlreadyApplied()).isTrue();
        assertThat(apply(reopened, 1, 6, CommandCodec.encode(PutRequest.of("k", "v6"))).getAlreadyApplied()).isTrue();
        assertThat(reopened.withStore(MvccStore::currentRevision)).as("nothing applied twice").isEqualTo(7);
        assertThat(apply(reopened, 1, 7, CommandCodec.encode(PutRequest.of("k", "v7"))).getPut().getRevision()).isEqualTo(8);
        reopened.close();
    }
}
