package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three real members on loopback: any member serves any request, membership changes, and faults. */
@Timeout(240)
class ThreeNodeIT {

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    @Test
    void anyMemberServesAnyRequestAndMembershipChanges() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        try (ProcessCluster c = ProcessCluster.start("three", 3)) {
            String all = c.endpoints();
            long until;
            // each member publishes its name and client URLs once it runs (etcd's "started")
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String members;
            do {
                members = Etcdctl.run(all, "member", "list").ok().out();
            } while (members.lines().anyMatch(l -> l.contains("unstarted")) && System.nanoTime() < until && sleep(300));
            assertThat(members.lines()).hasSize(3).allMatch(l -> l.contains(", started, n"));
            String status = Etcdctl.run(all, "endpoint", "status").ok().out();
            assertThat(status.lines()).hasSize(3);
            assertThat(status.lines().filter(l -> l.contains(", true, false, ")).count()).as(status).isEqualTo(1);
            assertThat(Etcdctl.run(all, "endpoint", "health").err()).contains("is healthy");

            // a write through each member, read through another (linearizable) and watched on a third
            List<ProcessCluster.Member> ms = c.members();
            BlockingQueue<WatchEvent> seen = new LinkedBlockingQueue<>();
            try (Client watcher = Client.builder().endpoints(ms.get(2).clientUrl()).build();
                 Watch.Watcher w = watcher.getWatchClient().watch(b("any/"),
                         io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(), r -> seen.addAll(r.getEvents()))) {
                Thread.sleep(300);
                for (int i = 0; i < 3; i++) {
                    Etcdctl.run(ms.get(i).clientUrl(), "put", "any/" + i, "v" + i).ok();
                    assertThat(Etcdctl.run(ms.get((i + 1) % 3).clientUrl(), "get", "any/" + i, "--print-value-only").ok().out())
                            .isEqualTo("v" + i + "\n");
                }
                for (int i = 0; i < 3; i++) {
                    WatchEvent e = seen.poll(10, TimeUnit.SECONDS);
                    assertThat(e).as("watch event %d", i).isNotNull();
                    assertThat(e.getKeyValue().getKey()).isEqualTo(b("any/" + i));
                }
            }

            // member add (learner) -> start -> promote -> remove; the removed member stops serving
            ProcessCluster.Member n4 = c.newMember("n4");
            String added = Etcdctl.run(all, "member", "add", "n4", "--learner", "--peer-urls=" + n4.peerUrl()).ok().out();
            // etcdctl prints ids as %16x: an id below 2^60 comes space-padded ("Member  91dc... added")
            Matcher m = Pattern.compile("Member +([0-9a-f]+) added to cluster").matcher(added);
            assertThat(m.find()).as(added).isTrue();
            String id = m.group(1);
            n4.start(c.initialCluster(), "existing");
            awaitOutput(all, Duration.ofSeconds(60), l -> l.contains(id + ", started, n4,") && l.endsWith(", true"), "member", "list");
            assertThat(n4.logText()).contains("even number of members (4)");
            // a learner catches up before it can be promoted (etcd: "can only promote a learner member which is in sync with leader")
            Etcdctl.Result promoted = retry(Duration.ofSeconds(30), () -> Etcdctl.run(all, "member", "promote", id));
            assertThat(promoted.out()).containsPattern("Member +" + id + " promoted in cluster");
            awaitOutput(all, Duration.ofSeconds(30), l -> l.contains(id + ", started, n4,") && l.endsWith(", false"), "member", "list");
            assertThat(Etcdctl.run(n4.clientUrl(), "get", "any/0", "--print-value-only", "--consistency=s").ok().out()).isEqualTo("v0\n");

            String others = c.members().stream().filter(x -> x != n4).map(ProcessCluster.Member::clientUrl)
                    .reduce((a, x) -> a + "," + x).orElseThrow();
            // A timed-out remove has an unknown outcome (etcd's contract too): retry until it is done.
            Etcdctl.Result removedN4 = retry(Duration.ofSeconds(60), () -> {
                Etcdctl.Result r = Etcdctl.run(others, "member", "remove", id);
                return r.err().contains("member not found") ? new Etcdctl.Result(0, "Member " + id + " removed from cluster", "") : r;
            });
            assertThat(removedN4.out()).containsPattern("Member +" + id + " removed from cluster");
            assertThat(Etcdctl.run(others, "member", "list").ok().out()).doesNotContain(id);
            // Until it learns of its removal the member may still forward a write (as etcd's does); then
            // the replicated layer stops it and the process exits.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (n4.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(n4.isAlive()).as("the removed member's process exits").isFalse();
            assertThat(n4.logText()).contains("was stopped by the replicated layer (removed from the cluster?)");
            assertThat(Etcdctl.run(n4.clientUrl(), "get", "any/0", "--command-timeout=2s", "--dial-timeout=1s").exit()).isNotZero();
            assertThat(Etcdctl.run(others, "put", "after-removal", "x").ok().out()).isEqualTo("OK\n");

            // the same with jetcd (which has add, list and remove, but no promote): n5 joins as a voter
            ProcessCluster.Member n5 = c.newMember("n5");
            try (Client jc = Client.builder().endpoints(others.split(",")).build()) {
                var add = jc.getClusterClient().addMember(List.of(java.net.URI.create(n5.peerUrl())), false).get(20, TimeUnit.SECONDS);
                long id5 = add.getMember().getId();
                assertThat(add.getMembers()).extracting(io.etcd.jetcd.cluster.Member::getId).contains(id5);
                String joinCluster = c.members().stream().filter(x -> x != n4)
                        .map(x -> x.name + "=" + x.peerUrl()).reduce((a, x) -> a + "," + x).orElseThrow();
                n5.start(joinCluster, "existing");
                long until5 = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean started5 = false;
                while (!started5 && System.nanoTime() < until5) {
                    started5 = jc.getClusterClient().listMember().get(20, TimeUnit.SECONDS).getMembers().stream()
                            .anyMatch(x -> x.getId() == id5 && x.getName().equals("n5") && !x.isLearner());
                    Thread.sleep(300);
                }
                assertThat(started5).as("n5 started as a voter").isTrue();
                ThreeNodeIT.retry(Duration.ofSeconds(30), () -> Etcdctl.run(n5.clientUrl(), "put", "via-n5", "ok"));
                var removed = jc.getClusterClient().removeMember(id5).get(20, TimeUnit.SECONDS);
                assertThat(removed.getMembers()).extracting(io.etcd.jetcd.cluster.Member::getId).doesNotContain(id5);
                assertThat(jc.getClusterClient().listMember().get(20, TimeUnit.SECONDS).getMembers()).hasSize(3);
            }
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (n5.isAlive() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(n5.isAlive()).as("the member removed with jetcd exits").isFalse();
        }
    }

