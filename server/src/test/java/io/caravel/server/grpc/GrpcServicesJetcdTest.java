package io.caravel.server.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.raft.Alarm;
import io.caravel.server.grpc.pb.WatchCreateRequest;
import io.caravel.server.grpc.pb.WatchGrpc;
import io.caravel.server.grpc.pb.WatchRequest;
import io.caravel.server.metrics.RequestMetrics;
import io.caravel.server.testing.LocalReplicatedKv;
import io.caravel.server.watch.ReplicatedWatchHub;
import io.caravel.watch.WatchHub;
import io.caravel.watch.WatchHubOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC services driven by jetcd over loopback, against a single-member {@link LocalReplicatedKv}: the
 * wire format, headers and etcd's exact error codes and messages, without Raft.
 */
@Timeout(60)
class GrpcServicesJetcdTest {
    @TempDir
    Path temp;

    private LocalReplicatedKv node;
    private ExecutorService executor;
    private WatchHub hub;
    private EtcdGrpcServer server;
    private Client client;
    private KV kv;
    private final RequestMetrics metrics = new RequestMetrics();

    @BeforeEach
    void start() {
        node = new LocalReplicatedKv();
        executor = Executors.newCachedThreadPool();
        hub = ReplicatedWatchHub.start(node, WatchHubOptions.defaults());
        server = EtcdGrpcServer.start(node, hub, List.of(new InetSocketAddress("127.0.0.1", 0)),
                ServiceLimits.defaults(), executor, temp, metrics);
        client = Client.builder().endpoints("http://127.0.0.1:" + server.port()).build();
        kv = client.getKVClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        hub.close();
        node.close();
        executor.shutdownNow();
    }

