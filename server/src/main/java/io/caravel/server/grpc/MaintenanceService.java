package io.caravel.server.grpc;

import com.google.protobuf.ByteString;
import io.caravel.raft.Alarm;
import io.caravel.raft.NodeStatus;
import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.AlarmRequest;
import io.caravel.server.grpc.pb.AlarmResponse;
import io.caravel.server.grpc.pb.DefragmentRequest;
import io.caravel.server.grpc.pb.DefragmentResponse;
import io.caravel.server.grpc.pb.HashKVRequest;
import io.caravel.server.grpc.pb.HashKVResponse;
import io.caravel.server.grpc.pb.HashRequest;
import io.caravel.server.grpc.pb.HashResponse;
import io.caravel.server.grpc.pb.MaintenanceGrpc;
import io.caravel.server.grpc.pb.MoveLeaderRequest;
import io.caravel.server.grpc.pb.MoveLeaderResponse;
import io.caravel.server.grpc.pb.SnapshotRequest;
import io.caravel.server.grpc.pb.SnapshotResponse;
import io.caravel.server.grpc.pb.StatusRequest;
import io.caravel.server.grpc.pb.StatusResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code Maintenance} service. Status reports the leader's member id so that etcdctl prints
 * IS LEADER for the member whose id it is. Snapshot streams a consistent copy of this member's store in
 * chunks of 32 KiB with {@code remaining_bytes}, honouring gRPC flow control (the copy is spooled to a
 * temporary file first, so a slow client never holds the store), padded and followed by its SHA-256 as
 * etcd's clients expect ({@link #appendChecksum}). Thread-safe; file work runs on
 * {@code ioExecutor}, never on a gRPC thread.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);
    static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;

    private final ReplicatedKv kv;
    private final ServiceLimits limits;
    private final Executor ioExecutor;
    private final Path tempDirectory;

    public MaintenanceService(ReplicatedKv kv, ServiceLimits limits, Executor ioExecutor, Path tempDirectory) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.limits = Objects.requireNonNull(limits, "limits == null");
        this.ioExecutor = Objects.requireNonNull(ioExecutor, "ioExecutor == null");
        this.tempDirectory = Objects.requireNonNull(tempDirectory, "tempDirectory == null");
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        // status reads the store's size from RocksDB: off the gRPC thread
        Replies.call(() -> CompletableFuture.supplyAsync(kv::status, ioExecutor), observer, this::statusResponse);
    }

    private StatusResponse statusResponse(NodeStatus s) {
        return StatusResponse.newBuilder()
                .setHeader(WireFormat.header(s.header()))
                .setVersion(s.version())
                .setDbSize(s.dbSize())
                .setLeader(s.leaderId())
                .setRaftIndex(s.raftIndex())
                .setRaftTerm(s.raftTerm())
                .setRaftAppliedIndex(s.raftAppliedIndex())
                .addAllErrors(s.errors())
                .setDbSizeInUse(s.dbSizeInUse())
                .setIsLearner(s.learner())
                .setDbSizeQuota(limits.quotaBackendBytes())
                .build();
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> observer) {
        // etcd hashes its whole bolt file; we hash the key-value history, which replicas share the same way.
        Replies.call(() -> kv.hashKv(0), observer, h -> HashResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header(h.revision())))
                .setHash((int) h.hash())
                .build());
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        Replies.call(() -> kv.hashKv(request.getRevision()), observer, h -> HashKVResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header()))
                .setHash((int) h.hash())
                .setCompactRevision(h.compactRevision())
                .setHashRevision(h.revision())
                .build());
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
        Replies.call(kv::defragment, observer,
                v -> DefragmentResponse.newBuilder().setHeader(WireFormat.header(kv.header())).build());
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        switch (request.getAction()) {
            case GET -> Replies.call(() -> CompletableFuture.completedFuture(kv.alarms()), observer, this::alarmResponse);
            case DEACTIVATE -> Replies.call(() -> {
                long member = request.getMemberID();
                Alarm.Type type = WireFormat.alarmType(request.getAlarm());
                // etcdctl's "alarm disarm" sends one DEACTIVATE per listed alarm, with its member and type.
                return kv.alarmDisarm(new Alarm(member, type));
            }, observer, this::alarmResponse);
            case ACTIVATE -> observer.onError(Status.UNIMPLEMENTED
                    .withDescription("caravel: alarms are raised by the server only (NOSPACE when the backend quota is exceeded)")
                    .asRuntimeException());
            default -> observer.onError(Status.INVALID_ARGUMENT.withDescription("etcdserver: unknown alarm action").asRuntimeException());
        }
    }

    private AlarmResponse alarmResponse(List<Alarm> alarms) {
        AlarmResponse.Builder b = AlarmResponse.newBuilder().setHeader(WireFormat.header(kv.header()));
        for (Alarm a : alarms) {
            if (a.type() != Alarm.Type.NONE) {
                b.addAlarms(WireFormat.alarm(a));
            }
        }
        return b.build();
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> observer) {
        Replies.call(() -> kv.moveLeader(request.getTargetID()), observer,
                v -> MoveLeaderResponse.newBuilder().setHeader(WireFormat.header(kv.header())).build());
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> responses) {
        ServerCallStreamObserver<SnapshotResponse> out = (ServerCallStreamObserver<SnapshotResponse>) responses;
        // Flow-control handlers may only be set before this method returns (grpc-java freezes the
        // observer then), so the sender is wired now. This method runs on a transport thread: the copy is
        // spooled on the I/O executor and the sender starts once it is.
        SnapshotSender sender = new SnapshotSender(out);
        onIo(() -> spool(sender), sender::fail);
    }

    /** Writes this member's snapshot to a temporary file for {@code sender}, then starts it. */
    private void spool(SnapshotSender sender) {
        Path file;
        OutputStream fileOut;
        try {
            Files.createDirectories(tempDirectory);
            file = Files.createTempFile(tempDirectory, "snapshot-", ".db");
            fileOut = Files.newOutputStream(file);
        } catch (IOException e) {
            sender.fail(Status.INTERNAL.withDescription("cannot spool the snapshot: " + e).asRuntimeException());
            return;
        }
        sender.spoolingTo(file);
        CompletableFuture<Void> written;
        try {
            written = kv.snapshot(fileOut);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenCompleteAsync((v, error) -> {
            Throwable failure = error;
            try {
                fileOut.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            if (failure == null) {
                try {
                    appendChecksum(file);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                sender.fail(failure);
                return;
            }
            sender.start();
        }, ioExecutor);
    }

    /**
     * Runs {@code task} on the I/O executor. When that executor no longer takes tasks (the node is
     * stopping), {@code rejected} runs instead, on the calling thread: it must be cheap and never wait.
     */
    private void onIo(Runnable task, java.util.function.Consumer<RejectedExecutionException> rejected) {
        try {
            ioExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.accept(e);
        }
    }

    /**
     * Makes the stream what etcd's clients verify: etcd sends its bbolt file (a whole number of pages)
     * followed by the SHA-256 of it, and etcdctl 3.4's {@code snapshot save} refuses a download whose
     * size is not {@code 512*n + 32} or whose last 32 bytes are not the SHA-256 of the rest ("sha256
     * checksum not found"). The archive is padded with zeros to a multiple of 512 (its reader stops at its
     * own end marker, so the padding is ignored on restore), then the digest is appended.
     */
    static void appendChecksum(Path file) throws IOException {
        long size = Files.size(file);
        int pad = (int) ((512 - size % 512) % 512);
        try (OutputStream o = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            o.write(new byte[pad]);
        }
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
            }
        }
        try (OutputStream o = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            o.write(sha.digest());
        }
    }

    /**
     * Streams a spooled snapshot file when the client is ready for more, then deletes it. Its gRPC handlers run
     * on a transport thread and never wait for its lock (which a send holds while it reads the file): they only
     * hand work to the I/O executor.
     */
    private final class SnapshotSender implements Runnable {
        private final ServerCallStreamObserver<SnapshotResponse> out;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean started; // the file is spooled and open: sends may run
        private Path file; // guarded by this; null until spooling starts
        private InputStream in; // guarded by this
        private long remaining; // guarded by this
        private boolean finished; // guarded by this
        private String version = ""; // guarded by this

        SnapshotSender(ServerCallStreamObserver<SnapshotResponse> out) {
            this.out = out;
            // At shutdown the clean-up runs here: no send can start any more, so the lock is free or soon is.
            out.setOnCancelHandler(() -> onIo(() -> finish(null), stopping -> finish(null)));
            out.setOnReadyHandler(this::schedule);
        }

        /** The file being spooled; deleted at once if the call already ended. */
        synchronized void spoolingTo(Path spool) {
            file = spool;
            if (finished) {
                deleteQuietly(spool);
            }
        }

        synchronized void start() {
            if (finished) {
                return;
            }
            try {
                version = kv.status().version();
                remaining = Files.size(file);
                in = Files.newInputStream(file);
            } catch (IOException | RuntimeException e) {
                finish(e);
                return;
            }
            started = true;
            schedule();
        }

        synchronized void fail(Throwable error) {
            if (finished) {
                return;
            }
            finished = true;
            cleanUp();
            if (!out.isCancelled()) {
                out.onError(GrpcErrors.toException(error));
            }
        }

        /** Queues a send on the I/O executor unless one is queued; takes no lock (called on transport threads). */
        private void schedule() {
            if (started && scheduled.compareAndSet(false, true)) {
                // stopping: no send runs; the call ends when the server cancels it (the cancel handler cleans up)
                onIo(this, stopping -> scheduled.set(false));
            }
        }

        @Override
        public void run() {
            scheduled.set(false);
            synchronized (this) {
                if (finished) {
                    return;
                }
                try {
                    while (out.isReady() && !finished) {
                        byte[] chunk = in.readNBytes((int) Math.min(SNAPSHOT_CHUNK_BYTES, Math.max(remaining, 1)));
                        remaining -= chunk.length;
                        if (chunk.length == 0 || remaining <= 0) {
                            remaining = Math.max(remaining, 0);
                            out.onNext(chunk(chunk));
                            finished = true;
                            out.onCompleted();
                            cleanUp();
                            return;
                        }
                        out.onNext(chunk(chunk));
                    }
                } catch (IOException | UncheckedIOException | IllegalStateException e) {
                    finish(e);
                }
            }
        }

        private SnapshotResponse chunk(byte[] chunk) {
            return SnapshotResponse.newBuilder()
                    .setHeader(WireFormat.header(kv.header()))
                    .setRemainingBytes(remaining)
                    .setBlob(ByteString.copyFrom(chunk))
                    .setVersion(version)
                    .build();
        }

        private synchronized void finish(Exception error) {
            if (finished) {
                return;
            }
            finished = true;
            cleanUp();
            if (error != null && !out.isCancelled()) {
                LOG.warn("snapshot stream failed", error);
                out.onError(Status.INTERNAL.withDescription("snapshot failed: " + error).asRuntimeException());
            }
        }

        private void cleanUp() {
            try {
                if (in != null) {
                    in.close();
                }
            } catch (IOException ignored) {
                // closing a read-only file
            }
            if (file != null) {
                deleteQuietly(file);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}", file, e);
        }
    }
}
