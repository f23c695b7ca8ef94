package io.caravel.raft;

import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.ReadBarrierCmd;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Group commit for one member: store mutations proposed concurrently on this member travel together as
 * one Raft entry ({@code BatchCmd}), so that one log append, one replication round, one fsync per member
 * and one store write serve all of them; linearizable reads ride on the same entries.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>At most {@code maxInFlight} entries of this batcher are outstanding. Whatever arrives meanwhile
 *       queues and goes, in arrival order, in the next entry; so a lone request is proposed at once and
 *       entries grow with the load. An entry holds at most {@code maxCommands} commands and, when it holds
 *       more than one, at most {@code maxBytes} of encoded commands.</li>
 *   <li>A command is proposed at most once. A failed entry fails each of its commands with the entry's
 *       error (to the caller an unknown outcome); nothing is ever resent from here. A command whose
 *       deadline passed while it queued is dropped unsent and failed with {@link ClusterError#TIMEOUT}. An element
 *       of a batch reply marked {@code failed} (a forwarded command that failed on the leader, see
 *       {@link ForwardService}) fails only that command, with the error named.</li>
 *   <li>{@link #nextEntry()} completes once an entry proposed after the call has been applied on this
 *       member: a read barrier. It adds a {@link ReadBarrierCmd} entry only when no command is queued.</li>
 *   <li>An entry is proposed on the thread that made it ready: the submitting one when a slot is free, else
 *       the executor's thread that finished the entry before. The proposer decides where the entry enters
 *       Raft (on the leader it hands off from the peer port's event loops: {@link RatisReplicatedKv#propose}).</li>
 *   <li>Callers' futures are completed on {@code executor}, never on the thread that completed the entry
 *       (on the leader that is Ratis's apply thread, which must not run the callers' continuations).</li>
 * </ul>
 * Thread-safe.
 */
final class ProposalBatcher implements AutoCloseable {
    private static final Command READ_BARRIER = Command.newBuilder().setReadBarrier(ReadBarrierCmd.getDefaultInstance()).build();

    /** Proposes one entry exactly once; completes with its reply once this member has applied it. */
    @FunctionalInterface
    interface EntryProposer {
        CompletableFuture<CommandReply> propose(Command entry);
    }

    private record Pending(Command command, long deadlineNanos, CompletableFuture<CommandReply> reply) {
    }

    /** One entry's worth: its commands (maybe none) and the readers waiting for it (maybe null). */
    private record Batch(List<Pending> commands, CompletableFuture<Void> readers) {
    }

    private final EntryProposer proposer;
    private final Executor executor;
    private final int maxInFlight;
    private final int maxCommands;
    private final long maxBytes;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
    private CompletableFuture<Void> readers; // guarded by this: waiting for an entry not yet taken
    private int inFlight; // guarded by this
    private boolean closed; // guarded by this
    private long entriesProposed; // guarded by this
    private long requestsProposed; // guarded by this

    ProposalBatcher(EntryProposer proposer, Executor executor, int maxInFlight, int maxCommands, long maxBytes) {
        this.proposer = Objects.requireNonNull(proposer, "proposer == null");
        this.executor = Objects.requireNonNull(executor, "executor == null");
        if (maxInFlight < 1 || maxCommands < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxInFlight + ", " + maxCommands + ", " + maxBytes);
        }
        this.maxInFlight = maxInFlight;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues a store mutation's command; completes with its own reply (for a batched command, its element
     * of the batch's reply) once this member has applied it.
     */
    CompletableFuture<CommandReply> submit(Command command, long deadlineNanos) {
        return submitAll(List.of(command), deadlineNanos).get(0);
    }

    /**
     * Queues store mutations' commands together, in order, so that an idle batcher proposes them in one entry
     * (within the entry limits); the replies are in the commands' order, each as {@link #submit}'s. Queues
     * nothing when one of them is not a store mutation.
     */
    List<CompletableFuture<CommandReply>> submitAll(List<Command> commands, long deadlineNanos) {
        List<Pending> pending = new ArrayList<>(commands.size());
        for (Command c : commands) {
            if (!CommandCodec.isMutation(c)) {
                throw new IllegalArgumentException("only store mutations are batched, not " + c.getKindCase());
            }
            pending.add(new Pending(c, deadlineNanos, new CompletableFuture<>()));
        }
        List<CompletableFuture<CommandReply>> replies = new ArrayList<>(pending.size());
        synchronized (this) {
            if (closed) {
                for (int i = 0; i < pending.size(); i++) {
                    replies.add(CompletableFuture.failedFuture(ClusterError.STOPPED.exception()));
                }
                return replies;
            }
            queue.addAll(pending);
        }
        for (Pending p : pending) {
            replies.add(p.reply());
        }
        proposeReady();
        return replies;
    }

    /** Completes once an entry proposed by this batcher after the call has been applied on this member. */
    CompletableFuture<Void> nextEntry() {
        CompletableFuture<Void> f;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
            }
            if (readers == null) {
                readers = new CompletableFuture<>();
            }
            f = readers;
        }
        proposeReady();
        return f;
    }

    /** Entries proposed so far and the requests they carried, with {@code readIndexRounds} added. */
    synchronized ProposalCounts counts(long readIndexRounds) {
        return new ProposalCounts(entriesProposed, requestsProposed, readIndexRounds);
    }

    /** Fails everything queued with {@link ClusterError#STOPPED}; entries in flight complete as they will. */
    @Override
    public void close() {
        List<Pending> dropped;
        CompletableFuture<Void> waiting;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            waiting = readers;
            readers = null;
        }
        for (Pending p : dropped) {
            p.reply().completeExceptionally(ClusterError.STOPPED.exception());
        }
        if (waiting != null) {
            waiting.completeExceptionally(ClusterError.STOPPED.exception());
        }
    }

    /** Takes as many entries as free slots allow and proposes them on this thread. */
    private void proposeReady() {
        List<Batch> ready = new ArrayList<>(1);
        List<Pending> expired = new ArrayList<>(0);
        synchronized (this) {
            while (!closed && inFlight < maxInFlight && (!queue.isEmpty() || readers != null)) {
                Batch b = take(expired);
                if (b != null) {
                    inFlight++;
                    entriesProposed++;
                    requestsProposed += b.commands().size();
                    ready.add(b);
                }
            }
        }
        for (Pending p : expired) {
            p.reply().completeExceptionally(ClusterError.TIMEOUT.exception());
        }
        for (Batch b : ready) {
            propose(b);
        }
    }

    /** The next entry's commands and readers; null when everything taken had expired and no reader waits. */
    private Batch take(List<Pending> expired) {
        List<Pending> commands = new ArrayList<>(Math.min(queue.size(), maxCommands));
        long bytes = 0;
        long now = System.nanoTime();
        while (!queue.isEmpty() && commands.size() < maxCommands) {
            Pending p = queue.peek();
            if (now - p.deadlineNanos() > 0) {
                expired.add(queue.poll());
                continue;
            }
            int size = p.command().getSerializedSize();
            if (!commands.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            commands.add(queue.poll());
            bytes += size;
        }
        CompletableFuture<Void> r = readers;
        readers = null;
        return commands.isEmpty() && r == null ? null : new Batch(commands, r);
    }

    private void propose(Batch b) {
        Command entry = switch (b.commands().size()) {
            case 0 -> READ_BARRIER;
            case 1 -> b.commands().get(0).command();
            default -> CommandCodec.batch(b.commands().stream().map(Pending::command).toList());
        };
        CompletableFuture<CommandReply> sent;
        try {
            sent = proposer.propose(entry);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, err) -> {
            try {
                executor.execute(() -> finished(b, reply, err));
            } catch (RejectedExecutionException e) {
                finished(b, null, ClusterError.STOPPED.exception());
            }
        });
    }

    private void finished(Batch b, CommandReply reply, Throwable err) {
        synchronized (this) {
            inFlight--;
        }
        proposeReady(); // keep the pipeline full before running the callers' continuations
        Throwable failure = err;
        if (failure == null && b.commands().size() > 1 && reply.getBatch().getRepliesCount() != b.commands().size()) {
            failure = new IllegalStateException("a batch of " + b.commands().size() + " got "
                    + reply.getBatch().getRepliesCount() + " replies");
        }
        for (int i = 0; i < b.commands().size(); i++) {
            CompletableFuture<CommandReply> f = b.commands().get(i).reply();
            CommandReply r = failure != null ? null : b.commands().size() == 1 ? reply : reply.getBatch().getReplies(i);
            if (failure != null) {
                f.completeExceptionally(failure);
            } else if (r.getResultCase() == CommandReply.ResultCase.FAILED) {
                f.completeExceptionally(CommandCodec.failure(r)); // forwarded, and failed on the leader
            } else {
                f.complete(r);
            }
        }
        if (b.readers() != null) {
            if (failure != null) {
                b.readers().completeExceptionally(failure);
            } else {
                b.readers().complete(null);
            }
        }
    }
}
