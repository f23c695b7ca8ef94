package io.caravel.raft;

import static io.caravel.raft.Failures.unwrap;

import io.caravel.raft.command.AlarmCmd;
import io.caravel.raft.command.BatchReply;
import io.caravel.raft.command.Command;
import io.caravel.raft.command.CommandCodec;
import io.caravel.raft.command.CommandReply;
import io.caravel.raft.command.EmptyReply;
import io.caravel.raft.command.LearnerReadyQuery;
import io.caravel.raft.command.LeaseKeepAliveQuery;
import io.caravel.raft.command.LeaseTimeToLiveQuery;
import io.caravel.raft.command.PublishCmd;
import io.caravel.raft.command.Query;
import io.caravel.raft.command.QueryReply;
import io.caravel.raft.command.ReadBarrierCmd;
import io.caravel.raft.command.TermAnswer;
import io.caravel.raft.snapshot.CheckpointArchive;
import io.caravel.raft.snapshot.CheckpointService;
import io.caravel.raft.snapshot.FileTrees;
import io.caravel.raft.statemachine.ClusterMeta;
import io.caravel.raft.statemachine.KvStateMachine;
import io.caravel.raft.statemachine.Lessor;
import io.caravel.store.ApplyResult;
import io.caravel.store.CommitListener;
import io.caravel.store.CompactRequest;
import io.caravel.store.CompactResult;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.DeleteRangeResult;
import io.caravel.store.EventBatch;
import io.caravel.store.HashResult;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import io.caravel.store.Lease;
import io.caravel.store.LeaseCheckpointRequest;
import io.caravel.store.LeaseGrantRequest;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.LeaseRevokeRequest;
import io.caravel.store.LeaseRevokeResult;
import io.caravel.store.Mutation;
import io.caravel.store.MutationResult;
import io.caravel.store.MvccStore;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.RequestValidator;
import io.caravel.store.StoreMemory;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReplicatedKv} on Apache Ratis: one Ratis server (GRPC transport on the peer URL), one group,
 * one {@link KvStateMachine} over a RocksDB store.
 *
 * <h2>Writes</h2>
 * Validated here (the store's {@link RequestValidator}), then grouped with the other writes arriving
 * meanwhile into one entry ({@link ProposalBatcher}). The leader submits its entries to its own Ratis
 * server; a follower forwards its entries to the leader's batcher ({@link ForwardService}), so that one
 * entry per replication round carries every member's writes. When no leader is known, or the member
 * called no longer leads, the entry goes through this member's {@link RaftClient}, which finds the leader
 * and follows {@code NotLeaderException} redirects; every resend of it carries the same (client id, call
 * id), so Ratis's retry cache answers a resend of an applied entry with the original reply. Caravel never
 * resends an entry itself: an unknown outcome fails the write with {@link ClusterError#TIMEOUT} (or
 * {@link ClusterError#LEADER_CHANGED} when the term moved meanwhile); when no leader is known before
 * anything is sent it fails with {@link ClusterError#NO_LEADER}. A write completes once this member has
 * applied its entry.
 *
 * <h2>Reads</h2>
 * Linearizable: ReadIndex. Once this member has applied the index of a round begun after the read arrived
 * ({@link ReadIndexRounds}; the leader confirms with a majority of voters that it still leads,
 * {@link LeadershipCheck}; a follower asks the leader), the local store is read. When no round can serve
 * (no leader ready, a configuration change in progress, no majority answering), the read waits for an entry
 * proposed after it arrived instead. Serializable: the local store, no Raft round.
 *
 * <h2>Time</h2>
 * Lease expiry and auto-compaction are decided by the leader's clock and proposed as commands;
 * keep-alives and time-to-live queries are Ratis read requests executed by the leader's {@link Lessor}.
 */
public final class RatisReplicatedKv implements ReplicatedKv {
    private static final Logger log = LoggerFactory.getLogger(RatisReplicatedKv.class);

    /**
     * A deliberately broken mode for the Jepsen-style suite's proof that it can fail: LINEARIZABLE reads
     * served from the local store without a barrier. Read only when the system property is set; never
     * set it outside that test.
     */
    static final boolean UNSAFE_LOCAL_LINEARIZABLE_READS = Boolean.getBoolean("caravel.unsafe.localLinearizableReads");
    /** The version reported in status (the etcd API version this store speaks). */
    public static final String VERSION = "3.5.0";
    private static final String IDENTITY_FILE = "member.properties";
    private static final int IO_THREADS = 128;
    private static final String RATIS_PROPERTY_PREFIX = "caravel.ratis.";
    /** The largest reply a leader may send to a forwarded entry (a batch of txn replies can carry ranges). */
    private static final int MAX_FORWARD_REPLY_BYTES = 256 << 20;
    private static final int READ_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** Pause between tries of a lease query or a linearizable read's index ({@link #retries}). */
    private static final long RETRY_PAUSE_MILLIS = 50;
    /** A follower's ReadIndex question to the leader: a read barrier, answered with the leader's round's index. */
    private static final Command READ_BARRIER = Command.newBuilder().setReadBarrier(ReadBarrierCmd.getDefaultInstance()).build();

    private final RaftNodeConfig config;
    private final RaftTuning tuning;
    private final RequestValidator validator;
    private final long minLeaseTtlSeconds;
    private final Lessor lessor = new Lessor(System::nanoTime);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Monitor of {@link #awaitLeaderKnown}: notified on every leader change and on close. */
    private final Object leaderKnown = new Object();
    private final AtomicLong callIds = new AtomicLong();
    private final ClientId localClientId = ClientId.randomId();
    private final List<Runnable> resetListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Long, Member> pendingAdds = new ConcurrentHashMap<>();
    /** The background configuration change of each pending add (see {@link #addInBackground}). */
    private final Map<Long, CompletableFuture<Void>> addTasks = new ConcurrentHashMap<>();
    private final ExecutorService io;
    /** Client writes and read barriers of this member, grouped into entries. */
    private final ProposalBatcher batcher;
    /** Sends a follower's entries to the leader's batcher ({@link #forwardToLeader}), and ReadIndex questions. */
    private final ForwardService forwarder = new ForwardService(MAX_FORWARD_REPLY_BYTES);
    /** This member's linearizable reads, grouped into ReadIndex rounds. */
    private final ReadIndexRounds readIndexRounds = new ReadIndexRounds(this::readIndexRound);
    /**
     * Confirmations, while this member leads, that it still does ({@link #confirmLeadership}): the leader's
     * read rounds and its lease queries share them.
     */
    private final ReadIndexRounds leadershipRounds = new ReadIndexRounds(this::confirmLeadership);
    private final ExecutorService reads;
    private final ScheduledExecutorService scheduler;
    /** Calls on the peer port other than the forwarding service's ({@link PeerCallExecutors}). */
    private final ExecutorService peerCalls = Executors.newCachedThreadPool(named("caravel-raft-peer-call"));
    /** Lease queries to the leader and linearizable reads' indexes, tried again until their deadline. */
    private final DeadlineRetries retries;
    private final ExecutorService compactor;
    private final AutoCompactor autoCompactor;
    private final AtomicBoolean compactionRunning = new AtomicBoolean();
    private final Object compactionMonitor = new Object();
    private long compactionsRequested;
    private long compactionsDone;

    private long memberId;
    private UUID groupUuid;
    private RaftGroupId groupId;
    private RaftPeerId selfPeerId;
    private RaftServer server;
    private RaftServer.Division division;
    /** Where this member's own requests enter Ratis: the division itself ({@link #submitLocally}). */
    private RaftClientAsynchronousProtocol localEntry;
    private KvStateMachine sm;
    /** Sends entries (when no leader is known or the one called refused) and lease queries: {@link ClientRetryPolicies#member}. */
    private RaftClient client;
    /** Changes the configuration and transfers leadership: {@link ClientRetryPolicies#admin}. */
    private RaftClient adminClient;
    private volatile boolean published;
    /** A publish proposal is in flight (only the scheduler thread starts one). */
    private volatile boolean publishing;

    private RatisReplicatedKv(RaftNodeConfig config, RaftTuning tuning) {
        this.config = config;
        this.tuning = tuning;
        this.validator = new RequestValidator(tuning.store());
        // etcd's minLeaseTTL: 1.5 election timeouts, so a lease cannot expire during an election.
        this.minLeaseTtlSeconds = Math.max(1, (config.electionTimeoutMax().toMillis() * 3 / 2 + 999) / 1000);
        // Blocking Ratis client calls (a write waits for its commit) run here. With an unbounded queue
        // a ThreadPoolExecutor never grows past its core size, so the core size is the real bound.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("caravel-raft-io"));
        pool.allowCoreThreadTimeOut(true);
        this.io = pool;
        // Several requests per entry: up to 1 MiB of commands, and within the largest entry accepted.
        this.batcher = new ProposalBatcher(this::propose, pool, tuning.entriesInFlight(), 1024,
                Math.min(1L << 20, tuning.maxEntryBytes() / 2));
        // Local store reads: short, never wait on Raft; kept apart so blocked writes cannot starve them.
        ThreadPoolExecutor readPool = new ThreadPoolExecutor(READ_THREADS, READ_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("caravel-raft-read"));
        readPool.allowCoreThreadTimeOut(true);
        this.reads = readPool;
        this.scheduler = Executors.newScheduledThreadPool(2, named("caravel-raft-timer"));
        this.retries = new DeadlineRetries(scheduler, RETRY_PAUSE_MILLIS);
        this.compactor = Executors.newSingleThreadExecutor(named("caravel-raft-compactor"));
        this.autoCompactor = new AutoCompactor(config, tuning);
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts a member with the default tuning. */
    public static RatisReplicatedKv start(RaftNodeConfig config) {
        return start(config, RaftTuning.defaults());
    }

    /**
     * Starts a member: opens (or creates) its store and Raft log under {@code config.dataDirectory()},
     * joins its group and starts serving. Returns once the Ratis server is running (a leader may not be
     * elected yet).
     *
     * @throws UncheckedIOException when the data directory or the Raft server cannot be set up
     */
    public static RatisReplicatedKv start(RaftNodeConfig config, RaftTuning tuning) {
        Objects.requireNonNull(config, "config == null");
        Objects.requireNonNull(tuning, "tuning == null");
        RatisReplicatedKv node = new RatisReplicatedKv(config, tuning);
        try {
            node.startInternal();
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException("cannot start member " + config.name(), e);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startInternal() throws IOException {
        String mine = config.initialCluster().get(config.name());
        if (mine != null && MemberIds.urls(mine).stream().map(MemberIds::address)
                .noneMatch(a -> a.equals(MemberIds.address(config.advertisePeerUrl())))) {
            // etcd refuses this too: the member id would not match this member's entry in the cluster.
            throw new IllegalArgumentException("--initial-cluster has " + config.name() + "=" + mine
                    + " but --initial-advertise-peer-urls is " + config.advertisePeerUrl());
        }
        Path dataDir = config.dataDirectory();
        Files.createDirectories(dataDir);
        Path raftDir = dataDir.resolve("raft");
        boolean fresh = !Files.exists(dataDir.resolve(IDENTITY_FILE));
        loadOrCreateIdentity(dataDir, fresh);
        selfPeerId = RaftPeerId.valueOf(MemberIds.peerId(memberId));
        groupId = RaftGroupId.valueOf(groupUuid);

        RaftGroup group;
        if (fresh && config.newCluster()) {
            group = RaftGroup.valueOf(groupId, initialPeers());
        } else if (fresh) {
            group = RaftGroup.valueOf(groupId, joiningPeers());
        } else {
            // Restart: Ratis recovers the configuration from its storage.
            group = RaftGroup.valueOf(groupId);
        }

        RaftProperties p = raftProperties(raftDir);
        Parameters parameters = new Parameters();
        // Forwarded writes, read barriers and term questions run on the peer port's event loops, saving each a
        // thread hand-off; their handlers never enter Ratis there (propose hands off to the I/O pool).
        // Every other call, Ratis's own included (several of its handlers block), goes to peerCalls, a cached pool
        // like gRPC's default (docs/raft.md, settings, the peer port's executor).
        GrpcConfigKeys.Server.setServicesCustomizer(parameters, (builder, types) -> builder
                .directExecutor()
                .callExecutor(new PeerCallExecutors(peerCalls))
                .addService(CheckpointService.definition(this::leaderCheckpoint, dir -> deleteTree(dir), io))
                .addService(ForwardService.definition(this::serveForwarded, this::termAnswer)));

        sm = new KvStateMachine(dataDir, tuning.store(), new Hooks(), this::fetchCheckpoint, tuning.logRetention(),
                Math.max(1, config.snapshotCount()), System::nanoTime);
        server = RaftServer.newBuilder()
                .setServerId(selfPeerId)
                .setGroup(group)
                .setStateMachine(sm)
                .setProperties(p)
                .setParameters(parameters)
                // FORMAT (the builder's default) wipes the group's log on every start; RECOVER formats
                // only an empty directory.
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            log.warn("the JVM's common fork-join pool has {} thread: Ratis then starts a new thread for every entry "
                    + "a follower appends; start the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                    ForkJoinPool.getCommonPoolParallelism());
        }
        server.start();
        division = server.getDivision(groupId);
        localEntry = division instanceof RaftClientAsynchronousProtocol direct ? direct : server;

        client = newClient(ClientRetryPolicies.member());
        adminClient = newClient(ClientRetryPolicies.admin());

        long tick = Math.max(10, tuning.leaseTick().toMillis());
        scheduler.scheduleWithFixedDelay(safely(this::leaseTick), tick, tick, TimeUnit.MILLISECONDS);
        long cpi = Math.max(100, tuning.leaseCheckpointInterval().toMillis());
        scheduler.scheduleWithFixedDelay(safely(this::leaseCheckpointTick), cpi, cpi, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(safely(this::housekeepingTick), 1000, 1000, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(safely(this::publishTick), 0, 100, TimeUnit.MILLISECONDS);
        long aci = autoCompactor.checkIntervalMillis();
        if (aci > 0) {
            scheduler.scheduleWithFixedDelay(safely(this::autoCompactionTick), aci, aci, TimeUnit.MILLISECONDS);
        }
        log.info("member {} ({}) started: group {} cluster {} peer {}", config.name(), MemberIds.peerId(memberId),
                groupId, Long.toHexString(clusterId()), config.advertisePeerUrl());
    }

    private Runnable safely(Runnable r) {
        return () -> {
            if (closed.get()) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("background task failed: {}", e.toString(), e);
            }
        };
    }

    /**
     * Ratis settings, each through its typed setter (the docs and the code disagree on several key
     * names). See docs/raft.md for why each value.
     */
    private RaftProperties raftProperties(Path raftDir) {
        RaftProperties p = new RaftProperties();
        // Ratis's gRPC, whose leader announces each new commit index at once (CommitAnnouncingGrpc) ...
        RaftConfigKeys.Rpc.setType(p, new CommitAnnouncingGrpc());
        // ... so that the commit index need not be logged: a metadata entry after every commit doubled the
        // log writes, fsyncs and replication rounds per client entry.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        String listen = MemberIds.address(config.peerUrl());
        int colon = listen.lastIndexOf(':');
        GrpcConfigKeys.Server.setHost(p, listen.substring(0, colon).replace("[", "").replace("]", ""));
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(listen.substring(colon + 1)));
        // Election timeouts for a JVM: GC pauses and a loaded 2-core machine must not cause elections.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(config.electionTimeoutMin().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, config.electionTimeoutMax().toMillis() * 2), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(ClientRetryPolicies.RETRY_CACHE_EXPIRY.toMillis(), TimeUnit.MILLISECONDS));
        // Snapshots: every snapshotCount applied entries; the snapshot is the live store made durable.
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, Math.max(1, config.snapshotCount()));
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.max(1, Math.min(1024, config.snapshotCount())));
        // Bounded log: purge up to the snapshot even when a follower is behind (it then installs a
        // checkpoint instead of holding the leader's log hostage).
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, config.snapshotCount())));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(tuning.logSegmentSizeBytes()));
        // Closed segments kept on the heap for appenders: Ratis's default (6 segments, 200 MB) held most of the
        // retained log in memory; a follower that far behind reads from disk instead. Ratis also keeps every
        // entry of the open segment, so the segment size (8 MiB by default, RaftTuning) bounds the cached log
        // at about three segments of entries, all of them long-lived on the heap.
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(2L * tuning.logSegmentSizeBytes()));
        SizeInBytes entryLimit = SizeInBytes.valueOf(tuning.maxEntryBytes() + (1 << 20));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entryLimit);
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entryLimit.getSize() + 8));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entryLimit.getSize() + (1 << 20)));
        // No minimum gap between two appends to a follower. Ratis's default (1 ms) makes the appender sleep before
        // sending an entry when its previous request (often the commit announcement of the entry before) left less
        // than 1 ms ago, and a positive sub-millisecond sleep lasts a whole millisecond or more: at one client that
        // was a third of each put's latency. Entries are still batched: an append carries every entry there is, the
        // proposal batcher packs requests into entries, and a slow or unreachable follower is paced by Ratis's
        // heartbeat wait, not by this gap (docs/raft.md, Settings).
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
        // A member that was frozen (SIGSTOP, a suspended VM, a long stall) resumes as a follower and catches up,
        // as an etcd member does; Ratis's default closes the server after a 60 s pause, and the process then
        // stopped for good. Raft's terms keep a resumed member safe: a leader that paused steps down (Ratis's
        // step-down on a JVM pause still applies) and a stale one is refused by every peer.
        RaftServerConfigKeys.setCloseThreshold(p, TimeDuration.valueOf(3650, TimeUnit.DAYS));
        // Notification mode: the follower downloads a RocksDB checkpoint from the leader itself.
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
        // Experiments only (benchmarks): -Dcaravel.ratis.raft.some.key=value sets a Ratis property as is.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(RATIS_PROPERTY_PREFIX)) {
                String key = name.substring(RATIS_PROPERTY_PREFIX.length());
                log.warn("experimental Ratis setting from -D{}: {} = {}", name, key, System.getProperty(name));
                p.set(key, System.getProperty(name));
            }
        }
        return p;
    }

    /** A Ratis client of this member's group with a random client id (call ids never collide with an earlier process's). */
    private RaftClient newClient(RetryPolicy policy) {
        RaftProperties cp = new RaftProperties();
        RaftConfigKeys.Rpc.setType(cp, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(cp, ClientRetryPolicies.ATTEMPT_TIMEOUT);
        return RaftClient.newBuilder()
                .setProperties(cp)
                .setRaftGroup(RaftGroup.valueOf(groupId, clientPeers()))
                .setClientId(ClientId.randomId())
                .setRetryPolicy(policy)
                .build();
    }

    private void loadOrCreateIdentity(Path dataDir, boolean fresh) throws IOException {
        Path f = dataDir.resolve(IDENTITY_FILE);
        Properties props = new Properties();
        if (!fresh) {
            try (var in = Files.newInputStream(f)) {
                props.load(in);
            }
            memberId = Long.parseUnsignedLong(props.getProperty("member.id"), 16);
            groupUuid = UUID.fromString(props.getProperty("group.id"));
            return;
        }
        // A data directory restored from a snapshot must start as the member and cluster it was restored for.
        SnapshotRestore.checkFirstStart(dataDir, config);
        memberId = MemberIds.memberId(MemberIds.urls(config.advertisePeerUrl()), config.clusterToken());
        groupUuid = config.newCluster() ? MemberIds.groupId(config.clusterToken(), config.initialCluster()) : discoverGroup();
        props.setProperty("member.id", MemberIds.peerId(memberId));
        props.setProperty("group.id", groupUuid.toString());
        Path tmp = dataDir.resolve(IDENTITY_FILE + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            props.store(out, "Caravel member identity; do not edit");
        }
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A member joining an existing cluster asks the other initial members which group they serve. */
    private UUID discoverGroup() throws IOException {
        IOException last = null;
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos() * 3;
        while (System.nanoTime() < deadline) {
            for (RaftPeer peer : initialPeers()) {
                if (peer.getId().toString().equals(MemberIds.peerId(memberId))) {
                    continue;
                }
                RaftProperties cp = new RaftProperties();
                RaftConfigKeys.Rpc.setType(cp, SupportedRpcType.GRPC);
                try (RaftClient c = RaftClient.newBuilder().setProperties(cp)
                        .setRaftGroup(RaftGroup.valueOf(RaftGroupId.randomId(), peer))
                        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
                    List<RaftGroupId> groups = c.getGroupManagementApi(peer.getId()).list().getGroupIds();
                    if (!groups.isEmpty()) {
                        return groups.get(0).getUuid();
                    }
                } catch (IOException e) {
                    last = e;
                }
            }
            sleepQuietly(200);
        }
        throw new IOException("cannot find the cluster to join among " + config.initialCluster(), last);
    }

    private List<RaftPeer> initialPeers() {
        List<RaftPeer> peers = new ArrayList<>();
        config.initialCluster().forEach((name, urls) -> {
            List<String> u = MemberIds.urls(urls);
            long id = MemberIds.memberId(u, config.clusterToken());
            peers.add(RaftPeer.newBuilder().setId(MemberIds.peerId(id)).setAddress(MemberIds.address(u.get(0))).build());
        });
        peers.sort(Comparator.comparing(x -> x.getId().toString()));
        return peers;
    }

    /**
     * The group a member joining an existing cluster starts with: the other members it was told about,
     * and itself as a LISTENER. A listener never campaigns, so this cannot disturb the cluster before
     * the leader has added it (the hazard of starting a new voter with the full peer list), and Ratis
     * starts it RUNNING: a member started with an empty group stays in Ratis's STARTING state for good
     * when it is added as a listener, since the leader never marks a listener caught up. Once the
     * leader's log gives it a configuration where it is a voter, Ratis turns it into a follower.
     */
    private List<RaftPeer> joiningPeers() {
        List<RaftPeer> peers = new ArrayList<>();
        for (RaftPeer p : initialPeers()) {
            if (!p.getId().equals(selfPeerId)) {
                peers.add(p);
            }
        }
        peers.add(RaftPeer.newBuilder().setId(selfPeerId).setAddress(MemberIds.address(config.advertisePeerUrl()))
                .setStartupRole(RaftPeerRole.LISTENER).build());
        return peers;
    }

    private List<RaftPeer> clientPeers() {
        List<RaftPeer> peers = new ArrayList<>(initialPeers());
        if (peers.stream().noneMatch(x -> x.getId().equals(selfPeerId))) {
            peers.add(RaftPeer.newBuilder().setId(selfPeerId).setAddress(MemberIds.address(config.advertisePeerUrl())).build());
        }
        return peers;
    }

    // ---- identity and status ------------------------------------------------------------------

    @Override
    public long clusterId() {
        return MemberIds.clusterId(groupUuid);
    }

    @Override
    public long memberId() {
        return memberId;
    }

    /** The term this member is in (0 before it knows one). */
    private long term() {
        RaftServer.Division d = division;
        return d == null ? 0 : d.getInfo().getCurrentTerm();
    }

    @Override
    public ResponseHeader header() {
        return new ResponseHeader(clusterId(), memberId, currentRevision(), term());
    }

    @Override
    public ResponseHeader header(long revision) {
        return new ResponseHeader(clusterId(), memberId, revision, term());
    }

    @Override
    public NodeStatus status() {
        checkOpen();
        RaftPeerId leader = division.getInfo().getLeaderId();
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long size = sm.withStore(MvccStore::sizeBytes);
        List<String> errors = new ArrayList<>();
        for (Alarm a : alarms()) {
            errors.add("memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type());
        }
        return new NodeStatus(header(), VERSION, leader == null ? 0 : MemberIds.fromPeerId(leader.toString()),
                last == null ? 0 : last.getIndex(), term(), sm.getLastAppliedTermIndex().getIndex(), size, size,
                division.getInfo().isListener(), errors);
    }

    @Override
    public StoreMemory storeMemory() {
        checkOpen();
        return sm.withStore(MvccStore::memory);
    }

    @Override
    public ProposalCounts proposals() {
        return batcher.counts(readIndexRounds.rounds());
    }

    /** True when this member currently believes it is the leader (for tests and diagnostics). */
    public boolean isLeader() {
        return !closed.get() && division != null && division.getInfo().isLeader();
    }

    /** True when Ratis runs this member fully (not still STARTING, as a runtime-added learner is). */
    public boolean raftRunning() {
        return !closed.get() && division != null
                && division.getInfo().getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.RUNNING;
    }

    /** The member id of the leader this member knows, 0 when none. */
    public long leaderId() {
        RaftPeerId leader = division == null ? null : division.getInfo().getLeaderId();
        return leader == null ? 0 : MemberIds.fromPeerId(leader.toString());
    }

    /** The last log index this member applied. */
    public long appliedIndex() {
        return sm.getLastAppliedTermIndex().getIndex();
    }

    /** The index of the first entry still in this member's Raft log (grows as the log is purged). */
    public long logStartIndex() {
        return division.getRaftLog().getStartIndex();
    }

    // ---- KV -------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request, Consistency consistency) {
        try {
            validator.validateRange(request);
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        return read(consistency, s -> s.range(request));
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return write(request).thenApply(r -> as(r, PutResult.class));
    }

    @Override
    public CompletableFuture<DeleteRangeResult> deleteRange(DeleteRangeRequest request) {
        return write(request).thenApply(r -> as(r, DeleteRangeResult.class));
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request, Consistency consistency) {
        if (request.isReadOnly()) {
            try {
                validator.validateTxn(request);
            } catch (KvException e) {
                return CompletableFuture.failedFuture(e);
            }
            return read(consistency, s -> s.readTxn(request));
        }
        return write(request).thenApply(r -> as(r, TxnResult.class));
    }

    @Override
    public CompletableFuture<CompactResult> compact(long revision, boolean physical) {
        return write(new CompactRequest(revision)).thenCompose(r -> {
            CompactResult c = as(r, CompactResult.class);
            return physical ? physicalCompactionDone().thenApply(v -> c) : CompletableFuture.completedFuture(c);
        });
    }

    private static <T extends MutationResult> T as(MutationResult r, Class<T> type) {
        if (r instanceof MutationResult.Rejected rej) {
            throw rej.error().exception();
        }
        if (r instanceof MutationResult.AlreadyApplied) {
            // A resend answered from the retry cache with the reply of a replayed entry (see KvStateMachine,
            // "Resends after a restart"): applied once, but its result is not known any more.
            throw new ClusterException(ClusterError.TIMEOUT);
        }
        if (!type.isInstance(r)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + " but got " + r);
        }
        return type.cast(r);
    }

    // ---- reads ----------------------------------------------------------------------------------

    private <T> CompletableFuture<T> read(Consistency consistency, Function<MvccStore, T> read) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        if (consistency == Consistency.SERIALIZABLE || UNSAFE_LOCAL_LINEARIZABLE_READS) {
            return CompletableFuture.supplyAsync(() -> sm.withStore(read), reads);
        }
        // The index may be reached on Raft's apply thread or a gRPC thread: the read runs on the read pool.
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
        return withDeadline(readIndex(deadline), deadline, ClusterError.TIMEOUT).thenApplyAsync(v -> sm.withStore(read), reads);
    }

    /**
     * Completes once this member has applied every write acknowledged (by any member) before the call:
     * the index of a ReadIndex round begun after the call ({@link #readIndexRounds}). When the round fails
     * (this member's leader cannot confirm it leads, or a follower cannot reach a leader that can), the
     * read falls back to the next entry this member proposes ({@link #linearizableBarrier}), which a deposed
     * leader cannot commit either. When both fail, as they do while the leader this member knows is dead
     * and no other is elected yet, they are tried again ({@link #retries}) until {@code deadlineNanos}: a
     * read waits out an election, as etcd's does, instead of failing within milliseconds of a leader's
     * crash. Neither has an effect a second try would repeat (a round only asks; a barrier entry changes
     * nothing). Completes on any thread (Raft's apply thread among them).
     */
    private CompletableFuture<Void> readIndex(long deadlineNanos) {
        return retries.run(deadlineNanos, this::readIndexOrEntry, failure -> failure).thenCompose(sm::waitApplied);
    }

    /**
     * An index at or past every write acknowledged before the call: a ReadIndex round's, or, when the round
     * fails, this member's applied index once the next entry it proposes has been applied. The fallback is
     * proposed from the I/O pool, not from the gRPC thread that failed the round.
     */
    private CompletableFuture<Long> readIndexOrEntry() {
        return readIndexRounds.next().exceptionallyComposeAsync(e -> {
            if (unwrap(e) instanceof ClusterException ce && ce.error() == ClusterError.STOPPED) {
                return CompletableFuture.failedFuture(ce);
            }
            return batcher.nextEntry().thenApply(v -> sm.getLastAppliedTermIndex().getIndex());
        }, io);
    }

    /**
     * One ReadIndex round of this member: on the leader, the commit index once a majority confirmed the
     * leader's term ({@link LeadershipCheck}); on a follower, the index the leader answered a forwarded
     * {@code ReadBarrierCmd} with (the leader's own round, {@link #serveForwarded}).
     */
    private CompletableFuture<Long> readIndexRound() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        if (!division.getInfo().isLeader()) {
            long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
            return forwardToLeader(READ_BARRIER, deadline).thenApply(CommandReply::getAppliedIndex);
        }
        return leadershipRounds.next();
    }

    /**
     * The leader's round: takes the commit index, then asks every other voter for its current term, and
     * completes with that commit index once a majority (this member included) answered this member's term.
     * Fails with {@link ClusterError#NOT_LEADER} when this member does not lead, has not yet committed an
     * entry of its term (its commit index may then lag writes a previous leader acknowledged), or a
     * configuration change is in progress (two majorities would be needed; the caller falls back to an
     * entry instead). Each question waits at most an election timeout. Called by {@link #leadershipRounds}.
     */
    private CompletableFuture<Long> confirmLeadership() {
        RaftServer.Division d = division;
        DivisionInfo info = d.getInfo();
        RaftConfiguration conf = d.getRaftConf();
        // The term read on both sides of the leader check and the commit index: unchanged, so this member
        // led in that term (and had committed an entry of it) when it took the commit index.
        long term = info.getCurrentTerm();
        if (!info.isLeader() || !info.isLeaderReady() || !conf.getPreviousPeers().isEmpty()) {
            return CompletableFuture.failedFuture(ClusterError.NOT_LEADER.exception());
        }
        long commitIndex = d.getRaftLog().getLastCommittedIndex(); // read after the callers arrived, before any question
        if (info.getCurrentTerm() != term) {
            return CompletableFuture.failedFuture(ClusterError.NOT_LEADER.exception());
        }
        long askDeadline = System.nanoTime() + Math.min(config.electionTimeoutMax().toNanos(), tuning.requestTimeout().toNanos());
        boolean selfVotes = false;
        List<Supplier<CompletableFuture<Long>>> others = new ArrayList<>();
        for (RaftPeer voter : conf.getCurrentPeers()) {
            if (voter.getId().equals(selfPeerId)) {
                selfVotes = true;
            } else {
                others.add(() -> forwarder.currentTerm(voter.getAddress(), voter.getId().toString(), askDeadline));
            }
        }
        return LeadershipCheck.confirm(term, selfVotes, others).thenApply(v -> commitIndex);
    }

    /** This member's answer to a leader's ReadIndex question ({@link LeadershipCheck}). */
    private TermAnswer termAnswer() {
        return TermAnswer.newBuilder().setPeerId(selfPeerId.toString()).setTerm(term()).build();
    }

    /**
     * Completes once this member has applied every write acknowledged (by any member) before the call:
     * an entry proposed after the call is committed through Raft and applied here (etcd v2's quorum
     * read). The entry is whatever this member proposes next — a batch of writes arriving meanwhile, or
     * a no-op {@code ReadBarrierCmd} when there is none ({@link ProposalBatcher#nextEntry}); reads
     * arriving together share it. Membership operations use it (they then run on the batcher's executor),
     * and reads fall back to it when no ReadIndex round can serve ({@link #readIndex}).
     *
     * <p>Why Caravel does not use Ratis's own ReadIndex: in Ratis 3.3 {@code LeaderStateImpl.getReadIndex}
     * completes at once when an earlier heartbeat round already acknowledged the commit index
     * ({@code ReadIndexHeartbeats.addAppendEntriesListener} returns null), so a read may join a round begun
     * before it arrived; a leader resumed after SIGSTOP, or cut off, then served reads from its stale
     * state before it learnt of the new leader (docs/verification.md, finding 1). Caravel's rounds
     * ({@link LeadershipCheck}) ask the voters anew, after the reads arrived.
     */
    private CompletableFuture<Void> linearizableBarrier() {
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
        return withDeadline(batcher.nextEntry().copy(), deadline, ClusterError.TIMEOUT); // copy: a timeout here fails only this caller
    }

    private CompletableFuture<RaftClientReply> localRead(Query q) {
        try {
            return submitLocally(localRequest(q.toByteArray(), RaftClientRequest.readRequestType()));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Hands a request to this member's Ratis division on the calling thread. Ratis's server-wide entry point
     * ({@code RaftServer.submitClientRequestAsync}) runs every request on its client executor and blocks the
     * caller until that thread has appended it: two thread switches per entry and a parked caller, for
     * nothing. The division (Ratis's {@code RaftServerImpl}) implements the same client protocol; the server
     * is used only if a Ratis version stops doing so.
     */
    private CompletableFuture<RaftClientReply> submitLocally(RaftClientRequest request) throws IOException {
        assert !PeerCallExecutors.onEventLoop() : "an entry submitted on the peer port's event loop " + Thread.currentThread().getName();
        return localEntry.submitClientRequestAsync(request);
    }

    /** This member's Ratis server, for tests that speak Ratis's client protocol to it directly. */
    RaftServer raftServerForTests() {
        return server;
    }

    /** This member's Ratis division (its place in the group), for tests that inspect its state. */
    RaftServer.Division divisionForTests() {
        return division;
    }

    /** A request to this member's own Ratis server, with a fresh call id of this member's local client id. */
    private RaftClientRequest localRequest(byte[] payload, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(localClientId)
                .setServerId(selfPeerId)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(KvStateMachine.wrap(payload)))
                .setType(type)
                .build();
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Validates, proposes once (possibly together with other requests, {@link ProposalBatcher}), and
     * completes with the result once applied on this member.
     */
    private CompletableFuture<MutationResult> write(Mutation mutation) {
        try {
            validator.validate(mutation);
            checkSpace(mutation);
        } catch (KvException | ClusterException e) {
            return CompletableFuture.failedFuture(e);
        }
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
        return withDeadline(batcher.submit(CommandCodec.encode(mutation), deadline), deadline, ClusterError.TIMEOUT)
                .thenApply(CommandCodec::decodeResult);
    }

    /** etcd rejects writes while a NOSPACE alarm is raised, except those that free space. */
    private void checkSpace(Mutation m) {
        if (m instanceof DeleteRangeRequest || m instanceof CompactRequest || m instanceof LeaseRevokeRequest
                || m instanceof LeaseCheckpointRequest) {
            return;
        }
        if (m instanceof TxnRequest t && !writesPut(t)) {
            return;
        }
        ClusterMeta meta = sm == null ? null : sm.meta();
        if (meta != null && meta.alarms().stream().anyMatch(a -> a.type() == Alarm.Type.NOSPACE)) {
            throw KvError.NO_SPACE.exception();
        }
    }

    private static boolean writesPut(TxnRequest t) {
        for (List<io.caravel.store.Op> branch : List.of(t.success(), t.failure())) {
            for (io.caravel.store.Op op : branch) {
                if (op instanceof PutRequest || (op instanceof TxnRequest n && writesPut(n))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Proposes one command and completes with its reply once this member applied it. On the leader the
     * command goes straight to the local Ratis server (no client RPC, no thread parked per write); on a
     * follower it is forwarded to the leader's batcher ({@link #forwardToLeader}), or, when that is not
     * possible, handed to the Ratis client exactly once, whose own resends reuse the call id. Either way
     * Caravel never resends it: an unknown outcome is reported as such.
     *
     * <p>Called on one of the peer port's event loops (the leader serving a forwarded entry: directly, or
     * through an idle batcher), it hands the command to the I/O pool first: nothing enters Ratis's division
     * there ({@link PeerCallExecutors}); submitting takes the division's lock and may wait for room in the
     * log's queue. Under load the batcher proposes from the thread that finished the entry before, on its pool.
     */
    CompletableFuture<CommandReply> propose(Command command) {
        if (PeerCallExecutors.onEventLoop()) {
            return CompletableFuture.supplyAsync(() -> propose(command), io).thenCompose(f -> f);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
        CompletableFuture<CommandReply> sent = division.getInfo().isLeader()
                ? submitOnLeader(command, deadline)
                : forwardToLeader(command, deadline);
        CompletableFuture<CommandReply> f = sent.thenCompose(r -> sm.waitApplied(r.getAppliedIndex()).thenApply(v -> r));
        return withDeadline(f, deadline, ClusterError.TIMEOUT);
    }

    /**
     * Submits a write to this member's own Ratis server while it leads, as one request with a fresh call
     * id; Ratis replies once the leader has applied it. A leader that has not yet committed an entry of
     * its term refuses before appending anything ({@link LeaderNotReadyException}): the command then goes
     * the follower way, through the Ratis client. Any other failure after the call (leadership lost, the
     * entry maybe appended) is an unknown outcome, never retried here.
     */
    private CompletableFuture<CommandReply> submitOnLeader(Command command, long deadline) {
        long termBefore = term();
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = submitLocally(localRequest(command.toByteArray(), RaftClientRequest.writeRequestType()));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(unknownOutcome(termBefore, e));
        }
        return sent.handle((reply, err) -> {
            if (err != null) {
                return CompletableFuture.<CommandReply>failedFuture(unknownOutcome(termBefore, unwrap(err)));
            }
            if (!reply.isSuccess() && reply.getException() instanceof LeaderNotReadyException) {
                return viaRatisClient(command, deadline); // refused before anything was appended
            }
            if (!reply.isSuccess()) {
                return CompletableFuture.<CommandReply>failedFuture(unknownOutcome(termBefore, reply.getException()));
            }
            return CompletableFuture.completedFuture(
                    CommandCodec.parseReply(reply.getMessage().getContent().toByteArray()));
        }).thenCompose(f -> f);
    }

    /**
     * A follower's entry, sent to the leader it knows ({@link ForwardService}), which proposes the entry's
     * commands in its own next entry together with everyone else's: the cluster then makes one entry per
     * replication round instead of one per member. When no leader is known, or the member called does not
     * lead (it then proposed nothing), the entry goes through the Ratis client instead, which waits for an
     * election and follows redirects. Any other failure is an unknown outcome, never resent.
     */
    private CompletableFuture<CommandReply> forwardToLeader(Command entry, long deadline) {
        RaftPeerId leader = division.getInfo().getLeaderId();
        RaftPeer peer = leader == null || leader.equals(selfPeerId) ? null : division.getRaftConf().getPeer(leader);
        if (peer == null || peer.getAddress() == null || peer.getAddress().isEmpty()) {
            return viaRatisClient(entry, deadline);
        }
        long termBefore = term();
        return forwarder.send(peer.getAddress(), entry, deadline).handle((reply, err) -> {
            if (err == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable t = unwrap(err);
            if (t instanceof ClusterException ce && ce.error() == ClusterError.NOT_LEADER) {
                return viaRatisClient(entry, deadline); // nothing was proposed
            }
            if (t instanceof ClusterException ce && (ce.error() == ClusterError.TIMEOUT
                    || ce.error() == ClusterError.LEADER_CHANGED || ce.error() == ClusterError.NO_LEADER)) {
                return CompletableFuture.<CommandReply>failedFuture(ce);
            }
            return CompletableFuture.<CommandReply>failedFuture(unknownOutcome(termBefore, t));
        }).thenCompose(f -> f);
    }

    /** Hands an entry to this member's Ratis client ({@link #send}, blocking) on the I/O pool. */
    private CompletableFuture<CommandReply> viaRatisClient(Command entry, long deadline) {
        return CompletableFuture.supplyAsync(() -> send(entry, deadline), io);
    }

    /**
     * The leader's side of {@link #forwardToLeader}: puts a follower's entry into this member's batcher
     * (a batch command by command, each element answered on its own) and answers once all of it has been
     * applied here, with an applied index at or past every entry that carried it. Refuses with NOT_LEADER,
     * proposing nothing, when this member does not lead.
     *
     * <p>Runs on the peer port's event loop ({@link PeerCallExecutors}), which every member of the JVM and
     * Ratis's own replication share: it never enters Ratis's division here ({@link #propose} hands off to the
     * I/O pool; a ReadIndex round only reads the division's state and sends questions).
     */
    private CompletableFuture<CommandReply> serveForwarded(Command entry, long deadline) {
        if (closed.get() || !division.getInfo().isLeader()) {
            return CompletableFuture.failedFuture(ClusterError.NOT_LEADER.exception());
        }
        CompletableFuture<CommandReply> served;
        switch (entry.getKindCase()) {
            // a ReadIndex round's index, or (when no round can serve) the applied index once an entry proposed
            // after the call was applied
            case READ_BARRIER -> served = readIndexOrEntry()
                    .thenApply(index -> CommandReply.newBuilder().setDone(EmptyReply.getDefaultInstance()).setAppliedIndex(index).build());
            case BATCH -> {
                // queued together, so that an idle batcher proposes them in one entry
                List<CompletableFuture<CommandReply>> parts = new ArrayList<>(entry.getBatch().getCommandsCount());
                for (CompletableFuture<CommandReply> part : batcher.submitAll(entry.getBatch().getCommandsList(), deadline)) {
                    parts.add(part.exceptionally(e -> CommandCodec.failed(
                            unwrap(e) instanceof ClusterException ce ? ce.error() : ClusterError.TIMEOUT)));
                }
                served = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
                    BatchReply.Builder b = BatchReply.newBuilder();
                    long applied = 0; // the commands may have gone in several entries: the last one's index
                    for (CompletableFuture<CommandReply> p : parts) {
                        CommandReply r = p.join();
                        b.addReplies(r);
                        applied = Math.max(applied, r.getAppliedIndex());
                    }
                    return CommandReply.newBuilder().setBatch(b).setAppliedIndex(applied).build();
                });
            }
            // the reply carries its entry's index
            default -> served = CommandCodec.isMutation(entry) ? batcher.submit(entry, deadline) : propose(entry);
        }
        return withDeadline(served, deadline, ClusterError.TIMEOUT);
    }

    private <T> CompletableFuture<T> withDeadline(CompletableFuture<T> f, long deadlineNanos, ClusterError onTimeout) {
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        return f.orTimeout(left, TimeUnit.NANOSECONDS).handle((v, e) -> {
            if (e == null) {
                return v;
            }
            Throwable t = unwrap(e);
            if (t instanceof TimeoutException) {
                throw new ClusterException(onTimeout, t);
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(t);
        });
    }

    private CommandReply send(Command command, long deadlineNanos) {
        assert !PeerCallExecutors.onEventLoop() : "a blocking send on the peer port's event loop " + Thread.currentThread().getName();
        checkOpen();
        awaitLeaderKnown(deadlineNanos);
        if (System.nanoTime() > deadlineNanos) {
            // Queued past its deadline (the caller has already been told TIMEOUT): never sent.
            throw ClusterError.TIMEOUT.exception();
        }
        long termBefore = term();
        RaftClientReply reply;
        try {
            reply = client.io().send(Message.valueOf(KvStateMachine.wrap(command.toByteArray())));
        } catch (IOException e) {
            throw unknownOutcome(termBefore, e);
        }
        if (!reply.isSuccess()) {
            throw unknownOutcome(termBefore, reply.getException());
        }
        return CommandCodec.parseReply(reply.getMessage().getContent().toByteArray());
    }

    /** A write whose outcome is unknown: it may or may not have been applied. */
    private ClusterException unknownOutcome(long termBefore, Throwable cause) {
        if (closed.get() || cause instanceof AlreadyClosedException) {
            return new ClusterException(ClusterError.STOPPED, cause);
        }
        log.debug("write failed: {}", String.valueOf(cause));
        return new ClusterException(term() != termBefore ? ClusterError.LEADER_CHANGED : ClusterError.TIMEOUT, cause);
    }

    /**
     * Returns once this member knows a leader (itself or another); fails with NO_LEADER (nothing was sent)
     * when none is known by {@code deadlineNanos}, with STOPPED when the member closes meanwhile. Woken by
     * Ratis's leader-change notification ({@code Hooks.leaderChanged}) and by {@link #close}. No wake-up is
     * missed: Ratis sets the leader id before it notifies (every change to a known leader is notified), and
     * the id is read under the monitor the notification takes.
     */
    private void awaitLeaderKnown(long deadlineNanos) {
        synchronized (leaderKnown) {
            while (division.getInfo().getLeaderId() == null) {
                checkOpen();
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw ClusterError.NO_LEADER.exception();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(leaderKnown, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClusterException(ClusterError.STOPPED, e);
                }
            }
        }
    }

    /** Wakes the threads in {@link #awaitLeaderKnown}: the leader changed, or this member closed. */
    private void leaderKnownChanged() {
        synchronized (leaderKnown) {
            leaderKnown.notifyAll();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw ClusterError.STOPPED.exception();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(ClusterError.STOPPED, e);
        }
    }

    // ---- leases ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<LeaseGrantResult> leaseGrant(long id, long ttlSeconds) {
        if (id < 0) {
            return CompletableFuture.failedFuture(KvError.LEASE_NOT_FOUND.exception());
        }
        // etcd raises a TTL below the minimum so that a lease cannot expire during an election.
        long ttl = Math.max(ttlSeconds, minLeaseTtlSeconds);
        if (ttlSeconds > LeaseGrantRequest.MAX_TTL_SECONDS) {
            return CompletableFuture.failedFuture(KvError.LEASE_TTL_TOO_LARGE.exception());
        }
        return grant(id, ttl, 5);
    }

    private CompletableFuture<LeaseGrantResult> grant(long id, long ttl, int attemptsLeft) {
        // The id is chosen here, on the proposing side, and carried in the command: apply stays deterministic.
        long chosen = id != 0 ? id : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        return write(new LeaseGrantRequest(chosen, ttl)).thenCompose(r -> {
            if (id == 0 && attemptsLeft > 1 && r instanceof MutationResult.Rejected rej && rej.error() == KvError.LEASE_EXISTS) {
                return grant(0, ttl, attemptsLeft - 1);
            }
            return CompletableFuture.completedFuture(as(r, LeaseGrantResult.class));
        });
    }

    @Override
    public CompletableFuture<LeaseRevokeResult> leaseRevoke(long id) {
        return write(new LeaseRevokeRequest(id)).thenApply(r -> as(r, LeaseRevokeResult.class));
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        Query q = Query.newBuilder().setKeepAlive(LeaseKeepAliveQuery.newBuilder().setId(id)).build();
        return leaderQuery(q).thenComposeAsync(reply -> { // on the I/O executor: it reads the store
            long ttl = reply.getTtl();
            if (ttl <= 0) {
                return CompletableFuture.completedFuture(0L);
            }
            // A checkpointed remaining TTL would give the lease less than the TTL this keep-alive
            // promises should the leader change now: reset it before answering (etcd's Renew does).
            Optional<Lease> stored = sm.withStore(s -> s.lease(id));
            if (stored.isPresent() && stored.get().remainingTtlSeconds() > 0) {
                return write(new LeaseCheckpointRequest(List.of(new LeaseCheckpointRequest.Checkpoint(id, 0))))
                        .thenApply(r -> ttl);
            }
            return CompletableFuture.completedFuture(ttl);
        }, io);
    }

    @Override
    public CompletableFuture<LeaseStatus> leaseTimeToLive(long id, boolean withKeys) {
        Query q = Query.newBuilder().setTimeToLive(LeaseTimeToLiveQuery.newBuilder().setId(id)).build();
        return leaderQuery(q).thenApplyAsync(reply -> {
            List<io.caravel.store.Bytes> keys = withKeys && reply.getTtl() >= 0
                    ? sm.withStore(s -> s.leaseKeys(id)) : List.of();
            return new LeaseStatus(id, reply.getTtl(), reply.getGrantedTtl(), keys);
        }, io);
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return read(Consistency.LINEARIZABLE, s -> s.leases().stream().map(Lease::id).toList());
    }

    /**
     * Runs a lease query on the leader's lessor: in process when this member leads, else as a Ratis
     * read request addressed to the leader. Idempotent, so retried until the deadline when the
     * leadership moves.
     */
    private CompletableFuture<QueryReply> leaderQuery(Query q) {
        long deadline = System.nanoTime() + tuning.requestTimeout().toNanos();
        return retries.run(deadline, () -> leaderQueryAttempt(q, deadline), last -> new ClusterException(
                division.getInfo().getLeaderId() == null ? ClusterError.NO_LEADER : ClusterError.TIMEOUT, last));
    }

    /**
     * One try of {@link #leaderQuery}: fails when no leader is known, on an error, or when a member that no
     * longer leads answers {@code not_leader}. Completes on whatever thread delivered the reply (Ratis's):
     * a caller that reads the store continues on the I/O executor.
     */
    private CompletableFuture<QueryReply> leaderQueryAttempt(Query q, long deadline) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(ClusterError.STOPPED.exception());
        }
        CompletableFuture<RaftClientReply> sent;
        if (division.getInfo().isLeader()) {
            sent = localRead(q);
        } else {
            RaftPeerId leader = division.getInfo().getLeaderId();
            if (leader == null) {
                return CompletableFuture.failedFuture(ClusterError.NO_LEADER.exception());
            }
            sent = client.async().sendReadOnly(Message.valueOf(KvStateMachine.wrap(q.toByteArray())), leader);
        }
        return sent.orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).thenApply(reply -> {
            if (!reply.isSuccess()) {
                throw new CompletionException(reply.getException() != null ? reply.getException()
                        : new IllegalStateException("lease query refused without a reason"));
            }
            QueryReply r;
            try {
                r = QueryReply.parseFrom(reply.getMessage().getContent().toByteArray());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
            if (r.getNotLeader()) {
                throw ClusterError.NOT_LEADER.exception();
            }
            return r;
        });
    }

    /**
     * The leader's lessor answers keep-alive and time-to-live queries, once a leadership round begun after
     * the query arrived ({@link #leadershipRounds}) confirmed that this member still leads: Ratis's
     * ReadIndex, which ran before, may answer from a deposed leader (see {@link #linearizableBarrier}), and a
     * deposed leader's keep-alive would promise a TTL the new leader counts from its own election. A member
     * that cannot confirm answers {@code not_leader}, and the caller retries ({@link #leaderQuery}).
     */
    private CompletableFuture<QueryReply> leaseQuery(Query q) {
        QueryReply notLeader = QueryReply.newBuilder().setNotLeader(true).build();
        if (q.hasLearnerReady()) {
            if (!division.getInfo().isLeader()) {
                return CompletableFuture.completedFuture(notLeader);
            }
            return CompletableFuture.completedFuture(
                    QueryReply.newBuilder().setReady(learnerCaughtUp(q.getLearnerReady().getId())).build());
        }
        if (!q.hasKeepAlive() && !q.hasTimeToLive()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown query " + q));
        }
        // a member that does not lead fails the round at once (confirmLeadership), so it renews nothing
        return leadershipRounds.next().handle((index, err) -> {
            if (err != null) {
                return notLeader;
            }
            if (q.hasKeepAlive()) {
                long ttl = lessor.keepAlive(q.getKeepAlive().getId());
                return ttl < 0 ? notLeader : QueryReply.newBuilder().setTtl(ttl).build();
            }
            long[] t = lessor.timeToLive(q.getTimeToLive().getId());
            return t == null ? notLeader : QueryReply.newBuilder().setTtl(t[0]).setGrantedTtl(t[1]).build();
        });
    }

    /** Leader: propose a revoke for every expired lease; everyone: follow leadership changes. */
    private void leaseTick() {
        boolean leader = division.getInfo().isLeader() && division.getInfo().isLeaderReady();
        if (!leader) {
            if (lessor.isPrimary()) {
                lessor.demote();
            }
            return;
        }
        if (!lessor.isPrimary()) {
            promoteLessor();
        }
        for (long id : lessor.expired()) {
            log.info("lease {} expired; proposing its revoke", Long.toHexString(id));
            write(new LeaseRevokeRequest(id)).whenComplete((r, e) -> {
                if (e != null || (r instanceof MutationResult.Rejected rej && rej.error() != KvError.LEASE_NOT_FOUND)) {
                    lessor.revokeDone(id);
                } else {
                    lessor.revoked(id);
                }
            });
        }
    }

    private void promoteLessor() {
        synchronized (lessor) {
            if (!lessor.isPrimary()) {
                lessor.promote(sm.withStore(MvccStore::leases));
                log.info("member {} is the lease authority", MemberIds.peerId(memberId));
            }
        }
    }

    private void leaseCheckpointTick() {
        if (!lessor.isPrimary()) {
            return;
        }
        Map<Long, Long> remaining = lessor.remainingAbove(tuning.leaseCheckpointInterval().toSeconds());
        if (remaining.isEmpty()) {
            return;
        }
        List<LeaseCheckpointRequest.Checkpoint> cps = new ArrayList<>();
        remaining.forEach((id, left) -> cps.add(new LeaseCheckpointRequest.Checkpoint(id, left)));
        write(new LeaseCheckpointRequest(cps));
    }

    // ---- compaction -----------------------------------------------------------------------------

    /** Runs the store's compaction steps on the background executor after every applied compaction. */
    private void schedulePhysicalCompaction() {
        synchronized (compactionMonitor) {
            compactionsRequested++;
        }
        compactor.execute(() -> {
            long target;
            synchronized (compactionMonitor) {
                target = compactionsRequested;
            }
            try {
                while (!closed.get() && sm.withStore(MvccStore::compactStep)) {
                    Thread.onSpinWait();
                }
            } catch (RuntimeException e) {
                log.warn("physical compaction failed: {}", e.toString());
            }
            synchronized (compactionMonitor) {
                compactionsDone = Math.max(compactionsDone, target);
                compactionMonitor.notifyAll();
            }
        });
    }

    private CompletableFuture<Void> physicalCompactionDone() {
        long target;
        synchronized (compactionMonitor) {
            target = compactionsRequested;
        }
        return CompletableFuture.runAsync(() -> {
            synchronized (compactionMonitor) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (compactionsDone < target && !closed.get()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw ClusterError.TIMEOUT.exception();
                    }
                    try {
                        compactionMonitor.wait(Math.min(left, 500));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ClusterException(ClusterError.STOPPED, e);
                    }
                }
            }
        }, io);
    }

    private void autoCompactionTick() {
        boolean leader = division.getInfo().isLeader() && division.getInfo().isLeaderReady();
        long rev = currentRevision();
        long compactRev = compactRevision();
        long target = autoCompactor.tick(leader, rev, System.nanoTime());
        if (leader && target > compactRev && target <= rev) {
            log.info("auto-compaction ({}) to revision {}", config.autoCompactionMode(), target);
            write(new CompactRequest(target)).whenComplete((r, e) -> {
                if (e != null) {
                    log.warn("auto-compaction to {} failed: {}", target, e.toString());
                }
            });
        }
    }

    // ---- history --------------------------------------------------------------------------------

    @Override
    public long currentRevision() {
        return sm.withStore(MvccStore::currentRevision);
    }

    @Override
    public long compactRevision() {
        return sm.withStore(MvccStore::compactRevision);
    }

    @Override
    public EventBatch events(long fromRevision, long toRevision, int maxEvents, boolean withPrevKv) {
        return sm.withStore(s -> s.events(fromRevision, toRevision, maxEvents, withPrevKv));
    }

    @Override
    public void addCommitListener(CommitListener listener, Runnable reset) {
        Objects.requireNonNull(listener, "listener == null");
        Objects.requireNonNull(reset, "reset == null");
        resetListeners.add(reset);
        sm.addCommitListener(listener);
    }

    // ---- cluster --------------------------------------------------------------------------------

    private Member toMember(RaftPeer peer, boolean learner) {
        long id = MemberIds.fromPeerId(peer.getId().toString());
        Optional<ClusterMeta.Attributes> a = sm.meta().member(id);
        return new Member(id, a.map(ClusterMeta.Attributes::name).orElse(""),
                List.of(MemberIds.url(peer.getAddress())),
                a.map(ClusterMeta.Attributes::clientUrls).orElse(List.of()), learner);
    }

    private List<Member> currentMembers() {
        return members(ConfigurationView.of(division.getRaftConf()));
    }

    /** The members of {@code conf}, and those recorded but not yet added ({@link #pendingAdds}), by id. */
    private List<Member> members(ConfigurationView conf) {
        List<Member> out = new ArrayList<>();
        for (RaftPeer p : conf.servers()) {
            out.add(toMember(p, false));
        }
        for (RaftPeer p : conf.listeners()) {
            out.add(toMember(p, true));
        }
        for (Member m : pendingAdds.values()) {
            if (out.stream().noneMatch(x -> x.id() == m.id())) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingLong(Member::id));
        return out;
    }

    @Override
    public CompletableFuture<List<Member>> memberList() {
        return linearizableBarrier().thenApplyAsync(v -> currentMembers(), io);
    }

    @Override
    public CompletableFuture<Member> memberAdd(List<String> peerUrls, boolean learner) {
        if (peerUrls.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("peer URLs are empty"));
        }
        long id = MemberIds.memberId(peerUrls, config.clusterToken());
        String address = MemberIds.address(peerUrls.get(0));
        return memberList().thenCompose(members -> {
            for (Member m : members) {
                if (m.id() == id) {
                    throw ClusterError.MEMBER_EXISTS.exception();
                }
                if (m.peerUrls().stream().anyMatch(u -> MemberIds.address(u).equals(address))) {
                    throw ClusterError.PEER_URL_EXISTS.exception();
                }
            }
            RaftPeer peer = RaftPeer.newBuilder().setId(MemberIds.peerId(id)).setAddress(address)
                    .setStartupRole(learner ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build();
            Member member = new Member(id, "", List.of(MemberIds.url(address)), List.of(), learner);
            // Ratis stages a new peer until it has caught up, which needs the peer running; etcd
            // instead records the member first and lets it start later. So the configuration change
            // runs in the background (retried while the new member is not up yet), and the member is
            // listed as unstarted meanwhile.
            pendingAdds.put(id, member);
            CompletableFuture<Void> task = CompletableFuture.runAsync(() -> addInBackground(peer, member), io);
            addTasks.put(id, task);
            task.whenComplete((v, e) -> addTasks.remove(id, task));
            return CompletableFuture.completedFuture(member);
        });
    }

    /** True when this member's Ratis configuration has the peer, as a voter or as a learner. */
    private boolean inConfiguration(RaftPeerId peer) {
        return ConfigurationView.of(division.getRaftConf()).has(peer);
    }

    /**
     * Retries adding a recorded member until it is in the configuration. Stops as soon as this
     * member's configuration has the peer (in whatever role: a later promote may have made it a voter
     * already), or when the add was cancelled by a remove. Each attempt is a compare-and-set against
     * this member's configuration of the moment ({@link #changeConfiguration}); one made against a
     * configuration that has changed since is refused and the next attempt starts from the new one.
     */
    private void addInBackground(RaftPeer peer, Member member) {
        long id = member.id();
        boolean learner = member.learner();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try {
            while (!closed.get() && System.nanoTime() < deadline && pendingAdds.get(id) == member) {
                // one reading of the configuration both decides and is the base of the change
                ConfigurationView from = ConfigurationView.of(division.getRaftConf());
                if (from.has(peer.getId())) {
                    log.info("member {} is in the configuration", peer.getId());
                    return;
                }
                ConfigurationView to = learner ? from.withListener(peer) : from.withServer(peer);
                try {
                    RaftClientReply r = changeConfiguration(from, to);
                    if (r.isSuccess()) {
                        log.info("member {} added{}", peer.getId(), learner ? " as a learner" : "");
                        return;
                    }
                    log.info("adding member {} not done yet: {}", peer.getId(), r.getException());
                } catch (IOException e) {
                    log.info("adding member {} not done yet: {}", peer.getId(), e.toString());
                }
                sleepQuietly(500);
            }
        } finally {
            pendingAdds.remove(id, member);
        }
    }

    /**
     * Ratis's servers (voters) and listeners (etcd's learners) of one configuration. A change is
     * always made from one view to another, so that it can be sent as a compare-and-set.
     */
    record ConfigurationView(List<RaftPeer> servers, List<RaftPeer> listeners) {
        ConfigurationView {
            servers = List.copyOf(servers);
            listeners = List.copyOf(listeners);
            java.util.Set<RaftPeerId> seen = new java.util.HashSet<>();
            for (RaftPeer p : servers) {
                seen.add(p.getId());
            }
            for (RaftPeer p : listeners) {
                if (!seen.add(p.getId())) {
                    // Ratis 3.3 would register such a change as pending before finding it invalid (see changeConfiguration)
                    throw new IllegalArgumentException("peer " + p.getId() + " is both a server and a listener");
                }
            }
        }

        static ConfigurationView of(org.apache.ratis.server.RaftConfiguration conf) {
            return new ConfigurationView(List.copyOf(conf.getCurrentPeers()),
                    List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
        }

        ConfigurationView withServer(RaftPeer peer) {
            List<RaftPeer> s = new ArrayList<>(servers);
            s.add(peer);
            return new ConfigurationView(s, listeners);
        }

        ConfigurationView withListener(RaftPeer peer) {
            List<RaftPeer> l = new ArrayList<>(listeners);
            l.add(peer);
            return new ConfigurationView(servers, l);
        }

        /** True when the peer is one of the servers or one of the listeners. */
        boolean has(RaftPeerId peer) {
            return ids(servers).contains(peer) || ids(listeners).contains(peer);
        }

        /** True when both views have the same servers and the same listeners (by peer id). */
        boolean sameMembers(ConfigurationView other) {
            return ids(servers).equals(ids(other.servers)) && ids(listeners).equals(ids(other.listeners));
        }
    }

    /**
     * Sends one configuration change, {@code from} to {@code to}, as Ratis's {@code COMPARE_AND_SET}:
     * the leader applies it only while its configuration still has exactly the servers and listeners
     * of {@code from}, and refuses it otherwise before doing anything else.
     *
     * <p>Why never {@code ADD} or {@code SET_UNCONDITIONALLY}: the Ratis client resends a request
     * whose reply it did not get in time, and a resent request lands on whatever configuration the
     * leader has by then. A resent {@code SET_UNCONDITIONALLY} would undo the changes made in
     * between. A resent {@code ADD} of a learner that has since been promoted asks for a peer that is
     * both a server and a listener; Ratis 3.3's {@code LeaderStateImpl.startSetConfiguration}
     * registers the request as pending before it builds (and fails on) the new configuration, so the
     * pending request is never answered and the leader refuses every later change until it loses
     * leadership (seen in ThreeNodeIT: a member add still being resent after the promote). A
     * compare-and-set made against an older configuration is refused in
     * {@code RaftServerImpl.setConfigurationAsync}, before anything is registered.
     *
     * @return Ratis's reply, successful when the configuration is now {@code to}
     * @throws org.apache.ratis.protocol.exceptions.SetConfigurationException (an IOException) when the
     *     leader's configuration differed from {@code from}, which includes the case where a resent
     *     copy of this very request already made it {@code to}; other IOExceptions when no leader
     *     answered in time
     */
    RaftClientReply changeConfiguration(ConfigurationView from, ConfigurationView to) throws IOException {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(from.servers())
                .setListenersInCurrentConf(from.listeners())
                .setServersInNewConf(to.servers())
                .setListenersInNewConf(to.listeners())
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build();
        return adminClient.admin().setConfiguration(args);
    }

    /**
     * Changes the Ratis configuration: {@code change} gets this member's current configuration (after
     * a linearizable barrier) as mutable lists of servers and listeners and edits them; the result is
     * sent as a compare-and-set ({@link #changeConfiguration}) and awaited. Built from the Ratis
     * configuration, not from the member list, so a member recorded but not yet added
     * ({@link #pendingAdds}) is neither dropped nor added by it. When Ratis answers success, the new
     * configuration is committed, and the answer is its member list, made before the change was sent (a
     * member that removed itself is shutting down by then, as etcd's does after answering). When Ratis
     * refuses the change or the call fails, this member's configuration decides, read once a linearizable
     * barrier after the attempt has been applied here: if it is the wanted one (a resent copy of the request
     * got through), the change succeeded; otherwise it fails with {@link ClusterError#TIMEOUT}, as etcd
     * answers a change it could not make in time.
     */
    private CompletableFuture<List<Member>> reconfigure(java.util.function.BiConsumer<List<RaftPeer>, List<RaftPeer>> change) {
        return linearizableBarrier().thenApplyAsync(v -> {
            ConfigurationView from = ConfigurationView.of(division.getRaftConf());
            List<RaftPeer> servers = new ArrayList<>(from.servers());
            List<RaftPeer> listeners = new ArrayList<>(from.listeners());
            change.accept(servers, listeners);
            ConfigurationView to = new ConfigurationView(servers, listeners);
            List<Member> answer = members(to);
            try {
                RaftClientReply r = changeConfiguration(from, to);
                return new Attempt(to, answer, r.isSuccess() ? null : r.getException());
            } catch (IOException e) {
                return new Attempt(to, answer, e);
            }
        }, io).thenCompose(attempt -> attempt.failure() == null
                ? CompletableFuture.completedFuture(attempt.answer())
                : linearizableBarrier().thenApply(v -> {
                    // If a copy of the change was committed, an entry proposed after it has now been applied
                    // here, so this member has appended that configuration.
                    if (!ConfigurationView.of(division.getRaftConf()).sameMembers(attempt.to())) {
                        throw new ClusterException(ClusterError.TIMEOUT, attempt.failure());
                    }
                    return attempt.answer();
                }));
    }

    /** One configuration change sent: the configuration wanted, its member list, and, if Ratis refused it, why. */
    private record Attempt(ConfigurationView to, List<Member> answer, Throwable failure) {
    }

    private static java.util.Set<RaftPeerId> ids(java.util.Collection<RaftPeer> peers) {
        java.util.Set<RaftPeerId> out = new java.util.HashSet<>();
        for (RaftPeer p : peers) {
            out.add(p.getId());
        }
        return out;
    }

    private static Member find(List<Member> members, long id) {
        return members.stream().filter(m -> m.id() == id).findFirst()
                .orElseThrow(ClusterError.MEMBER_NOT_FOUND::exception);
    }

    /**
     * etcd's MemberRemove. A member still being added by this member ({@link #pendingAdds}) has its
     * background add cancelled first; once that add has stopped, the member is removed from the Ratis
     * configuration if the add got it there, else it is gone already.
     */
    @Override
    public CompletableFuture<List<Member>> memberRemove(long id) {
        RaftPeerId peerId = RaftPeerId.valueOf(MemberIds.peerId(id));
        boolean wasPending = pendingAdds.remove(id) != null;
        CompletableFuture<Void> task = addTasks.get(id);
        CompletableFuture<Void> stopped = task == null ? CompletableFuture.completedFuture(null)
                : task.handle((v, e) -> (Void) null)
                        .completeOnTimeout(null, tuning.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return stopped.thenCompose(v -> linearizableBarrier()).thenCompose(v -> {
            if (!inConfiguration(peerId)) {
                if (wasPending) {
                    log.info("pending add of member {} cancelled", peerId);
                    return CompletableFuture.completedFuture(currentMembers());
                }
                throw ClusterError.MEMBER_NOT_FOUND.exception();
            }
            return reconfigure((servers, listeners) -> {
                boolean found = servers.removeIf(p -> p.getId().equals(peerId))
                        | listeners.removeIf(p -> p.getId().equals(peerId));
                if (!found) {
                    throw ClusterError.MEMBER_NOT_FOUND.exception();
                }
                if (servers.isEmpty()) {
                    throw ClusterError.MEMBER_NOT_ENOUGH_STARTED.exception();
                }
            });
        });
    }

    /**
     * etcd's MemberUpdate. Ratis 3.3 cannot move a peer to a new address in place: a configuration
     * change that differs only in addresses is taken as "no change" ({@code hasNoChange} compares ids
     * and priorities), and the members' connection pools keep the old address of a known peer id. So an
     * update to the URL the member already has succeeds, any other fails with
     * {@link ClusterError#NOT_CAPABLE}; to move a member, remove it and add it at the new URL.
     */
    @Override
    public CompletableFuture<List<Member>> memberUpdate(long id, List<String> peerUrls) {
        if (peerUrls.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("peer URLs are empty"));
        }
        return memberList().thenApply(members -> {
            Member m = find(members, id);
            String address = MemberIds.address(peerUrls.get(0));
            for (Member other : members) {
                if (other.id() != id && other.peerUrls().stream().anyMatch(u -> MemberIds.address(u).equals(address))) {
                    throw ClusterError.PEER_URL_EXISTS.exception();
                }
            }
            if (m.peerUrls().stream().noneMatch(u -> MemberIds.address(u).equals(address))) {
                throw ClusterError.NOT_CAPABLE.exception();
            }
            return members;
        });
    }

    /**
     * etcd's MemberPromote. The learner must be in the Ratis configuration (a member still being added
     * is not ready) and in sync by the leader's account: a member that does not lead asks the leader
     * (a read-only query, like lease keep-alives). The change moves the peer from the listeners to the
     * servers of the current Ratis configuration and leaves every other member as it is.
     */
    @Override
    public CompletableFuture<List<Member>> memberPromote(long id) {
        RaftPeerId peerId = RaftPeerId.valueOf(MemberIds.peerId(id));
        Query ready = Query.newBuilder().setLearnerReady(LearnerReadyQuery.newBuilder().setId(id)).build();
        return linearizableBarrier().thenComposeAsync(v -> {
            checkLearner(peerId, id);
            return leaderQuery(ready);
        }, io).thenCompose(reply -> {
            if (!reply.getReady()) {
                throw ClusterError.LEARNER_NOT_READY.exception();
            }
            return reconfigure((servers, listeners) -> {
                RaftPeer learner = listeners.stream().filter(p -> p.getId().equals(peerId)).findFirst().orElse(null);
                if (learner == null) {
                    checkLearner(peerId, id);
                    throw ClusterError.LEARNER_NOT_READY.exception();
                }
                listeners.remove(learner);
                servers.add(RaftPeer.newBuilder(learner).setStartupRole(RaftPeerRole.FOLLOWER).build());
            });
        });
    }

    /** Throws unless this member's configuration has the peer as a learner (listener). */
    private void checkLearner(RaftPeerId peerId, long id) {
        var conf = division.getRaftConf();
        if (conf.getPeer(peerId, RaftPeerRole.FOLLOWER) != null) {
            throw ClusterError.MEMBER_NOT_LEARNER.exception();
        }
        if (conf.getPeer(peerId, RaftPeerRole.LISTENER) != null) {
            return;
        }
        Member pending = pendingAdds.get(id);
        if (pending == null) {
            throw ClusterError.MEMBER_NOT_FOUND.exception();
        }
        if (!pending.learner()) {
            throw ClusterError.MEMBER_NOT_LEARNER.exception();
        }
        throw ClusterError.LEARNER_NOT_READY.exception();
    }

    /**
     * etcd promotes a learner only when it is within 90% of the leader's progress. Only the leader knows
     * the members' progress (the commit indexes they report): elsewhere, and when the leader has no
     * report from the learner yet, the answer is "not ready".
     * A small absolute gap is always accepted, so a young cluster's short log does not block promotion.
     */
    private boolean learnerCaughtUp(long id) {
        if (!division.getInfo().isLeader()) {
            return false;
        }
        long leaderCommit = division.getRaftLog().getLastCommittedIndex();
        for (var info : division.getCommitInfos()) {
            if (info.getServer().getId().toStringUtf8().equals(MemberIds.peerId(id))) {
                long learner = info.getCommitIndex();
                return learner * 10 >= leaderCommit * 9 || leaderCommit - learner <= 100;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<Void> moveLeader(long targetId) {
        return memberList().thenAcceptAsync(members -> {
            Member target = members.stream().filter(m -> m.id() == targetId).findFirst()
                    .orElseThrow(ClusterError.BAD_LEADER_TRANSFEREE::exception);
            if (target.learner()) {
                throw ClusterError.BAD_LEADER_TRANSFEREE.exception();
            }
            if (!division.getInfo().isLeader()) {
                throw ClusterError.NOT_LEADER.exception();
            }
            if (targetId == memberId) {
                return;
            }
            try {
                RaftClientReply r = adminClient.admin().transferLeadership(RaftPeerId.valueOf(MemberIds.peerId(targetId)),
                        tuning.requestTimeout().toMillis());
                if (!r.isSuccess()) {
                    throw new ClusterException(ClusterError.TIMEOUT, r.getException());
                }
            } catch (IOException e) {
                throw new ClusterException(ClusterError.TIMEOUT, e);
            }
        }, io);
    }

    // ---- maintenance ----------------------------------------------------------------------------

    @Override
    public CompletableFuture<HashResult> hashKv(long revision) {
        return CompletableFuture.supplyAsync(() -> sm.withStore(s -> s.hashKv(revision)), reads);
    }

    @Override
    public CompletableFuture<Void> snapshot(OutputStream out) {
        return CompletableFuture.runAsync(() -> {
            Path dir = null;
            try {
                dir = localCheckpoint();
                CheckpointArchive.write(dir, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (dir != null) {
                    deleteTree(dir);
                }
            }
        }, io);
    }

    /** A checkpoint of this member's store and cluster meta, in a new temporary directory. */
    private Path localCheckpoint() throws IOException {
        Path base = config.dataDirectory().resolve("checkpoints");
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base, "cp-");
        sm.withStore(s -> {
            s.checkpoint(dir.resolve("store"));
            return null;
        });
        Path metaFile = config.dataDirectory().resolve("meta").resolve(ClusterMeta.FILE_NAME);
        if (Files.exists(metaFile)) {
            Files.createDirectories(dir.resolve("meta"));
            Files.copy(metaFile, dir.resolve("meta").resolve(ClusterMeta.FILE_NAME));
        }
        return dir;
    }

    /** Served to followers that fell behind the purged log (only the leader is asked). */
    private Path leaderCheckpoint() throws IOException {
        return localCheckpoint();
    }

    private void fetchCheckpoint(RoleInfoProto role, Path target) throws IOException {
        RaftPeerProto leader = role.getFollowerInfo().getLeaderInfo().getId();
        String address = leader.getAddress();
        if (address.isEmpty()) {
            RaftPeerId id = division.getInfo().getLeaderId();
            RaftPeer p = id == null ? null : division.getRaftConf().getPeer(id);
            if (p == null) {
                throw new IOException("leader address unknown");
            }
            address = p.getAddress();
        }
        log.info("downloading a checkpoint from the leader at {}", address);
        CheckpointService.download(address, target, Duration.ofMinutes(10));
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return CompletableFuture.runAsync(() -> sm.withStore(s -> {
            s.defragment();
            return null;
        }), io);
    }

    @Override
    public boolean published() {
        return published;
    }

    @Override
    public List<Alarm> alarms() {
        return sm == null || sm.meta() == null ? List.of() : sm.meta().alarms();
    }

    @Override
    public CompletableFuture<List<Alarm>> alarmDisarm(Alarm alarm) {
        Command c = Command.newBuilder().setAlarm(AlarmCmd.newBuilder().setAction(AlarmCmd.Action.DEACTIVATE)
                .setMemberId(alarm.memberId()).setTypeValue(alarm.type().ordinal())).build();
        return propose(c).thenApply(r -> alarms());
    }

    /**
     * Publishes this member's name and client URLs through Raft until they are applied (etcd's publish);
     * polled every 100 ms, a no-op once published.
     */
    private void publishTick() {
        if (published || publishing) {
            return;
        }
        Optional<ClusterMeta.Attributes> mine = sm.meta().member(memberId);
        if (mine.isPresent() && mine.get().name().equals(config.name())
                && mine.get().clientUrls().equals(config.clientUrls())) {
            published = true;
        } else if (division.getInfo().getLeaderId() != null) {
            publishing = true;
            Command c = Command.newBuilder().setPublish(PublishCmd.newBuilder().setMemberId(memberId)
                    .setName(config.name()).addAllClientUrls(config.clientUrls())).build();
            propose(c).whenComplete((r, e) -> {
                published = e == null;
                publishing = false;
                if (e == null) {
                    log.info("member {} published its name and client URLs {}", config.name(), config.clientUrls());
                }
            });
        }
    }

    /** Stops a member Ratis shut down; raises NOSPACE when over quota. */
    private void housekeepingTick() {
        if (!division.getInfo().isAlive()) {
            // Ratis shut the division down: this member was removed from the group (or failed).
            log.warn("Ratis closed member {} (removed from the group, or a fatal error logged by Ratis above); stopping",
                    MemberIds.peerId(memberId));
            io.execute(this::close);
            return;
        }
        if (config.quotaBackendBytes() > 0 && sm.withStore(MvccStore::sizeBytes) > config.quotaBackendBytes()
                && alarms().stream().noneMatch(a -> a.memberId() == memberId && a.type() == Alarm.Type.NOSPACE)
                && division.getInfo().getLeaderId() != null) {
            log.warn("store size exceeds the quota of {} bytes: raising NOSPACE", config.quotaBackendBytes());
            Command c = Command.newBuilder().setAlarm(AlarmCmd.newBuilder().setAction(AlarmCmd.Action.ACTIVATE)
                    .setMemberId(memberId).setType(AlarmCmd.Type.NOSPACE)).build();
            propose(c);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        leaderKnownChanged();
        batcher.close();
        forwarder.close();
        scheduler.shutdownNow();
        retries.close();
        compactor.shutdownNow();
        for (RaftClient c : new RaftClient[] {client, adminClient}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException | RuntimeException e) {
                log.warn("closing a Raft client failed: {}", e.toString());
            }
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("closing the Raft server failed: {}", e.toString());
        }
        try {
            if (sm != null) {
                sm.close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("closing the state machine failed: {}", e.toString());
        }
        io.shutdownNow();
        reads.shutdownNow();
        peerCalls.shutdownNow();
        log.info("member {} stopped", config.name());
    }

    /** The state machine's callbacks. */
    private final class Hooks implements KvStateMachine.Hooks {
        @Override
        public void applied(Mutation mutation, ApplyResult result) {
            if (mutation instanceof LeaseGrantRequest g && result.result() instanceof LeaseGrantResult) {
                lessor.granted(g.id(), g.ttlSeconds());
            } else if (mutation instanceof LeaseRevokeRequest r) {
                lessor.revoked(r.id());
            } else if (mutation instanceof CompactRequest && result.result() instanceof CompactResult) {
                schedulePhysicalCompaction();
            }
        }

        @Override
        public void metaChanged() {
            // Member attributes and alarms are read from the meta on demand.
        }

        @Override
        public CompletableFuture<QueryReply> leaseQuery(Query query) {
            return RatisReplicatedKv.this.leaseQuery(query);
        }

        @Override
        public void leaderReady() {
            promoteLessor();
        }

        @Override
        public void leaderChanged(RaftPeerId leaderId) {
            leaderKnownChanged();
            if (!selfPeerId.equals(leaderId)) {
                lessor.demote();
            }
        }

        @Override
        public void configurationChanged(RaftConfigurationProto conf) {
            for (RaftPeerProto p : conf.getPeersList()) {
                pendingAdds.remove(MemberIds.fromPeerId(p.getId().toStringUtf8()));
            }
            for (RaftPeerProto p : conf.getListenersList()) {
                pendingAdds.remove(MemberIds.fromPeerId(p.getId().toStringUtf8()));
            }
        }

        @Override
        public void storeReplaced() {
            for (Runnable r : resetListeners) {
                r.run();
            }
        }

        @Override
        public void fatal(String what, Throwable cause) {
            log.error("FATAL on member {}: {}; stopping the member", config.name(), what, cause);
            Thread t = new Thread(RatisReplicatedKv.this::close, "caravel-fatal-stop");
            t.setDaemon(true);
            t.start();
        }
    }
}