    private void awaitNoSpooledSnapshot() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (var files = java.nio.file.Files.list(temp)) {
                List<Path> spooled = files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).toList();
                if (spooled.isEmpty()) {
                    return;
                }
                assertThat(System.nanoTime()).as("spooled snapshots left: %s", spooled).isLessThan(deadline);
            }
            Thread.sleep(20); // polling a condition, bounded by the deadline above
        }
    }

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    @Test
    void putGetDeleteWithHeaders() throws Exception {
        var put = kv.put(b("a"), b("1")).get();
        assertThat(put.getHeader().getRevision()).isEqualTo(2);
        assertThat(put.getHeader().getClusterId()).isEqualTo(LocalReplicatedKv.CLUSTER_ID);
        assertThat(put.getHeader().getMemberId()).isEqualTo(LocalReplicatedKv.MEMBER_ID);
        kv.put(b("a"), b("2")).get();
        kv.put(b("ab"), b("3")).get();
        var get = kv.get(b("a")).get();
        assertThat(get.getKvs()).hasSize(1);
        assertThat(get.getKvs().get(0).getValue().toString(UTF_8)).isEqualTo("2");
        assertThat(get.getKvs().get(0).getVersion()).isEqualTo(2);
        assertThat(get.getKvs().get(0).getCreateRevision()).isEqualTo(2);
        assertThat(get.getKvs().get(0).getModRevision()).isEqualTo(3);
        var prefix = kv.get(b("a"), GetOption.builder().isPrefix(true).withLimit(1).build()).get();
        assertThat(prefix.getKvs()).hasSize(1);
        assertThat(prefix.getCount()).isEqualTo(2);
        assertThat(prefix.isMore()).isTrue();
        var del = kv.delete(b("a"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).withPrevKV(true).build()).get();
        assertThat(del.getDeleted()).isEqualTo(2);
        assertThat(del.getPrevKvs()).hasSize(2);
        assertThat(kv.get(b("a")).get().getKvs()).isEmpty();
        assertThat(metrics.count("etcdserverpb.KV/Put", "OK")).isEqualTo(3);
    }

    @Test
    void txnCreateIfAbsent() throws Exception {
        TxnResponse first = kv.txn()
                .If(new Cmp(b("lock"), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(b("lock"), b("me"), PutOption.DEFAULT))
                .Else(Op.get(b("lock"), GetOption.DEFAULT))
                .commit().get();
        assertThat(first.isSucceeded()).isTrue();
        assertThat(first.getPutResponses()).hasSize(1);
        TxnResponse second = kv.txn()
                .If(new Cmp(b("lock"), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(b("lock"), b("you"), PutOption.DEFAULT))
                .Else(Op.get(b("lock"), GetOption.DEFAULT))
                .commit().get();
        assertThat(second.isSucceeded()).isFalse();
        assertThat(second.getGetResponses().get(0).getKvs().get(0).getValue().toString(UTF_8)).isEqualTo("me");
    }

    @Test
    void etcdErrorsByCodeAndMessage() throws Exception {
        kv.put(b("k"), b("v")).get();
        long rev = kv.put(b("k"), b("v2")).get().getHeader().getRevision();
        kv.compact(rev).get();

        assertEtcdError(() -> kv.get(b("k"), GetOption.builder().withRevision(rev - 1).build()).get(),
                io.grpc.Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
        assertEtcdError(() -> kv.get(b("k"), GetOption.builder().withRevision(rev + 100).build()).get(),
                io.grpc.Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
        assertEtcdError(() -> kv.put(b(""), b("v")).get(),
                io.grpc.Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
        assertEtcdError(() -> kv.put(b("x"), b("v"), PutOption.builder().withLeaseId(999).build()).get(),
                io.grpc.Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
        assertEtcdError(() -> client.getLeaseClient().revoke(999).get(),
                io.grpc.Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
        Op[] ops = new Op[129];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Op.put(b("t" + i), b("v"), PutOption.DEFAULT);
        }
        assertEtcdError(() -> kv.txn().Then(ops).commit().get(),
                io.grpc.Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
        assertEtcdError(() -> kv.txn().Then(Op.put(b("d"), b("1"), PutOption.DEFAULT), Op.put(b("d"), b("2"), PutOption.DEFAULT)).commit().get(),
                io.grpc.Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
        ByteSequence big = ByteSequence.from(new byte[ServiceLimits.DEFAULT_MAX_REQUEST_BYTES + 1]);
        assertEtcdError(() -> kv.put(b("big"), big).get(),
                io.grpc.Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
        // nothing of it was stored
        assertThat(kv.get(b("big")).get().getCount()).isZero();
        assertThat(kv.get(b("t0")).get().getCount()).isZero();
        assertThat(kv.get(b("k")).get().getHeader().getRevision()).isEqualTo(rev);
    }

    /** jetcd hands etcd's status through as is: the code and the exact description clients map by. */
    static void assertEtcdError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, io.grpc.Status.Code code, String message) {
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class)
                .satisfies(e -> {
                    io.grpc.Status status = io.grpc.Status.fromThrowable(e.getCause());
                    assertThat(status.getCode()).isEqualTo(code);
                    assertThat(status.getDescription()).isEqualTo(message);
                });
    }

    @Test
    void leases() throws Exception {
        var lease = client.getLeaseClient();
        long id = lease.grant(30).get().getID();
        kv.put(b("l"), b("v"), PutOption.builder().withLeaseId(id).build()).get();
        assertThat(lease.keepAliveOnce(id).get().getTTL()).isEqualTo(30);
        var ttl = lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get();
        assertThat(ttl.getGrantedTTL()).isEqualTo(30);
        assertThat(ttl.getKeys()).containsExactly(b("l"));
        lease.revoke(id).get();
        assertThat(kv.get(b("l")).get().getCount()).isZero();
        assertThat(lease.timeToLive(id, LeaseOption.DEFAULT).get().getTTL()).isEqualTo(-1);
    }

    @Test
    void watchFromRevisionLiveFiltersAndCompaction() throws Exception {
        long r1 = kv.put(b("w/1"), b("a")).get().getHeader().getRevision();
        kv.put(b("w/2"), b("b")).get();
        kv.delete(b("w/1")).get();
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        Watch.Watcher watcher = client.getWatchClient().watch(b("w/"),
                WatchOption.builder().isPrefix(true).withRevision(r1).withPrevKV(true).build(),
                (WatchResponse r) -> events.addAll(r.getEvents()));
        WatchEvent e1 = events.poll(10, TimeUnit.SECONDS);
        assertThat(e1.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
        assertThat(e1.getKeyValue().getKey()).isEqualTo(b("w/1"));
        assertThat(events.poll(10, TimeUnit.SECONDS).getKeyValue().getKey()).isEqualTo(b("w/2"));
        WatchEvent del = events.poll(10, TimeUnit.SECONDS);
        assertThat(del.getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
        assertThat(del.getPrevKV().getValue()).isEqualTo(b("a"));
        kv.put(b("other"), b("x")).get();
        kv.put(b("w/3"), b("c")).get();
        WatchEvent live = events.poll(10, TimeUnit.SECONDS);
        assertThat(live.getKeyValue().getKey()).isEqualTo(b("w/3"));
        assertThat(live.getKeyValue().getVersion()).isEqualTo(1);
        watcher.close();

        // NOPUT filter: only the delete arrives
        BlockingQueue<WatchEvent> deletes = new LinkedBlockingQueue<>();
        Watch.Watcher onlyDeletes = client.getWatchClient().watch(b("w/3"),
                WatchOption.builder().withNoPut(true).build(), r -> deletes.addAll(r.getEvents()));
        Thread.sleep(200);
        kv.put(b("w/3"), b("d")).get();
        kv.delete(b("w/3")).get();
        WatchEvent onlyDel = deletes.poll(10, TimeUnit.SECONDS);
        assertThat(onlyDel.getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
        onlyDeletes.close();

        // a watch from a compacted revision is canceled with the compact revision
        long now = kv.put(b("w/4"), b("e")).get().getHeader().getRevision();
        kv.compact(now).get();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        client.getWatchClient().watch(b("w/"), WatchOption.builder().isPrefix(true).withRevision(r1).build(),
                Watch.listener(r -> { }, errors::add));
        Throwable t = errors.poll(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) t).getCompactedRevision()).isEqualTo(now);
    }

    /**
     * One event on many streams (each a gRPC call of its own, as etcd clients on separate connections or jetcd
     * clients open them) reaches every stream with its revision in the header, and is sent by the server's own
     * watch senders, not by the node's executor (a cached pool: a thread hand-off per stream).
     */
    @Test
    void oneEventReachesEveryStreamThroughTheWatchSenders() throws Exception {
        int streams = 64;
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            BlockingQueue<io.caravel.server.grpc.pb.WatchResponse> created = new LinkedBlockingQueue<>();
            BlockingQueue<io.caravel.server.grpc.pb.WatchResponse> events = new LinkedBlockingQueue<>();
            List<StreamObserver<WatchRequest>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < streams; i++) {
                StreamObserver<WatchRequest> call = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
                    @Override
                    public void onNext(io.caravel.server.grpc.pb.WatchResponse r) {
                        (r.getCreated() ? created : events).add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                call.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(com.google.protobuf.ByteString.copyFromUtf8("fan"))).build());
                calls.add(call);
            }
            for (int i = 0; i < streams; i++) {
                assertThat(created.poll(10, TimeUnit.SECONDS)).as("created response %d", i).isNotNull();
            }
            long rev = kv.put(b("fan"), b("out")).get().getHeader().getRevision();
            for (int i = 0; i < streams; i++) {
                io.caravel.server.grpc.pb.WatchResponse r = events.poll(10, TimeUnit.SECONDS);
                assertThat(r).as("event %d", i).isNotNull();
                assertThat(r.getHeader().getRevision()).isEqualTo(rev);
                assertThat(r.getHeader().getMemberId()).isEqualTo(node.memberId());
                assertThat(r.getEvents(0).getKv().getModRevision()).isEqualTo(rev);
            }
            // the node's executor (given to the server for maintenance work) ran none of the streams' drains
            assertThat(((ThreadPoolExecutor) executor).getTaskCount()).isZero();
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("caravel-watch-send-"));
            calls.forEach(StreamObserver::onCompleted);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void progressRequestIsAnsweredWithTheCurrentRevision() throws Exception {
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(b("p"), WatchOption.builder().withCreateNotify(true).build(),
                responses::add)) {
            // the watcher starts "from now": wait for its created response before writing
            WatchResponse created = responses.poll(10, TimeUnit.SECONDS);
            assertThat(created).isNotNull();
            assertThat(created.isCreatedNotify()).isTrue();
            long rev = kv.put(b("p"), b("1")).get().getHeader().getRevision();
            assertThat(responses.poll(10, TimeUnit.SECONDS).getEvents()).hasSize(1);
            kv.put(b("unwatched"), b("x")).get();
            client.getWatchClient().requestProgress();
            WatchResponse progress = responses.poll(10, TimeUnit.SECONDS);
            assertThat(progress).isNotNull();
            assertThat(progress.isProgressNotify()).isTrue();
            assertThat(progress.getHeader().getRevision()).isEqualTo(rev + 1);
        }
    }

    @Test
    void maintenanceAndCluster() throws Exception {
        String endpoint = "http://127.0.0.1:" + server.port();
        var status = client.getMaintenanceClient().statusMember(endpoint).get();
        assertThat(status.getLeader()).isEqualTo(status.getHeader().getMemberId());
        assertThat(status.getVersion()).isNotEmpty();
        assertThat(client.getClusterClient().listMember().get().getMembers()).hasSize(1);
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        long size = client.getMaintenanceClient().snapshot(snap).get();
        // the archive, zero-padded to 512 bytes, then its SHA-256: what etcdctl's snapshot save checks
        assertThat(size).isEqualTo(100_352 + 32);
        byte[] all = snap.toByteArray();
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(all, all.length - 32));
        assertThat(java.util.Arrays.copyOfRange(all, all.length - 32, all.length)).isEqualTo(digest);
        assertThat(snap.toByteArray()[251]).isEqualTo((byte) 0);
        assertThat(snap.toByteArray()[252]).isEqualTo((byte) 1);
        awaitNoSpooledSnapshot(); // the spool file is deleted once streamed
        assertThat(client.getMaintenanceClient().listAlarms().get().getAlarms()).isEmpty();
        node.raise(new Alarm(LocalReplicatedKv.MEMBER_ID, Alarm.Type.NOSPACE));
        var alarms = client.getMaintenanceClient().listAlarms().get().getAlarms();
        assertThat(alarms).hasSize(1);
        client.getMaintenanceClient().alarmDisarm(alarms.get(0)).get();
        assertThat(client.getMaintenanceClient().listAlarms().get().getAlarms()).isEmpty();
        client.getMaintenanceClient().defragmentMember(endpoint).get();
        var hash = client.getMaintenanceClient().hashKV(endpoint, 0).get();
        assertThat(hash.getHeader().getMemberId()).isEqualTo(LocalReplicatedKv.MEMBER_ID);
    }
}
