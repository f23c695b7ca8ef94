package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.server.grpc.pb.WatchResponse;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watches on a three-member cluster of real {@code caravel} processes, through the clients people use:
 * Debian's etcdctl 3.4 and jetcd. Shown here:
 * <ul>
 *   <li>etcdctl {@code watch} on a key, a prefix, from a past revision and with {@code --prev-kv}, on a
 *       follower and on the leader, prints exactly what etcd prints for the same writes;</li>
 *   <li>jetcd watches on every member keep their stream through a leader kill (no error, no gap, no
 *       duplicate, in revision order) and see every acknowledged write; a watch on the killed member
 *       resumes on another member from its last revision + 1 and sees exactly the rest;</li>
 *   <li>a follower that came back by installing the leader's snapshot serves watches from history, from
 *       after the snapshot and from now exactly, and cancels a watch from a compacted revision with the
 *       compact revision and etcd's reason.</li>
 * </ul>
 * Every wait is on a condition, with a timeout.
 */
class WatchClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    private static final Pattern WATCHERS = Pattern.compile("(?m)^caravel_watchers (\\d+)");

    // ---- 1. etcdctl ---------------------------------------------------------------------------

    @Test
    @Timeout(90)
    void etcdctlWatchPrintsExactlyEtcdsOutputOnAFollowerAndOnTheLeader() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        try (ProcessCluster c = ProcessCluster.start("watchctl", 3);
             Client client = Client.builder().endpoints(c.endpoints().split(",")).build()) {
            ProcessCluster.Member leader = c.leader(WAIT);
            ProcessCluster.Member follower = c.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            KV kv = client.getKVClient();
            long r1 = put(kv, "ec/a", "a1");
            long r2 = put(kv, "ec/b", "b1");
            long r3 = put(kv, "ec/a", "a2");

            // What etcd 3.4.23 prints for these writes (checked against a real etcd with the same commands).
            String fromNowPrefix = "DELETE\nec/b\n\n" + "PUT\nec/c\nc1\n" + "PUT\nec/a\na3\n" + "PUT\nec/a\ndone\n";
            Map<String[], String> expected = new LinkedHashMap<>();
            expected.put(new String[] {"ec/a"}, "PUT\nec/a\na3\n" + "PUT\nec/a\ndone\n");
            expected.put(new String[] {"--prefix", "ec/"}, fromNowPrefix);
            expected.put(new String[] {"--rev=" + r2, "--prefix", "ec/"}, "PUT\nec/b\nb1\n" + "PUT\nec/a\na2\n" + fromNowPrefix);
            expected.put(new String[] {"--prev-kv", "--prefix", "ec/"},
                    "DELETE\nec/b\nb1\nec/b\n\n" + "PUT\nec/c\nc1\n" + "PUT\nec/a\na2\nec/a\na3\n" + "PUT\nec/a\na3\nec/a\ndone\n");
            expected.put(new String[] {"--rev=" + r1, "--prev-kv", "ec/a"},
                    "PUT\nec/a\na1\n" + "PUT\nec/a\na1\nec/a\na2\n" + "PUT\nec/a\na2\nec/a\na3\n" + "PUT\nec/a\na3\nec/a\ndone\n");

            List<WatchEtcdctl> running = new ArrayList<>();
            Map<WatchEtcdctl, String> want = new LinkedHashMap<>();
            try {
                for (ProcessCluster.Member m : List.of(follower, leader)) {
                    // A watch "from now" starts after the member's last dispatched revision: wait until the
                    // member has dispatched the writes above, so that they are history for it.
                    awaitWatchesStartAfter(m, r3);
                    awaitWatchers(m, 0);
                    for (Map.Entry<String[], String> e : expected.entrySet()) {
                        WatchEtcdctl w = WatchEtcdctl.start(m.clientUrl(), e.getKey());
                        running.add(w);
                        want.put(w, e.getValue());
                    }
                }
                for (ProcessCluster.Member m : List.of(follower, leader)) {
                    awaitWatchers(m, expected.size());
                }

                long r4 = kv.delete(b("ec/b")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
                put(kv, "other/x", "x");
                long r6 = kv.txn().Then(Op.put(b("ec/c"), b("c1"), PutOption.DEFAULT), Op.put(b("ec/a"), b("a3"), PutOption.DEFAULT))
                        .commit().get(10, TimeUnit.SECONDS).getHeader().getRevision();
                long r7 = put(kv, "ec/a", "done");
                assertThat(List.of(r1, r2, r3, r4, r6, r7)).as("one revision per write").isSorted().doesNotHaveDuplicates();

                // The last write is in every watch's range: once it is printed, the whole output is known.
                for (Map.Entry<WatchEtcdctl, String> e : want.entrySet()) {
                    WatchEtcdctl w = e.getKey();
                    String out = w.awaitOutputEndingWith(e.getValue().substring(e.getValue().lastIndexOf("PUT\n")), WAIT);
                    assertThat(out).as("%s (stderr: %s)", w, w.errors()).isEqualTo(e.getValue());
                    assertThat(w.isAlive()).as("%s still watching", w).isTrue();
                }
            } finally {
                for (WatchEtcdctl w : running) {
                    w.close();
                }
            }
        }
    }

    // ---- 2. jetcd through a leader kill ---------------------------------------------------------

    @Test
    @Timeout(120)
    void watchesOnEveryMemberKeepTheirStreamThroughALeaderKillAndTheKilledMembersResumeElsewhere() throws Exception {
        boolean withEtcdctl = Etcdctl.available();
        try (ProcessCluster c = ProcessCluster.start("watchkill", 3)) {
            ProcessCluster.Member leader = c.leader(WAIT);
            List<ProcessCluster.Member> followers = c.members().stream().filter(m -> m != leader).toList();
            Map<ProcessCluster.Member, Client> clients = new LinkedHashMap<>();
            List<WatchEtcdctl> ctl = new ArrayList<>();
            Client writerClient = Client.builder().endpoints(followers.stream().map(ProcessCluster.Member::clientUrl).toArray(String[]::new)).build();
            try {
                // Two watches per member: the whole history (from revision 1) and from now.
                Map<ProcessCluster.Member, WatchRecorder> fromOne = new LinkedHashMap<>();
                Map<ProcessCluster.Member, WatchRecorder> fromNow = new LinkedHashMap<>();
                for (ProcessCluster.Member m : c.members()) {
                    Client mc = Client.builder().endpoints(m.clientUrl()).build();
                    clients.put(m, mc);
                    fromOne.put(m, watch(mc, m.name + " from 1", "wk/", 1));
                    fromNow.put(m, watch(mc, m.name + " from now", "wk/", 0));
                }
                for (ProcessCluster.Member m : c.members()) {
                    fromOne.get(m).awaitCreated(WAIT);
                    fromNow.get(m).awaitCreated(WAIT);
                }
                // etcdctl watches on the followers, running through the leader kill
                if (withEtcdctl) {
                    for (ProcessCluster.Member f : followers) {
                        ctl.add(WatchEtcdctl.start(f.clientUrl(), "--prefix", "wk/"));
                    }
                    for (ProcessCluster.Member f : followers) {
                        awaitWatchers(f, 3);
                    }
                }

                List<WatchRecorder.Event> acked = new CopyOnWriteArrayList<>();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<String> lastError = new AtomicReference<>("none");
                Thread writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = String.format("wk/%05d", i);
                        String value = "v" + i;
                        try {
                            long rev = writerClient.getKVClient().put(b(key), b(value)).get(5, TimeUnit.SECONDS).getHeader().getRevision();
                            acked.add(WatchRecorder.Event.put(key, value, rev));
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // outcome unknown: not counted as acknowledged; the next write uses a new key
                            lastError.set(String.valueOf(e.getCause() != null ? e.getCause() : e));
                        }
                    }
                }, "watch-it-writer");
                writer.start();
                try {
                    // kill -9 the leader mid-stream: its watchers have seen events, more writes follow
                    await(WAIT, () -> "writes before the kill (last error " + lastError + ")",
                            () -> acked.size() >= 60 && fromOne.get(leader).lastRevision() > 0 && fromNow.get(leader).lastRevision() > 0);
                    int ackedAtKill = acked.size();
                    leader.kill9();
                    ProcessCluster.Member newLeader = c.leader(WAIT);
                    assertThat(newLeader).isNotSameAs(leader);
                    await(WAIT, () -> "writes after the kill (last error " + lastError + ")", () -> acked.size() >= ackedAtKill + 60);
                } finally {
                    stop.set(true);
                    writer.join(15_000);
                }
                assertThat(writer.isAlive()).isFalse();

                // The killed member's watches broke; resume each on a surviving member from its last revision + 1.
                Client resumeClient = clients.get(followers.get(0));
                Map<WatchRecorder, WatchRecorder> resumed = new LinkedHashMap<>();
                for (WatchRecorder broken : List.of(fromOne.get(leader), fromNow.get(leader))) {
                    broken.awaitError(WAIT);
                }
                clients.remove(leader).close(); // stops jetcd's own retries against the dead member
                for (WatchRecorder broken : List.of(fromOne.get(leader), fromNow.get(leader))) {
                    long last = broken.lastRevision();
                    assertThat(last).as("%s saw events before the kill", broken).isPositive();
                    resumed.put(broken, watch(resumeClient, broken.name() + ", resumed on " + followers.get(0).name, "wk/", last + 1));
                }

                // A final acknowledged write bounds the comparison: the history up to it is known exactly.
                long fence = writerClient.getKVClient().put(b("wk/~fence"), b("end")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
                var stored = writerClient.getKVClient().get(b("wk/"), GetOption.builder().isPrefix(true).withRevision(fence).build())
                        .get(10, TimeUnit.SECONDS).getKvs();
                List<WatchRecorder.Event> history = stored.stream()
                        .map(kv -> new WatchRecorder.Event("PUT", kv.getKey().toString(UTF_8), kv.getValue().toString(UTF_8),
                                kv.getModRevision(), kv.getCreateRevision(), kv.getVersion(), null))
                        .sorted(Comparator.comparingLong(WatchRecorder.Event::modRevision)).toList();
                assertThat(history).as("each key written once, applied once").allMatch(e -> e.version() == 1);
                assertThat(history).as("every acknowledged write is stored").containsAll(acked);
                assertThat(history.get(history.size() - 1).modRevision()).isEqualTo(fence);

                for (ProcessCluster.Member f : followers) {
                    for (WatchRecorder w : List.of(fromOne.get(f), fromNow.get(f))) {
                        w.awaitRevision(fence, WAIT);
                        assertThat(w.errors()).as("%s: the stream never broke", w).isEmpty();
                        assertThat(w.completed()).as("%s: the stream never ended", w).isFalse();
                        assertThat(w.outOfOrder()).as("%s: revision order", w).isZero();
                        long from = w == fromOne.get(f) ? 1 : w.createdRevision() + 1;
                        assertThat(upTo(w.events(), fence)).as("%s: every write, once, in order", w).isEqualTo(from(history, from));
                    }
                }
                for (Map.Entry<WatchRecorder, WatchRecorder> e : resumed.entrySet()) {
                    WatchRecorder broken = e.getKey();
                    WatchRecorder rest = e.getValue();
                    rest.awaitRevision(fence, WAIT);
                    assertThat(rest.errors()).as("%s", rest).isEmpty();
                    assertThat(rest.outOfOrder()).isZero();
                    List<WatchRecorder.Event> all = new ArrayList<>(broken.events());
                    all.addAll(rest.events());
                    long from = broken == fromOne.get(leader) ? 1 : broken.createdRevision() + 1;
                    assertThat(upTo(all, fence)).as("%s then %s: every write, once, in order", broken, rest).isEqualTo(from(history, from));
                }
                String text = history.stream().map(e -> "PUT\n" + e.key() + "\n" + e.value() + "\n").collect(Collectors.joining());
                for (WatchEtcdctl w : ctl) {
                    String out = w.awaitOutput(WAIT, "the fence", s -> s.contains("PUT\nwk/~fence\nend\n"));
                    assertThat(out).as("%s (stderr: %s)", w, w.errors()).startsWith(text);
                    assertThat(w.isAlive()).as("%s kept watching", w).isTrue();
                }
                System.out.printf("watch through leader kill: %d acknowledged writes, %d stored, fence at %d%n",
                        acked.size(), history.size(), fence);
            } finally {
                for (WatchEtcdctl w : ctl) {
                    w.close();
                }
                for (Client mc : clients.values()) {
                    mc.close();
                }
                writerClient.close();
            }
        }
    }

    // ---- 3. a member that caught up by snapshot -----------------------------------------------

    @Test
    @Timeout(120)
    void aFollowerThatInstalledASnapshotServesWatchesExactlyAndCancelsCompactedOnes() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("watchsnap", 3, "--snapshot-count", "20", "--experimental-log-segment-bytes", "16384",
                "--experimental-log-retention-ms", "0")) {
            ProcessCluster.Member leader = c.leader(WAIT);
            ProcessCluster.Member follower = c.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            follower.kill9();
            List<WatchRecorder.Event> written = new ArrayList<>();
            long compactAt;
            try (Client lc = Client.builder().endpoints(c.endpoints().split(",")).build()) {
                written.addAll(putMany(lc.getKVClient(), 0, 200));
                compactAt = written.get(written.size() / 2).modRevision();
                lc.getKVClient().compact(compactAt).get(10, TimeUnit.SECONDS);
                written.addAll(putMany(lc.getKVClient(), 200, 400));
            }
            long lastWritten = written.get(written.size() - 1).modRevision();

            follower.restart();
            awaitPort(follower.clientPort, Duration.ofSeconds(60));
            try (Client fc = Client.builder().endpoints(follower.clientUrl()).build();
                 Client all = Client.builder().endpoints(c.endpoints().split(",")).build()) {
                // opened as soon as the member serves, typically before it has installed the snapshot
                WatchRecorder early = watch(fc, "early, from after the compaction", "snap/", compactAt + 1);
                WatchRecorder earlyNow = watch(fc, "early, from now", "snap/", 0);
                early.awaitRevision(lastWritten, Duration.ofSeconds(60));
                earlyNow.awaitCreated(WAIT);
                assertThat(follower.logText()).as("the follower installed a snapshot from the leader")
                        .contains("downloading a checkpoint from the leader");

                WatchRecorder history = watch(fc, "from after the compaction", "snap/", compactAt + 1);
                WatchRecorder afterSnapshot = watch(fc, "from after the snapshot", "snap/", lastWritten + 1);
                WatchRecorder now = watch(fc, "from now", "snap/", 0);
                for (WatchRecorder w : List.of(early, history, afterSnapshot, now)) {
                    w.awaitCreated(WAIT);
                }
                assertThat(now.createdRevision()).isGreaterThanOrEqualTo(lastWritten);

                List<WatchRecorder.Event> later = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String key = "snap/later/" + i;
                    later.add(WatchRecorder.Event.put(key, "l" + i, put(all.getKVClient(), key, "l" + i)));
                }
                long last = later.get(later.size() - 1).modRevision();
                List<WatchRecorder.Event> sinceCompaction = new ArrayList<>(from(written, compactAt + 1));
                sinceCompaction.addAll(later);
                for (WatchRecorder w : List.of(early, history, afterSnapshot, now)) {
                    w.awaitRevision(last, WAIT);
                    assertThat(w.errors()).as("%s", w).isEmpty();
                    assertThat(w.outOfOrder()).as("%s", w).isZero();
                }
                assertThat(early.events()).as("%s", early).isEqualTo(sinceCompaction);
                assertThat(history.events()).as("%s", history).isEqualTo(sinceCompaction);
                assertThat(afterSnapshot.events()).as("%s", afterSnapshot).isEqualTo(later);
                assertThat(now.events()).as("%s", now).isEqualTo(later);
                // "From now" on the member before it installed the snapshot means from its old revision: the
                // new store no longer has that history, so the watch is canceled as compacted (as in etcd,
                // whose restored watchers are canceled the same way); opened after the install, it is exact.
                List<WatchRecorder.Event> everything = new ArrayList<>(written);
                everything.addAll(later);
                long earlyStart = earlyNow.createdRevision() + 1;
                if (earlyStart < compactAt) {
                    earlyNow.awaitError(WAIT);
                    assertThat(earlyNow.errors()).as("%s", earlyNow).hasSize(1);
                    assertThat(earlyNow.errors().get(0)).isInstanceOf(CompactedException.class);
                    assertThat(((CompactedException) earlyNow.errors().get(0)).getCompactedRevision()).isEqualTo(compactAt);
                    List<WatchRecorder.Event> expected = from(everything, earlyStart);
                    List<WatchRecorder.Event> got = earlyNow.events();
                    assertThat(got).as("%s: what came before the cancel", earlyNow)
                            .isEqualTo(expected.subList(0, Math.min(expected.size(), got.size())));
                } else {
                    earlyNow.awaitRevision(last, WAIT);
                    assertThat(earlyNow.errors()).as("%s", earlyNow).isEmpty();
                    assertThat(earlyNow.events()).as("%s", earlyNow).isEqualTo(from(everything, earlyStart));
                }

                // from a compacted revision: created, then canceled with the compact revision and etcd's reason
                try (WatchWire wire = new WatchWire(follower.clientPort)) {
                    wire.create("snap/", true, compactAt - 1);
                    WatchResponse created = wire.next(WAIT);
                    assertThat(created.getCreated()).as("%s", created).isTrue();
                    assertThat(created.getCanceled()).as("%s", created).isFalse();
                    WatchResponse canceled = wire.next(WAIT);
                    assertThat(canceled.getWatchId()).isEqualTo(created.getWatchId());
                    assertThat(canceled.getCanceled()).as("%s", canceled).isTrue();
                    assertThat(canceled.getCompactRevision()).isEqualTo(compactAt);
                    assertThat(canceled.getCancelReason()).isEqualTo(COMPACTED);
                    assertThat(canceled.getEventsCount()).isZero();
                }
                WatchRecorder compacted = watch(fc, "from a compacted revision", "snap/", compactAt - 1);
                compacted.awaitError(WAIT);
                assertThat(compacted.errors().get(0)).isInstanceOf(CompactedException.class);
                assertThat(((CompactedException) compacted.errors().get(0)).getCompactedRevision()).isEqualTo(compactAt);
                assertThat(compacted.events()).isEmpty();
                if (Etcdctl.available()) {
                    Etcdctl.Result r = Etcdctl.run(follower.clientUrl(), "watch", "--rev=" + (compactAt - 1), "--prefix", "snap/");
                    assertThat(r.exit()).as("etcdctl watch from a compacted revision ends").isNotZero();
                    assertThat(r.out()).isEmpty();
                    assertThat(r.err()).contains("watch was canceled (" + COMPACTED + ")");
                }
                System.out.printf("watch on a snapshot-installed follower: compacted at %d, caught up to %d; early watch "
                                + "from now created at %d (%s); %s%n", compactAt, lastWritten, earlyNow.createdRevision(),
                        earlyNow.errors().isEmpty() ? "served" : "canceled as compacted", follower.logText().lines().filter(l -> l.contains("watch hub reset"))
                                .findFirst().orElse("(no hub reset logged)"));
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    private static long put(KV kv, String key, String value) throws Exception {
        return kv.put(b(key), b(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** Puts snap/from..snap/to-1 (values padded so that the log grows), up to 16 at a time; in revision order. */
    private static List<WatchRecorder.Event> putMany(KV kv, int from, int to) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<WatchRecorder.Event>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String key = String.format("snap/%04d", i);
            String value = "v" + i + "x".repeat(200);
            inFlight.acquire();
            futures.add(kv.put(b(key), b(value)).whenComplete((r, e) -> inFlight.release())
                    .thenApply(r -> WatchRecorder.Event.put(key, value, r.getHeader().getRevision())));
        }
        List<WatchRecorder.Event> out = new ArrayList<>();
        for (CompletableFuture<WatchRecorder.Event> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        out.sort(Comparator.comparingLong(WatchRecorder.Event::modRevision));
        return out;
    }

    /** A prefix watch from {@code revision} (0: from now) that reports its created response. */
    private static WatchRecorder watch(Client client, String name, String prefix, long revision) {
        WatchRecorder r = new WatchRecorder(name);
        client.getWatchClient().watch(b(prefix), WatchOption.builder().isPrefix(true).withRevision(revision)
                .withCreateNotify(true).build(), (Watch.Listener) r);
        return r;
    }

    private static List<WatchRecorder.Event> from(List<WatchRecorder.Event> events, long revision) {
        return events.stream().filter(e -> e.modRevision() >= revision).toList();
    }

    private static List<WatchRecorder.Event> upTo(List<WatchRecorder.Event> events, long revision) {
        return events.stream().filter(e -> e.modRevision() <= revision).toList();
    }

    /** Waits until {@code m}'s watch gauge (caravel_watchers) shows exactly {@code count}. */
    private static void awaitWatchers(ProcessCluster.Member m, int count) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>("?");
        await(WAIT, () -> m.name + " with " + count + " watchers (has " + seen + ")", () -> {
            Matcher x = WATCHERS.matcher(m.metrics());
            seen.set(x.find() ? x.group(1) : "?");
            return seen.get().equals(String.valueOf(count));
        });
    }

    /**
     * Waits until a watch created on {@code m} "from now" starts after {@code revision}: the created
     * response of a probe watch reports the member's last dispatched revision.
     */
    private static void awaitWatchesStartAfter(ProcessCluster.Member m, long revision) throws Exception {
        try (Client probeClient = Client.builder().endpoints(m.clientUrl()).build()) {
            AtomicReference<Long> seen = new AtomicReference<>(-1L);
            await(WAIT, () -> m.name + " dispatched revision " + revision + " (at " + seen + ")", () -> {
                WatchRecorder probe = new WatchRecorder("probe");
                try (Watch.Watcher w = probeClient.getWatchClient().watch(b("probe/"),
                        WatchOption.builder().withCreateNotify(true).build(), (Watch.Listener) probe)) {
                    probe.awaitCreated(WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                seen.set(probe.createdRevision());
                return probe.createdRevision() >= revision;
            });
        }
    }

    private static void awaitPort(int port, Duration timeout) throws InterruptedException {
        await(timeout, () -> "port " + port + " accepting connections", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Polls {@code condition} every 50 ms until it holds; fails after {@code timeout}. */
    private static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
