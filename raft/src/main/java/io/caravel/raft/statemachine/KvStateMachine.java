package io.caravel.raft.statemachine;

import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.EmptyReply;
import io.caravel.raft.command.Query;
import io.caravel.raft.command.QueryReply;
import io.caravel.raft.snapshot.FileTrees;
import io.caravel.store.ApplyResult;
import io.caravel.store.CommitListener;
import io.caravel.store.MutationResult;
import io.caravel.store.LogPosition;
import io.caravel.store.Mutation;
import io.caravel.store.MvccStore;
import io.caravel.store.StoreOptions;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine over the {@link MvccStore}.
 *
 * <h2>Apply</h2>
 * Entries are applied synchronously on Ratis's single updater thread, in log order. Each entry is one
 * {@link MvccStore#applyAll} call, which writes the entry's changes and its (term, index) in ONE RocksDB
 * write batch; an entry at or below the store's applied position is skipped by the store (the
 * idempotency guard that makes restart and snapshot install safe). A {@code BatchCmd} entry (several
 * client requests proposed together, see {@code ProposalBatcher}) is one such call with all its mutations,
 * each its own revision, and its reply carries one result per mutation. Configuration and metadata entries,
 * which carry no command, advance the store's position with an empty batch, so that the store's
 * position always equals Ratis's applied index and a snapshot never claims an index the store does not
 * hold. Expected outcomes (a failed compare, a compacted revision) are values in the reply; a storage
 * failure or an undecodable committed entry is fatal: it is reported to {@link Hooks#fatal} and rethrown,
 * which makes Ratis close the server.
 *
 * <h2>Snapshots</h2>
 * The live RocksDB is the snapshot. The store runs without RocksDB's WAL (the Raft log is the write-ahead
 * log): applied entries are durable once RocksDB flushes them. {@link #takeSnapshot} makes the store durable
 * ({@link RocksMvccStore#sync}) and returns the applied index, so Ratis may purge its log up to it; after a
 * crash the store reopens at a flushed position at or after that index and Ratis replays the rest.
 *
 * <h2>Resends after a restart</h2>
 * A Raft client resends a request it got no answer for, with the same call id, for up to about a minute;
 * Ratis's retry cache answers such a resend instead of appending it again. That cache lives in memory and
 * is rebuilt from the entries Ratis replays at startup, so an entry below the snapshot index Ratis starts
 * from would be forgotten, and a resend of it applied twice. Hence the snapshot index reported to Ratis
 * ({@link #takeSnapshot}, {@link #getLatestSnapshot}) is not the store's durable position but a durable
 * position at least {@code logRetention} old (persisted in {@value #REPLAY_FROM_FILE} beside the store):
 * Ratis keeps its log from there, and after a restart replays it — the store skips what it already holds,
 * and the retry cache learns every call id a client may still resend. The store is flushed only every
 * {@code flushEvery} entries, as before, even though Ratis asks for a snapshot more often while the
 * reported index lags. A replayed entry's reply is "already applied".
 *
 * <h2>Catch-up</h2>
 * Lagging followers are caught up in Ratis's
 * notification mode: {@link #notifyInstallSnapshotFromLeader} downloads a RocksDB checkpoint from the
 * leader through the {@link CheckpointFetcher}, verifies it is ahead of the local store, and
 * {@link #reinitialize} swaps it in (on the updater thread, while apply is paused).
 *
 * <h2>Directories</h2>
 * The store lives in {@code <data-dir>/store}, outside Ratis's storage directory
 * ({@code <data-dir>/raft}), so that nothing Ratis does to its own directory can touch it.
 */
public final class KvStateMachine extends BaseStateMachine {
    /** The replay point ("term index"), beside the store in the data directory; never shipped with checkpoints. */
    static final String REPLAY_FROM_FILE = "replay-from";
    private static final Logger log = LoggerFactory.getLogger(KvStateMachine.class);

    /** What the node around the state machine wants to hear about. Called on the thread noted. */
    public interface Hooks {
        /** A store mutation was applied (apply thread; must be quick). */
        void applied(Mutation mutation, ApplyResult result);

        /** The cluster meta (member attributes, alarms) changed (apply thread). */
        void metaChanged();

        /** Answers a lease query, maybe later; called only where {@link #query} is called (any thread). */
        CompletableFuture<QueryReply> leaseQuery(Query query);

        /** This member became the leader and applied every entry of earlier terms (apply thread). */
        void leaderReady();

        /** The leader changed ({@code leaderId} null when unknown). */
        void leaderChanged(RaftPeerId leaderId);

        /** A configuration entry was applied (apply thread). */
        void configurationChanged(RaftConfigurationProto conf);

        /** The store was replaced by a checkpoint from the leader (apply thread). */
        void storeReplaced();

        /** A fatal error: the node must stop. */
        void fatal(String what, Throwable cause);
    }

    /** Downloads a checkpoint from the leader into a directory that does not exist yet. */
    @FunctionalInterface
    public interface CheckpointFetcher {
        /** Writes the leader's checkpoint (a store directory plus the meta file) into {@code target}. */
        void fetch(RoleInfoProto roleInfo, Path target) throws IOException;
    }

    /** The store's directory under the data directory (outside Ratis's {@code raft/}). */
    public static final String STORE_DIR = "store";
    /** The directory of the {@link ClusterMeta} file under the data directory. */
    public static final String META_DIR = "meta";

    private static final String INSTALL_READY = "install-ready";
    private static final String INSTALL_DOWNLOAD = "install-download";
    private static final String STORE_OLD = "store.old";

    private final Path dataDirectory;
    private final Path storeDirectory;
    private final Path metaDirectory;
    private final StoreOptions storeOptions;
    private final Hooks hooks;
    private final CheckpointFetcher fetcher;
    /** Readers hold it shared; replacing the store takes it exclusively. */
    private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
    private final List<CommitListener> commitListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> appliedWaiters = new ConcurrentSkipListMap<>();
    private volatile RocksMvccStore store;
    private volatile ClusterMeta meta;
    /** Where Ratis starts after a restart: the snapshot index it is told (see "Resends after a restart"). */
    private volatile TermIndex replayFrom = TermIndex.INITIAL_VALUE;
    /** Store flushes not yet old enough to become {@link #replayFrom}, oldest first; updater thread only. */
    private final ArrayDeque<Flush> flushes = new ArrayDeque<>();
    private long lastFlushIndex; // updater thread only
    private final Duration logRetention;
    private final long flushEvery;
    private final LongSupplier nanoClock;
    private volatile TermIndex installed;
    /** Runs checkpoint downloads (long, blocking) off Ratis's and the common pool's threads. */
    private final java.util.concurrent.ExecutorService installer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "caravel-snapshot-install");
        t.setDaemon(true);
        return t;
    });

    private record Flush(long atNanos, TermIndex position) {
    }

    /** A state machine that reports its durable position itself as the snapshot (no log retention), flushing on every {@link #takeSnapshot}. */
    public KvStateMachine(Path dataDirectory, StoreOptions storeOptions, Hooks hooks, CheckpointFetcher fetcher) {
        this(dataDirectory, storeOptions, hooks, fetcher, Duration.ZERO, 1, System::nanoTime);
    }

    /**
     * @param logRetention how long the Raft log is kept behind the store's durable position (see "Resends after a restart")
     * @param flushEvery how many applied entries make {@link #takeSnapshot} flush the store again (Ratis's snapshot threshold)
     * @param nanoClock a monotonic clock in nanoseconds
     */
    public KvStateMachine(Path dataDirectory, StoreOptions storeOptions, Hooks hooks, CheckpointFetcher fetcher,
                          Duration logRetention, long flushEvery, LongSupplier nanoClock) {
        this.logRetention = Objects.requireNonNull(logRetention, "logRetention == null");
        if (flushEvery < 1) {
            throw new IllegalArgumentException("flushEvery must be >= 1: " + flushEvery);
        }
        this.flushEvery = flushEvery;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock == null");
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory == null");
        this.storeDirectory = dataDirectory.resolve(STORE_DIR);
        this.metaDirectory = dataDirectory.resolve(META_DIR);
        // The Raft log is the write-ahead log (as etcd's WAL is for its bbolt backend): the store skips
        // RocksDB's own WAL, a crash loses only what was applied after the last flush, and Ratis replays
        // it from the store's position — takeSnapshot() flushes before Ratis may purge the log.
        this.storeOptions = Objects.requireNonNull(storeOptions, "storeOptions == null").withWriteAheadLog(false);
        this.hooks = Objects.requireNonNull(hooks, "hooks == null");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher == null");
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /**
     * Opens the store (once; it stays open across Ratis's re-initializations) and reports its applied
     * position to Ratis as both the last applied entry and the latest snapshot, so Ratis replays exactly
     * the entries after it.
     */
    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        if (store == null) {
            openStore();
        }
        getLifeCycle().startAndTransition(() -> { });
    }

    /** Opens the store, finishing or rolling back a store swap a crash interrupted. */
    public synchronized void openStore() {
        if (store != null) {
            return;
        }
        recoverSwap();
        RocksMvccStore s = RocksMvccStore.open(storeDirectory, storeOptions);
        s.addCommitListener(this::dispatchCommitted);
        meta = ClusterMeta.load(metaDirectory);
        store = s;
        LogPosition p = s.appliedPosition();
        TermIndex ti = TermIndex.valueOf(p.term(), p.index());
        TermIndex from = readReplayFrom();
        if (from == null || from.getIndex() > ti.getIndex()) {
            if (from != null) {
                log.warn("{} ({}) is ahead of the store ({}): replaying from the store's position", REPLAY_FROM_FILE, from, ti);
            }
            // A new member, one that just installed a checkpoint, or a data directory from before the file
            // existed: nothing before the store's position is in the local log.
            from = ti;
            writeReplayFrom(from);
        }
        // Ratis applies from the reported snapshot on: entries up to the store's position are replayed
        // (the store skips them) so that the retry cache learns their call ids.
        setLastAppliedTermIndex(from);
        replayFrom = from;
        flushes.clear();
        flushes.addLast(new Flush(nanoClock.getAsLong(), ti));
        lastFlushIndex = ti.getIndex();
        log.info("state machine store {} at {}; Ratis replays from {}", storeDirectory, ti, from);
    }

    /** The persisted replay point, or null when there is none (a new or restored member, or an installed checkpoint). */
    private TermIndex readReplayFrom() {
        Path f = dataDirectory.resolve(REPLAY_FROM_FILE);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            String[] parts = Files.readString(f, StandardCharsets.US_ASCII).trim().split(" ");
            return TermIndex.valueOf(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + f + " (expected \"<term> <index>\"): " + e, e);
        }
    }

    private void writeReplayFrom(TermIndex ti) {
        ClusterMeta.writeAtomically(dataDirectory.resolve(REPLAY_FROM_FILE),
                (ti.getTerm() + " " + ti.getIndex() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void recoverSwap() {
        Path ready = dataDirectory.resolve(INSTALL_READY);
        Path old = dataDirectory.resolve(STORE_OLD);
        try {
            if (!Files.exists(storeDirectory) && Files.exists(ready)) {
                log.warn("finishing an interrupted snapshot install from {}", ready);
                moveInstalled(ready);
            } else if (!Files.exists(storeDirectory) && Files.exists(old)) {
                log.warn("rolling back an interrupted snapshot install: restoring {}", old);
                Files.move(old, storeDirectory, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteTree(old);
            deleteTree(ready);
            deleteTree(dataDirectory.resolve(INSTALL_DOWNLOAD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the store directory in " + dataDirectory, e);
        }
    }

    /**
     * Moves a downloaded checkpoint's store and meta into place. The replay point goes first: the local
     * log before the checkpoint is no longer there to be replayed.
     */
    private void moveInstalled(Path ready) throws IOException {
        Files.deleteIfExists(dataDirectory.resolve(REPLAY_FROM_FILE));
        Path readyMeta = ready.resolve("meta");
        if (Files.exists(readyMeta.resolve(ClusterMeta.FILE_NAME))) {
            Files.createDirectories(metaDirectory);
            Files.move(readyMeta.resolve(ClusterMeta.FILE_NAME), metaDirectory.resolve(ClusterMeta.FILE_NAME),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(ready.resolve("store"), storeDirectory, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(ready);
    }

    @Override
    public void pause() {
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
            lc.transition(LifeCycle.State.PAUSING);
            lc.transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * Called by Ratis on the updater thread after a snapshot install (apply is paused): swaps the
     * downloaded checkpoint in, reopens the store and tells the hooks.
     */
    @Override
    public void reinitialize() throws IOException {
        TermIndex ti = installed;
        if (ti != null) {
            Path ready = dataDirectory.resolve(INSTALL_READY);
            storeLock.writeLock().lock();
            try {
                RocksMvccStore old = store;
                store = null;
                if (old != null) {
                    old.close();
                }
                Path oldDir = dataDirectory.resolve(STORE_OLD);
                deleteTree(oldDir);
                Files.move(storeDirectory, oldDir, StandardCopyOption.ATOMIC_MOVE);
                moveInstalled(ready);
                deleteTree(oldDir);
                openStore();
                installed = null;
            } finally {
                storeLock.writeLock().unlock();
            }
            log.info("installed the leader's checkpoint: store now at {}", store.appliedPosition());
            hooks.metaChanged();
            hooks.storeReplaced();
            completeWaiters(getLastAppliedTermIndex().getIndex());
        }
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.PAUSED) {
            lc.transition(LifeCycle.State.STARTING);
            lc.transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public void close() throws IOException {
        installer.shutdownNow();
        storeLock.writeLock().lock();
        try {
            RocksMvccStore s = store;
            store = null;
            if (s != null) {
                s.close();
            }
        } finally {
            storeLock.writeLock().unlock();
        }
        for (CompletableFuture<Void> f : appliedWaiters.values()) {
            f.completeExceptionally(new IllegalStateException("state machine closed"));
        }
        appliedWaiters.clear();
    }

    // ---- store access ---------------------------------------------------------------------------

    /**
     * Runs {@code read} against the current store, holding it open (a snapshot install waits for it).
     *
     * @throws io.caravel.raft.ClusterException {@code STOPPED} when the store is closed
     */
    public <T> T withStore(Function<MvccStore, T> read) {
        storeLock.readLock().lock();
        try {
            RocksMvccStore s = store;
            if (s == null) {
                throw io.caravel.raft.ClusterError.STOPPED.exception();
            }
            return read.apply(s);
        } finally {
            storeLock.readLock().unlock();
        }
    }

    public ClusterMeta meta() {
        return meta;
    }

    /** Registers a listener told of every applied batch, across store replacements. */
    public void addCommitListener(CommitListener listener) {
        commitListeners.add(Objects.requireNonNull(listener, "listener == null"));
    }

    private void dispatchCommitted(List<ApplyResult> results) {
        for (CommitListener l : commitListeners) {
            l.committed(results);
        }
    }

    /** Completes once this member has applied {@code index} (immediately when it already has). */
    public CompletableFuture<Void> waitApplied(long index) {
        if (getLastAppliedTermIndex().getIndex() >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = appliedWaiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        if (getLastAppliedTermIndex().getIndex() >= index) {
            completeWaiters(getLastAppliedTermIndex().getIndex());
        }
        return f;
    }

    private void completeWaiters(long applied) {
        Map<Long, CompletableFuture<Void>> done = appliedWaiters.headMap(applied, true);
        for (Long i : done.keySet()) {
            CompletableFuture<Void> f = appliedWaiters.remove(i);
            if (f != null) {
                f.complete(null);
            }
        }
    }

    // ---- apply ----------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long term = entry.getTerm();
        long index = entry.getIndex();
        CommandReply reply;
        storeLock.readLock().lock();
        try {
            Command command = CommandCodec.parseCommand(entry.getStateMachineLogEntry().getLogData().toByteArray());
            reply = apply(command, new LogPosition(term, index));
        } catch (RuntimeException e) {
            // A committed entry that cannot be decoded or applied: the replicas would diverge if this
            // one went on. Ratis closes the server when apply throws (StateMachineUpdater).
            hooks.fatal("applying entry " + TermIndex.valueOf(term, index) + " failed", e);
            throw e;
        } finally {
            storeLock.readLock().unlock();
        }
        updateLastAppliedTermIndex(term, index);
        completeWaiters(index);
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.toByteArray())));
    }

    private CommandReply apply(Command command, LogPosition position) {
        RocksMvccStore s = store;
        if (s == null) {
            throw new IllegalStateException("store is not open");
        }
        boolean replayed = position.isAtOrBelow(s.appliedPosition());
        if (command.hasBatch() || CommandCodec.isMutation(command)) {
            if (replayed) {
                // The store holds it (a restart replaying the retained log): answer without decoding it.
                return alreadyApplied(command, position.index());
            }
            // One mutation or a batch of them: either way one store write at the entry's position.
            List<Mutation> mutations = command.hasBatch()
                    ? CommandCodec.decodeBatch(command.getBatch()) : List.of(CommandCodec.decode(command));
            List<ApplyResult> results = s.applyAll(position, mutations);
            List<MutationResult> replies = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                hooks.applied(mutations.get(i), results.get(i));
                replies.add(results.get(i).result());
            }
            return command.hasBatch()
                    ? CommandCodec.encodeBatchResults(replies, position.index())
                    : CommandCodec.encodeResult(replies.get(0), position.index());
        }
        // Publish / alarm: cluster meta, idempotent sets; a read barrier: nothing. Then advance the store's
        // position.
        if (!replayed) {
            if (command.hasPublish()) {
                meta.publish(command.getPublish(), position.index());
                hooks.metaChanged();
            } else if (command.hasAlarm()) {
                meta.alarm(command.getAlarm(), position.index());
                hooks.metaChanged();
            } else if (!command.hasReadBarrier()) {
                throw new IllegalArgumentException("command has no kind: " + command);
            }
            s.applyAll(position, List.of());
        }
        return CommandReply.newBuilder().setAppliedIndex(position.index())
                .setDone(EmptyReply.newBuilder().setRevision(s.currentRevision())).build();
    }

    /** The reply to a mutation entry the store already holds: one "already applied" per mutation. */
    private static CommandReply alreadyApplied(Command command, long index) {
        if (!command.hasBatch()) {
            return CommandCodec.encodeResult(new MutationResult.AlreadyApplied(), index);
        }
        List<MutationResult> replies = java.util.Collections.nCopies(command.getBatch().getCommandsCount(),
                new MutationResult.AlreadyApplied());
        return CommandCodec.encodeBatchResults(replies, index);
    }

    /** Configuration and metadata entries: advance the store's position too (see the class comment). */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        storeLock.readLock().lock();
        try {
            RocksMvccStore s = store;
            if (s != null && index > s.appliedPosition().index()) {
                s.applyAll(new LogPosition(term, index), List.of());
            }
        } catch (RuntimeException e) {
            hooks.fatal("recording entry " + TermIndex.valueOf(term, index) + " failed", e);
            throw e;
        } finally {
            storeLock.readLock().unlock();
        }
        super.notifyTermIndexUpdated(term, index);
        completeWaiters(index);
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto newConf) {
        hooks.configurationChanged(newConf);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        hooks.leaderChanged(newLeaderId);
    }

    @Override
    public void notifyLeaderReady() {
        hooks.leaderReady();
    }

    // ---- queries --------------------------------------------------------------------------------

    /**
     * Read-only requests, answered by the leader's hooks (lease keep-alive and time-to-live, learner
     * readiness). Ratis calls it after ReadIndex (the {@code LINEARIZABLE} read option); it may run
     * concurrently with apply.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            Query q = Query.parseFrom(request.getContent().toByteArray());
            return hooks.leaseQuery(q).thenApply(reply -> Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.toByteArray())));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Stale reads are not used by Caravel (serializable reads go to the store directly). Overridden
     * because {@link BaseStateMachine#queryStale} can park forever (its waiters are released only on a
     * no-op update of the applied index).
     */
    @Override
    public CompletableFuture<Message> queryStale(Message request, long minIndex) {
        return waitApplied(minIndex).thenCompose(v -> query(request));
    }

    // ---- snapshots ------------------------------------------------------------------------------

    /**
     * Makes the store durable (when {@code flushEvery} entries were applied since it last was) and returns
     * the index Ratis may purge its log up to and replays from after a restart: the newest durable position
     * at least {@code logRetention} old (see "Resends after a restart"). Runs on the updater thread, so no
     * entry is applied meanwhile.
     */
    @Override
    public long takeSnapshot() throws IOException {
        storeLock.readLock().lock();
        try {
            RocksMvccStore s = store;
            if (s == null) {
                throw new IOException("store is not open");
            }
            LogPosition p = s.appliedPosition();
            long now = nanoClock.getAsLong();
            if (p.index() - lastFlushIndex >= flushEvery) {
                s.sync();
                lastFlushIndex = p.index();
                flushes.addLast(new Flush(now, TermIndex.valueOf(p.term(), p.index())));
                log.info("snapshot: store durable at {}", p);
            }
            TermIndex from = replayFrom;
            while (!flushes.isEmpty() && now - flushes.peekFirst().atNanos() >= logRetention.toNanos()) {
                TermIndex old = flushes.pollFirst().position();
                if (old.getIndex() > from.getIndex()) {
                    from = old;
                }
            }
            if (!from.equals(replayFrom)) {
                writeReplayFrom(from);
                replayFrom = from;
            }
            return from.getIndex();
        } catch (RuntimeException e) {
            throw new IOException("cannot make the store durable", e);
        } finally {
            storeLock.readLock().unlock();
        }
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        TermIndex ti = replayFrom;
        return new SnapshotInfo() {
            @Override
            public TermIndex getTermIndex() {
                return ti;
            }

            @Override
            public List<FileInfo> getFiles() {
                return List.of();
            }

            @Override
            public String toString() {
                return "store@" + ti;
            }
        };
    }

    /**
     * The leader purged entries this follower needs: download its checkpoint, check that it is ahead of
     * the local store, and report its position. The swap itself happens in {@link #reinitialize}.
     * Completing with null tells Ratis the snapshot is unavailable (it asks again later).
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
        return CompletableFuture.supplyAsync(() -> {
            Path download = dataDirectory.resolve(INSTALL_DOWNLOAD);
            Path ready = dataDirectory.resolve(INSTALL_READY);
            try {
                deleteTree(download);
                deleteTree(ready);
                log.info("installing a checkpoint from the leader (its log starts at {})", firstTermIndexInLog);
                fetcher.fetch(roleInfo, download);
                LogPosition p;
                try (RocksMvccStore candidate = RocksMvccStore.open(download.resolve("store"), storeOptions)) {
                    p = candidate.appliedPosition();
                }
                // the store may be ahead of Ratis's applied index while a restart replays the retained log
                long local = Math.max(getLastAppliedTermIndex().getIndex(), withStore(st -> st.appliedPosition().index()));
                if (p.index() <= local || p.index() + 1 < firstTermIndexInLog.getIndex()) {
                    log.warn("checkpoint at {} is unusable: local applied {}, leader log starts at {}",
                            p, local, firstTermIndexInLog);
                    deleteTree(download);
                    return null;
                }
                Files.move(download, ready, StandardCopyOption.ATOMIC_MOVE);
                TermIndex ti = TermIndex.valueOf(p.term(), p.index());
                // The latest snapshot moves only in reinitialize, once the checkpoint is really the store.
                installed = ti;
                return ti;
            } catch (IOException | RuntimeException e) {
                log.warn("checkpoint download failed: {}", e.toString());
                try {
                    deleteTree(download);
                } catch (IOException ignored) {
                    // best effort; recoverSwap cleans up at the next start
                }
                return null;
            }
        }, installer);
    }

    static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteTree(dir);
    }

    /** The shaded ByteString of a message's bytes (for the node; never leaves the raft module). */
    public static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }
}
