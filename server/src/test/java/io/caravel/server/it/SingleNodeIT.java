package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One real {@code caravel server} process, driven by Debian's etcdctl and by jetcd. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class SingleNodeIT {
    private ProcessCluster cluster;
    private Client client;
    private KV kv;
    private String ep;

    @BeforeAll
    void start() throws Exception {
        cluster = ProcessCluster.start("single", 1);
        ep = cluster.endpoints();
        client = Client.builder().endpoints(ep).build();
        kv = client.getKVClient();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    @Test
    @Order(1)
    void etcdctlKvTxnWatchLeaseAndMaintenance(@TempDir Path tmp) throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        assertThat(Etcdctl.run(ep, "put", "ctl/a", "1").ok().out()).isEqualTo("OK\n");
        assertThat(Etcdctl.run(ep, "get", "ctl/a").ok().out()).isEqualTo("ctl/a\n1\n");
        Etcdctl.run(ep, "put", "ctl/b", "2").ok();
        assertThat(Etcdctl.run(ep, "get", "ctl/", "--prefix", "--keys-only").ok().out()).isEqualTo("ctl/a\n\nctl/b\n\n");
        assertThat(Etcdctl.run(ep, "del", "ctl/b").ok().out()).isEqualTo("1\n");
        String txn = "value(\"ctl/a\") = \"1\"\n\nput ctl/a 10\n\nput ctl/a 11\n\n";
        assertThat(Etcdctl.runWithInput(ep, txn.getBytes(UTF_8), "txn").ok().out()).startsWith("SUCCESS");
        assertThat(Etcdctl.run(ep, "get", "ctl/a", "--print-value-only").ok().out()).isEqualTo("10\n");

        // watch from a past revision (inclusive) with prev_kv: replays history, then stops at the timeout
        String rev = Etcdctl.run(ep, "get", "ctl/a", "-w", "json").ok().out().replaceAll(".*\"mod_revision\":(\\d+).*\\s*", "$1");
        Etcdctl.Result watch = Etcdctl.runFor(3_000, ep, "watch", "ctl/a", "--rev", rev, "--prev-kv");
        assertThat(watch.out()).isEqualTo("PUT\nctl/a\n1\nctl/a\n10\n");

        String grant = Etcdctl.run(ep, "lease", "grant", "60").ok().out();
        assertThat(grant).matches("lease [0-9a-f]+ granted with TTL\\(60s\\)\n");
        String lease = grant.split(" ")[1];
        Etcdctl.run(ep, "put", "ctl/leased", "x", "--lease=" + lease).ok();
        assertThat(Etcdctl.run(ep, "lease", "keep-alive", "--once", lease).ok().out())
                .isEqualTo("lease " + lease + " keepalived with TTL(60)\n");
        assertThat(Etcdctl.run(ep, "lease", "timetolive", lease, "--keys").ok().out())
                .contains("lease " + lease + " granted with TTL(60s)", "attached keys([ctl/leased])");
        assertThat(Etcdctl.run(ep, "lease", "list").ok().out()).contains(lease);
        assertThat(Etcdctl.run(ep, "lease", "revoke", lease).ok().out()).isEqualTo("lease " + lease + " revoked\n");
        assertThat(Etcdctl.run(ep, "get", "ctl/leased").ok().out()).isEmpty();

        assertThat(Etcdctl.run(ep, "member", "list").ok().out()).matches("[0-9a-f]+, started, n1, http://127.0.0.1:\\d+, http://127.0.0.1:\\d+, false\n");
        assertThat(Etcdctl.run(ep, "endpoint", "health").ok().err() + Etcdctl.run(ep, "endpoint", "health").out())
                .contains("is healthy");
        String status = Etcdctl.run(ep, "endpoint", "status", "-w", "table").ok().out();
        assertThat(status).contains("| IS LEADER |").contains("|      true |");
        Path snap = tmp.resolve("snap.db");
        Etcdctl.Result save = Etcdctl.run(ep, "snapshot", "save", snap.toString()).ok();
        assertThat(save.out()).contains("Snapshot saved at " + snap);
        assertThat(Files.size(snap) % 512).isEqualTo(32);
        String now = Etcdctl.run(ep, "get", "ctl/a", "-w", "json").ok().out().replaceAll(".*\"revision\":(\\d+).*\\s*", "$1");
        assertThat(Etcdctl.run(ep, "compaction", now).ok().out()).isEqualTo("compacted revision " + now + "\n");
        assertThat(Etcdctl.run(ep, "defrag").ok().out()).contains("Finished defragmenting etcd member");
        assertThat(Etcdctl.run(ep, "alarm", "list").ok().out()).isEmpty();
        // a read below the compacted revision now fails with etcd's error
        Etcdctl.Result old = Etcdctl.run(ep, "get", "ctl/a", "--rev", "1");
        assertThat(old.exit()).isNotZero();
        assertThat(old.err()).contains("etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    @Order(2)
    void jetcdKvTxnWatchLeaseAndMaintenance() throws Exception {
        long r1 = kv.put(b("j/a"), b("1")).get(20, TimeUnit.SECONDS).getHeader().getRevision();
        kv.put(b("j/b"), b("2")).get(20, TimeUnit.SECONDS);
        assertThat(kv.get(b("j/"), GetOption.builder().isPrefix(true).build()).get(20, TimeUnit.SECONDS).getCount()).isEqualTo(2);
        var txn = kv.txn().If(new Cmp(b("j/a"), Cmp.Op.EQUAL, CmpTarget.version(1)))
                .Then(Op.put(b("j/a"), b("one"), PutOption.DEFAULT), Op.delete(b("j/b"), DeleteOption.DEFAULT))
                .commit().get(20, TimeUnit.SECONDS);
        assertThat(txn.isSucceeded()).isTrue();
        assertThat(kv.get(b("j/b")).get(20, TimeUnit.SECONDS).getKvs()).isEmpty();

        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(b("j/"),
                WatchOption.builder().isPrefix(true).withRevision(r1).build(), r -> events.addAll(r.getEvents()))) {
            assertThat(events.poll(10, TimeUnit.SECONDS).getKeyValue().getValue()).isEqualTo(b("1"));
            assertThat(events.poll(10, TimeUnit.SECONDS).getKeyValue().getKey()).isEqualTo(b("j/b"));
            assertThat(events.poll(10, TimeUnit.SECONDS).getKeyValue().getValue()).isEqualTo(b("one"));
            assertThat(events.poll(10, TimeUnit.SECONDS).getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
            kv.put(b("j/c"), b("live")).get(20, TimeUnit.SECONDS);
            assertThat(events.poll(10, TimeUnit.SECONDS).getKeyValue().getKey()).isEqualTo(b("j/c"));
        }

        var leases = client.getLeaseClient();
        long id = leases.grant(20).get(20, TimeUnit.SECONDS).getID();
        kv.put(b("j/leased"), b("v"), PutOption.builder().withLeaseId(id).build()).get(20, TimeUnit.SECONDS);
        BlockingQueue<LeaseKeepAliveResponse> alive = new LinkedBlockingQueue<>();
        try (var keepAlive = leases.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                alive.add(r);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        })) {
            assertThat(alive.poll(10, TimeUnit.SECONDS).getTTL()).isEqualTo(20);
        }
        var ttl = leases.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get(20, TimeUnit.SECONDS);
        assertThat(ttl.getKeys()).containsExactly(b("j/leased"));
        assertThat(ttl.getTTL()).isBetween(1L, 20L);
        leases.revoke(id).get(20, TimeUnit.SECONDS);
        assertThat(kv.get(b("j/leased")).get(20, TimeUnit.SECONDS).getKvs()).isEmpty();
        assertThat(leases.timeToLive(id, LeaseOption.DEFAULT).get(20, TimeUnit.SECONDS).getTTL()).isEqualTo(-1);

        var members = client.getClusterClient().listMember().get(20, TimeUnit.SECONDS).getMembers();
        assertThat(members).hasSize(1);
        assertThat(members.get(0).getName()).isEqualTo("n1");
        var maintenance = client.getMaintenanceClient();
        var status = maintenance.statusMember(ep).get(20, TimeUnit.SECONDS);
        assertThat(status.getLeader()).isEqualTo(status.getHeader().getMemberId());
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        assertThat(maintenance.snapshot(snap).get(20, TimeUnit.SECONDS)).isPositive();
        long rev = kv.get(b("j/a")).get(20, TimeUnit.SECONDS).getHeader().getRevision();
        kv.compact(rev).get(20, TimeUnit.SECONDS);
        maintenance.defragmentMember(ep).get(20, TimeUnit.SECONDS);
        assertThat(maintenance.listAlarms().get(20, TimeUnit.SECONDS).getAlarms()).isEmpty();
    }

    @Test
    @Order(3)
    void badInputGetsEtcdErrorsAndChangesNothing() throws Exception {
        kv.put(b("bad/k"), b("v1")).get(20, TimeUnit.SECONDS);
        long compactAt = kv.put(b("bad/k"), b("v2")).get(20, TimeUnit.SECONDS).getHeader().getRevision();
        kv.compact(compactAt).get(20, TimeUnit.SECONDS);
        long revision = kv.get(b("bad/k")).get(20, TimeUnit.SECONDS).getHeader().getRevision();
        long hash = client.getMaintenanceClient().hashKV(ep, 0).get(20, TimeUnit.SECONDS).getHash();

        // 1.5 MiB + 1: over etcd's max-request-bytes but under gRPC's limit (+512 KiB), so etcd's own error
        ByteSequence big = ByteSequence.from(new byte[(3 << 19) + 1]);
        assertError(() -> kv.put(b("bad/big"), big).get(20, TimeUnit.SECONDS), Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
        Op[] ops = new Op[129];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Op.put(b("bad/t" + i), b("v"), PutOption.DEFAULT);
        }
        assertError(() -> kv.txn().Then(ops).commit().get(20, TimeUnit.SECONDS), Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
        assertError(() -> kv.put(b("bad/l"), b("v"), PutOption.builder().withLeaseId(0x5eed).build()).get(20, TimeUnit.SECONDS),
                Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
        assertError(() -> client.getLeaseClient().revoke(0x5eed).get(20, TimeUnit.SECONDS), Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
        assertError(() -> kv.get(b("bad/k"), GetOption.builder().withRevision(compactAt - 1).build()).get(20, TimeUnit.SECONDS),
                Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
        assertError(() -> kv.get(b("bad/k"), GetOption.builder().withRevision(revision + 1000).build()).get(20, TimeUnit.SECONDS),
                Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
        assertError(() -> kv.compact(compactAt - 1).get(20, TimeUnit.SECONDS), Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
        assertError(() -> kv.compact(revision + 1000).get(20, TimeUnit.SECONDS), Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
        assertError(() -> kv.put(ByteSequence.EMPTY, b("v")).get(20, TimeUnit.SECONDS), Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
        assertError(() -> kv.delete(ByteSequence.EMPTY).get(20, TimeUnit.SECONDS), Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
        assertError(() -> kv.txn().Then(Op.put(b("bad/d"), b("1"), PutOption.DEFAULT), Op.put(b("bad/d"), b("2"), PutOption.DEFAULT)).commit().get(20, TimeUnit.SECONDS),
                Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");

        if (Etcdctl.available()) {
            Etcdctl.Result tooLarge = Etcdctl.runWithInput(ep, new byte[(3 << 19) + 1], "put", "bad/big2");
            assertThat(tooLarge.exit()).isNotZero();
            assertThat(tooLarge.err()).contains("etcdserver: request is too large");
            Etcdctl.Result noLease = Etcdctl.run(ep, "put", "bad/l2", "v", "--lease=5eed");
            assertThat(noLease.err()).contains("etcdserver: requested lease not found");
            Etcdctl.Result future = Etcdctl.run(ep, "get", "bad/k", "--rev", String.valueOf(revision + 1000));
            assertThat(future.err()).contains("etcdserver: mvcc: required revision is a future revision");
        }

        // nothing stored changed: same revision, same history hash, none of the keys
        assertThat(kv.get(b("bad/k")).get(20, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(revision);
        assertThat(client.getMaintenanceClient().hashKV(ep, 0).get(20, TimeUnit.SECONDS).getHash()).isEqualTo(hash);
        assertThat(kv.get(b("bad/"), GetOption.builder().isPrefix(true).build()).get(20, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    }

    static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String message) {
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class).satisfies(e -> {
            Status s = Status.fromThrowable(e.getCause());
            assertThat(s.getCode()).isEqualTo(code);
            assertThat(s.getDescription()).isEqualTo(message);
        });
    }

    @Test
    @Order(4)
    void keptAliveLeaseSurvivesItsTtlThenExpires() throws Exception {
        var leases = client.getLeaseClient();
        long id = leases.grant(3).get(20, TimeUnit.SECONDS).getID();
        kv.put(b("ka/k"), b("v"), PutOption.builder().withLeaseId(id).build()).get(20, TimeUnit.SECONDS);
        BlockingQueue<WatchEvent> deletes = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(b("ka/k"), WatchOption.builder().withNoPut(true).build(),
                r -> deletes.addAll(r.getEvents()))) {
            if (Etcdctl.available()) {
                // etcdctl's streaming keep-alive renews every TTL/3
                Etcdctl.Result ka = Etcdctl.runFor(4_000, ep, "lease", "keep-alive", Long.toHexString(id));
                assertThat(ka.out().lines().filter(l -> l.contains("keepalived with TTL(3)")).count()).isGreaterThanOrEqualTo(2);
            }
            try (var keepAlive = leases.keepAlive(id, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse r) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            })) {
                Thread.sleep(4_000);
                assertThat(kv.get(b("ka/k")).get(20, TimeUnit.SECONDS).getCount()).as("kept alive past its TTL").isEqualTo(1);
            }
            // no more keep-alives: the leader expires the lease and deletes its key (a DELETE event)
            WatchEvent e = deletes.poll(15, TimeUnit.SECONDS);
            assertThat(e).as("the key is deleted when the lease expires").isNotNull();
            assertThat(e.getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
        }
        assertThat(kv.get(b("ka/k")).get(20, TimeUnit.SECONDS).getCount()).isZero();
        assertThat(leases.timeToLive(id, LeaseOption.DEFAULT).get(20, TimeUnit.SECONDS).getTTL()).isEqualTo(-1);
    }

    @Test
    @Order(5)
    void sigtermStopsTheMemberCleanly() throws Exception {
        client.close();
        client = null;
        ProcessCluster.Member n1 = cluster.member("n1");
        int exit = n1.terminate(Duration.ofSeconds(20));
        // the JVM exits with 128+SIGTERM after the shutdown hook ran
        assertThat(exit).isIn(0, 143);
        assertThat(n1.logText()).contains("received shutdown signal, stopping member n1", "member n1 stopped");
    }
}
