package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.raft.command.BatchReply;
import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.PutReply;
import io.caravel.store.Bytes;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link ProposalBatcher} with a scripted proposer standing in for Raft. */
class ProposalBatcherTest {
    private static final long FAR = Long.MAX_VALUE / 4;

    /** Records each proposed entry; the test completes the entries' futures itself. */
    private final List<Command> entries = new ArrayList<>();
    private final List<CompletableFuture<CommandReply>> outstanding = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "batcher-test-executor"));

    private synchronized CompletableFuture<CommandReply> record(Command entry) {
        entries.add(entry);
        CompletableFuture<CommandReply> f = new CompletableFuture<>();
        outstanding.add(f);
        return f;
    }

    private synchronized List<Command> entries() {
        return List.copyOf(entries);
    }

    private synchronized CompletableFuture<CommandReply> outstanding(int i) {
        return outstanding.get(i);
    }

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    private ProposalBatcher batcher(int inFlight, int maxCommands, long maxBytes) {
        return new ProposalBatcher(this::record, executor, inFlight, maxCommands, maxBytes);
    }

    private static Command put(String key) {
        return CommandCodec.encode(PutRequest.of(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)), Bytes.wrap(new byte[8])));
    }

    private static CommandReply putReply(long revision, long index) {
        return CommandReply.newBuilder().setAppliedIndex(index).setPut(PutReply.newBuilder().setRevision(revision)).build();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoneCommandIsProposedAtOnceAsItself() throws Exception {
        ProposalBatcher b = batcher(2, 100, 1 << 20);
        CompletableFuture<CommandReply> reply = b.submit(put("a"), System.nanoTime() + FAR);
        assertThat(entries()).containsExactly(put("a"));
        outstanding(0).complete(putReply(2, 7));
        assertThat(await(reply)).isEqualTo(putReply(2, 7));
        assertThat(CommandCodec.decodeResult(await(reply))).isEqualTo(new PutResult(2, null));
    }

    @Test
    void commandsArrivingWhileTheSlotsAreFullGoTogetherInArrivalOrder() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        CompletableFuture<CommandReply> first = b.submit(put("a"), System.nanoTime() + FAR);
        List<CompletableFuture<CommandReply>> queued = new ArrayList<>();
        for (String k : List.of("b", "c", "d")) {
            queued.add(b.submit(put(k), System.nanoTime() + FAR));
        }
        assertThat(entries()).hasSize(1); // the one slot is taken
        outstanding(0).complete(putReply(2, 5));
        assertThat(await(first)).isEqualTo(putReply(2, 5));
        awaitEntries(2);
        assertThat(entries().get(1)).isEqualTo(CommandCodec.batch(List.of(put("b"), put("c"), put("d"))));
        outstanding(1).complete(CommandCodec.encodeBatchResults(
                List.of(new PutResult(3, null), new PutResult(4, null), new PutResult(5, null)), 6));
        assertThat(CommandCodec.decodeResult(await(queued.get(0)))).isEqualTo(new PutResult(3, null));
        assertThat(CommandCodec.decodeResult(await(queued.get(1)))).isEqualTo(new PutResult(4, null));
        assertThat(CommandCodec.decodeResult(await(queued.get(2)))).isEqualTo(new PutResult(5, null));
        assertThat(await(queued.get(2)).getAppliedIndex()).isEqualTo(6);
    }

    @Test
    void entriesRespectTheCommandAndByteLimits() throws Exception {
        int size = put("k0").getSerializedSize();
        ProposalBatcher b = batcher(1, 3, size * 2L);
        b.submit(put("x0"), System.nanoTime() + FAR); // takes the slot
        for (int i = 0; i < 5; i++) {
            b.submit(put("k" + i), System.nanoTime() + FAR);
        }
        outstanding(0).complete(putReply(2, 2));
        awaitEntries(2);
        assertThat(entries().get(1).getBatch().getCommandsList()).containsExactly(put("k0"), put("k1"));
        outstanding(1).complete(CommandCodec.encodeBatchResults(List.of(new PutResult(3, null), new PutResult(4, null)), 3));
        awaitEntries(3);
        assertThat(entries().get(2).getBatch().getCommandsList()).containsExactly(put("k2"), put("k3"));
    }

    @Test
    void aReadWithNothingQueuedProposesABarrierAndLaterReadsNeverJoinAnEntryAlreadyProposed() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        CompletableFuture<Void> r1 = b.nextEntry();
        assertThat(entries()).hasSize(1);
        assertThat(entries().get(0).hasReadBarrier()).isTrue();
        CompletableFuture<Void> r2 = b.nextEntry(); // arrives after the barrier was proposed
        CompletableFuture<Void> r3 = b.nextEntry();
        outstanding(0).complete(CommandReply.newBuilder().setAppliedIndex(4).build());
        await(r1);
        assertThat(r2).isNotDone();
        awaitEntries(2);
        assertThat(entries().get(1).hasReadBarrier()).isTrue(); // r2 and r3 share one barrier
        outstanding(1).complete(CommandReply.newBuilder().setAppliedIndex(5).build());
        await(r2);
        await(r3);
        assertThat(entries()).hasSize(2);
    }

    @Test
    void readsRideOnQueuedWritesWithoutABarrierOfTheirOwn() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        b.submit(put("a"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> w = b.submit(put("b"), System.nanoTime() + FAR);
        CompletableFuture<Void> read = b.nextEntry();
        outstanding(0).complete(putReply(2, 2));
        awaitEntries(2);
        assertThat(entries().get(1)).isEqualTo(put("b"));
        assertThat(read).isNotDone();
        outstanding(1).complete(putReply(3, 3));
        await(read);
        await(w);
        assertThat(entries()).hasSize(2);
    }

    @Test
    void aFailedEntryFailsEachOfItsCommandsAndReadersOnceAndIsNeverResent() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        b.submit(put("a"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> w1 = b.submit(put("b"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> w2 = b.submit(put("c"), System.nanoTime() + FAR);
        CompletableFuture<Void> read = b.nextEntry();
        outstanding(0).complete(putReply(2, 2));
        awaitEntries(2);
        ClusterException lost = ClusterError.LEADER_CHANGED.exception();
        outstanding(1).completeExceptionally(lost);
        for (CompletableFuture<?> f : List.of(w1, w2, read)) {
            assertThatThrownBy(() -> await(f)).isInstanceOf(ExecutionException.class).hasCause(lost);
        }
        // the batcher goes on with new work and proposed nothing else
        CompletableFuture<CommandReply> after = b.submit(put("d"), System.nanoTime() + FAR);
        awaitEntries(3);
        assertThat(entries().get(2)).isEqualTo(put("d"));
        outstanding(2).complete(putReply(3, 4));
        assertThat(await(after)).isEqualTo(putReply(3, 4));
    }

    @Test
    void anElementTheLeaderAnsweredFailedFailsOnlyThatCommand() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        b.submit(put("a"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> ok = b.submit(put("b"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> lost = b.submit(put("c"), System.nanoTime() + FAR);
        outstanding(0).complete(putReply(2, 2));
        awaitEntries(2);
        // a forwarded batch the leader split over two of its entries, the second of which failed
        outstanding(1).complete(CommandReply.newBuilder().setAppliedIndex(3).setBatch(BatchReply.newBuilder()
                .addReplies(putReply(3, 3)).addReplies(CommandCodec.failed(ClusterError.LEADER_CHANGED))).build());
        assertThat(await(ok)).isEqualTo(putReply(3, 3));
        assertThatThrownBy(() -> await(lost)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).error()).isEqualTo(ClusterError.LEADER_CHANGED));
    }

    @Test
    void aCommandWhoseDeadlinePassedWhileQueuedIsDroppedUnsent() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        b.submit(put("a"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> late = b.submit(put("late"), System.nanoTime() - 1);
        CompletableFuture<CommandReply> onTime = b.submit(put("b"), System.nanoTime() + FAR);
        outstanding(0).complete(putReply(2, 2));
        assertThatThrownBy(() -> await(late)).hasCauseInstanceOf(ClusterException.class)
                .cause().extracting(c -> ((ClusterException) c).error()).isEqualTo(ClusterError.TIMEOUT);
        awaitEntries(2);
        assertThat(entries().get(1)).isEqualTo(put("b"));
        outstanding(1).complete(putReply(3, 3));
        await(onTime);
    }

    @Test
    void callersAreCompletedOnTheExecutorNotOnTheThreadThatCompletedTheEntry() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        CompletableFuture<String> thread = b.submit(put("a"), System.nanoTime() + FAR)
                .thenApply(r -> Thread.currentThread().getName());
        outstanding(0).complete(putReply(2, 2));
        assertThat(await(thread)).isEqualTo("batcher-test-executor");
    }

    @Test
    void commandsSubmittedTogetherToAnIdleBatcherGoInOneEntryAndAreAnsweredInOrder() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        List<CompletableFuture<CommandReply>> replies = b.submitAll(List.of(put("a"), put("b"), put("c")), System.nanoTime() + FAR);
        assertThat(entries()).containsExactly(CommandCodec.batch(List.of(put("a"), put("b"), put("c"))));
        outstanding(0).complete(CommandReply.newBuilder().setAppliedIndex(9).setBatch(BatchReply.newBuilder()
                .addReplies(putReply(2, 9)).addReplies(putReply(3, 9)).addReplies(putReply(4, 9))).build());
        assertThat(await(replies.get(0))).isEqualTo(putReply(2, 9));
        assertThat(await(replies.get(1))).isEqualTo(putReply(3, 9));
        assertThat(await(replies.get(2))).isEqualTo(putReply(4, 9));
    }

    @Test
    void aSubmissionWithOneCommandThatIsNotAMutationQueuesNothing() {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        Command publish = Command.newBuilder().setPublish(io.caravel.raft.command.PublishCmd.getDefaultInstance()).build();
        assertThatThrownBy(() -> b.submitAll(List.of(put("a"), publish), System.nanoTime() + FAR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(entries()).isEmpty();
        b.submit(put("b"), System.nanoTime() + FAR); // "a" was not left queued: it would travel with "b"
        assertThat(entries()).containsExactly(put("b"));
    }

    @Test
    void closeFailsWhatIsQueuedAndRefusesNewWork() throws Exception {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        CompletableFuture<CommandReply> inFlight = b.submit(put("a"), System.nanoTime() + FAR);
        CompletableFuture<CommandReply> queued = b.submit(put("b"), System.nanoTime() + FAR);
        CompletableFuture<Void> read = b.nextEntry();
        b.close();
        for (CompletableFuture<?> f : List.of(queued, read, b.submit(put("c"), System.nanoTime() + FAR), b.nextEntry())) {
            assertThatThrownBy(() -> await(f)).hasCauseInstanceOf(ClusterException.class)
                    .cause().extracting(c -> ((ClusterException) c).error()).isEqualTo(ClusterError.STOPPED);
        }
        outstanding(0).complete(putReply(2, 2)); // the entry in flight still completes its caller
        assertThat(await(inFlight)).isEqualTo(putReply(2, 2));
        assertThat(entries()).hasSize(1);
    }

    @Test
    void onlyStoreMutationsAreAccepted() {
        ProposalBatcher b = batcher(1, 100, 1 << 20);
        Command publish = Command.newBuilder().setPublish(io.caravel.raft.command.PublishCmd.getDefaultInstance()).build();
        assertThatThrownBy(() -> b.submit(publish, System.nanoTime() + FAR)).isInstanceOf(IllegalArgumentException.class);
        assertThat(entries()).isEmpty();
    }

    private void awaitEntries(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (entries().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " entries, got " + entries());
            }
            // the next entry is proposed on the executor: wait for it to drain
            executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
    }
}