    @Test
    void killingTheLeaderUnderWritesLosesNoAcknowledgedWrite() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("leaderkill", 3)) {
            ProcessCluster.Member leader = c.leader(Duration.ofSeconds(20));
            List<ProcessCluster.Member> followers = c.members().stream().filter(m -> m != leader).toList();
            List<Client> clients = new ArrayList<>();
            for (ProcessCluster.Member f : followers) {
                clients.add(Client.builder().endpoints(f.clientUrl()).build());
            }
            Map<String, String> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong();
            AtomicLong firstAckAfterKill = new AtomicLong();
            java.util.concurrent.atomic.AtomicReference<String> lastError = new java.util.concurrent.atomic.AtomicReference<>("");
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = String.format("kill/%06d", i);
                    // a write sent before the kill may be acknowledged after it by the old leader: not a failover
                    boolean sentAfterKill = killedAt.get() != 0;
                    try {
                        clients.get(i % clients.size()).getKVClient().put(b(key), b("v" + i)).get(5, TimeUnit.SECONDS);
                        acked.put(key, "v" + i);
                        if (sentAfterKill) {
                            firstAckAfterKill.compareAndSet(0, System.nanoTime());
                        }
                    } catch (Exception e) {
                        lastError.set(String.valueOf(e.getCause() != null ? e.getCause() : e));
                        // outcome unknown: not counted as acknowledged
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }, "writer");
            writer.start();
            long warmUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acked.size() < 20 && System.nanoTime() < warmUp) {
                Thread.sleep(50);
            }
            assertThat(acked).as("writes acknowledged before the kill (last error: %s)", lastError).isNotEmpty();
            killedAt.set(System.nanoTime());
            leader.kill9();
            // A linearizable read sent to a follower before a new leader is elected waits for the election
            // (within the request timeout) and then sees every write acknowledged before it was sent.
            Map<String, String> ackedBeforeRead = new java.util.HashMap<>(acked);
            long readSent = System.nanoTime();
            var during = clients.get(0).getKVClient().get(b("kill/"), GetOption.builder().isPrefix(true).build())
                    .get(15, TimeUnit.SECONDS);
            Map<String, String> seen = new java.util.HashMap<>();
            during.getKvs().forEach(x -> seen.put(x.getKey().toString(UTF_8), x.getValue().toString(UTF_8)));
            assertThat(seen).as("a linearizable read during the election").containsAllEntriesOf(ackedBeforeRead);
            double readWait = (System.nanoTime() - readSent) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (firstAckAfterKill.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(firstAckAfterKill.get()).as("a write acknowledged after the leader was killed (last error: %s)", lastError).isNotZero();
            double failover = (firstAckAfterKill.get() - killedAt.get()) / 1e9;
            assertThat(failover).as("seconds until writes are served again").isLessThan(10.0);
            Thread.sleep(1000);
            stop.set(true);
            writer.join(10_000);

            var kv = clients.get(0).getKVClient();
            var all = kv.get(b("kill/"), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
            Map<String, String> stored = new java.util.HashMap<>();
            all.getKvs().forEach(x -> stored.put(x.getKey().toString(UTF_8), x.getValue().toString(UTF_8)));
            assertThat(stored).containsAllEntriesOf(acked);
            System.out.printf("leader kill: %d acknowledged writes, failover %.2f s, a read sent at the kill answered after %.2f s%n",
                    acked.size(), failover, readWait);

            // the old leader comes back and catches up
            leader.restart();
            c.awaitHealthy(Duration.ofSeconds(60));
            try (Client back = Client.builder().endpoints(leader.clientUrl()).build()) {
                long count = back.getKVClient().get(b("kill/"), GetOption.builder().isPrefix(true).withCountOnly(true)
                        .withSerializable(false).build()).get(20, TimeUnit.SECONDS).getCount();
                assertThat(count).isEqualTo(stored.size());
            }
            clients.forEach(Client::close);
        }
    }

    @Test
    void killingEveryMemberAndRestartingLosesNothingAndAppliesNothingTwice() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("killall", 3)) {
            int writes = 60;
            long last;
            try (Client client = Client.builder().endpoints(c.endpoints().split(",")).build()) {
                last = 0;
                for (int i = 0; i < writes; i++) {
                    last = client.getKVClient().put(b(String.format("all/%03d", i)), b("v" + i)).get(10, TimeUnit.SECONDS)
                            .getHeader().getRevision();
                }
            }
            assertThat(last).isEqualTo(writes + 1);
            for (ProcessCluster.Member m : c.members()) {
                m.kill9();
            }
            for (ProcessCluster.Member m : c.members()) {
                m.restart();
            }
            c.awaitHealthy(Duration.ofSeconds(60));
            try (Client client = Client.builder().endpoints(c.endpoints().split(",")).build()) {
                var r = client.getKVClient().get(b("all/"), GetOption.builder().isPrefix(true).build()).get(20, TimeUnit.SECONDS);
                assertThat(r.getCount()).isEqualTo(writes);
                // no entry applied twice: one revision per put, nothing more
                assertThat(r.getHeader().getRevision()).isEqualTo(writes + 1);
                for (int i = 0; i < writes; i++) {
                    assertThat(r.getKvs().get(i).getValue().toString(UTF_8)).isEqualTo("v" + i);
                    assertThat(r.getKvs().get(i).getVersion()).isEqualTo(1);
                }
                // every member holds the same history
                List<Long> hashes = new ArrayList<>();
                for (ProcessCluster.Member m : c.members()) {
                    hashes.add((long) client.getMaintenanceClient().hashKV(m.clientUrl(), writes + 1).get(20, TimeUnit.SECONDS).getHash());
                }
                assertThat(hashes).containsOnly(hashes.get(0));
            }
        }
    }

    /**
     * A member frozen for longer than a minute (SIGSTOP: a suspended VM, a stalled host) resumes as a follower
     * and catches up, as an etcd member does. With Ratis's default close threshold (60 s) its Raft server shut
     * itself down on waking and the process exited.
     */
    @Test
    void aMemberFrozenForOverAMinuteResumesAndCatchesUp() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        try (ProcessCluster c = ProcessCluster.start("frozen", 3)) {
            ProcessCluster.Member leader = c.leader(Duration.ofSeconds(30));
            ProcessCluster.Member frozen = c.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            String others = c.members().stream().filter(m -> m != frozen).map(ProcessCluster.Member::clientUrl)
                    .reduce((a, x) -> a + "," + x).orElseThrow();
            signal(frozen, "STOP");
            try {
                Etcdctl.run(others, "put", "during-freeze", "x").ok();
                // The length of the fault is what is tested: it must outlast Ratis's default threshold of 60 s.
                Thread.sleep(65_000);
            } finally {
                signal(frozen, "CONT");
            }
            Etcdctl.run(others, "put", "after-freeze", "y").ok();
            awaitOutput(frozen.clientUrl(), Duration.ofSeconds(30), l -> l.equals("y"),
                    "get", "after-freeze", "--print-value-only", "--consistency=s");
            assertThat(Etcdctl.run(frozen.clientUrl(), "get", "during-freeze", "--print-value-only").ok().out()).isEqualTo("x\n");
            assertThat(frozen.isAlive()).as("the frozen member's process still runs").isTrue();
            assertThat(frozen.logText()).contains("Detected pause in JVM").doesNotContain("stopped by the replicated layer");
        }
    }

    private static void signal(ProcessCluster.Member m, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(m.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    interface Call {
        Etcdctl.Result call() throws Exception;
    }

    static Etcdctl.Result retry(Duration timeout, Call call) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Etcdctl.Result r;
        do {
            r = call.call();
            if (r.exit() == 0) {
                return r;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("still failing after " + timeout + ": " + r.err() + r.out());
    }

    static void awaitOutput(String endpoints, Duration timeout, java.util.function.Predicate<String> line, String... args) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String out = "";
        while (System.nanoTime() < deadline) {
            Etcdctl.Result r = Etcdctl.run(endpoints, args);
            out = r.out() + r.err();
            if (r.exit() == 0 && r.out().lines().anyMatch(line)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("etcdctl " + String.join(" ", args) + " never showed the expected line; last output:\n" + out);
    }
}
