package io.caravel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore on real processes, driven by Debian's etcdctl: {@code etcdctl snapshot save} on a
 * three-member cluster, {@code caravel snapshot restore} into three new data directories, and a new
 * three-member cluster started on them holds the same keys, revisions, compaction and lease.
 */
@Timeout(300)
class RestoreIT {
    private static final String NEW_TOKEN = "restored-cluster";
    private static final Pattern CLUSTER_ID = Pattern.compile("\"cluster_id\":(\\d+)");
    private static final Pattern REVISION = Pattern.compile("\"revision\":(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void aSnapshotSaveFileRestoresANewThreeMemberCluster() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        Path backup = tmp.resolve("backup.db");
        String keysBefore;
        long revisionBefore;
        long compactedAt;
        String lease;
        String oldClusterId;
        List<String> oldMemberIds;
        try (ProcessCluster old = ProcessCluster.start("restore-src", 3)) {
            String all = old.endpoints();
            String grant = Etcdctl.run(all, "lease", "grant", "600").ok().out();
            assertThat(grant).matches("lease [0-9a-f]+ granted with TTL\\(600s\\)\n");
            lease = grant.split(" ")[1];
            Etcdctl.run(all, "put", "leased/a", "la", "--lease=" + lease).ok();
            Etcdctl.run(all, "put", "leased/b", "lb", "--lease=" + lease).ok();
            for (int i = 0; i < 30; i++) {
                Etcdctl.run(all, "put", "k/" + (i % 7), "v" + i).ok();
            }
            Etcdctl.run(all, "del", "k/3").ok();
            Etcdctl.run(all, "del", "k/5").ok();
            compactedAt = revision(Etcdctl.run(all, "get", "k/0", "-w", "json").ok().out()) - 5;
            assertThat(Etcdctl.run(all, "compaction", Long.toString(compactedAt)).ok().out())
                    .isEqualTo("compacted revision " + compactedAt + "\n");
            for (int i = 0; i < 5; i++) {
                Etcdctl.run(all, "put", "after-compaction/" + i, "w" + i).ok();
            }
            Etcdctl.run(all, "put", "k/0", "last").ok();
            Etcdctl.Result keys = Etcdctl.run(all, "get", "", "--prefix", "-w", "json").ok();
            keysBefore = kvs(keys.out());
            revisionBefore = revision(keys.out());
            assertThat(keysBefore).contains("\"lease\":");
            oldClusterId = clusterId(Etcdctl.run(all, "member", "list", "-w", "json").ok().out());
            oldMemberIds = memberIds(Etcdctl.run(all, "member", "list").ok().out());

            // one member's copy (etcdctl saves from a single endpoint); the file ends with its sha256
            Etcdctl.Result save = Etcdctl.run(old.members().get(1).clientUrl(), "snapshot", "save", backup.toString()).ok();
            assertThat(save.out()).contains("Snapshot saved at " + backup);
            assertThat(Files.size(backup) % 512).isEqualTo(32);
        }

        try (ProcessCluster restored = ProcessCluster.prepare("restore-new", 3, "--initial-cluster-token", NEW_TOKEN)) {
            for (ProcessCluster.Member m : restored.members()) {
                Etcdctl.Result r = caravel("snapshot", "restore", backup.toString(), "--name", m.name,
                        "--data-dir", m.dataDir.toString(), "--initial-cluster", restored.initialCluster(),
                        "--initial-cluster-token", NEW_TOKEN, "--initial-advertise-peer-urls", m.peerUrl());
                assertThat(r.exit()).as(r.err() + r.out()).isZero();
                assertThat(r.out()).contains("sha256 ok", "restored member " + m.name,
                        "revision " + revisionBefore + ", compact revision " + compactedAt + ", 1 leases",
                        "start it with: caravel server --name " + m.name);
            }
            restored.startNew(Duration.ofSeconds(90));
            String all = restored.endpoints();

            // the members of the new cluster (new ids, new cluster id), each started with its name
            String members = awaitMembersStarted(all);
            assertThat(members.lines()).hasSize(3);
            for (ProcessCluster.Member m : restored.members()) {
                assertThat(members).contains(", started, " + m.name + ", " + m.peerUrl() + ", " + m.clientUrl() + ", false");
            }
            assertThat(memberIds(members)).doesNotContainAnyElementsOf(oldMemberIds);
            assertThat(clusterId(Etcdctl.run(all, "member", "list", "-w", "json").ok().out())).isNotEqualTo(oldClusterId);
            String status = Etcdctl.run(all, "endpoint", "status").ok().out();
            assertThat(status.lines().filter(l -> l.contains(", true, false, ")).count()).as(status).isEqualTo(1);

            // every key, value, create/mod revision, version and lease as before, on every member
            Etcdctl.Result keys = Etcdctl.run(all, "get", "", "--prefix", "-w", "json").ok();
            assertThat(kvs(keys.out())).isEqualTo(keysBefore);
            assertThat(revision(keys.out())).isEqualTo(revisionBefore);
            for (ProcessCluster.Member m : restored.members()) {
                assertThat(kvs(Etcdctl.run(m.clientUrl(), "get", "", "--prefix", "-w", "json", "--consistency=s").ok().out()))
                        .as("member %s's own store", m.name).isEqualTo(keysBefore);
            }
            assertThat(Etcdctl.run(all, "get", "k/3").ok().out()).isEmpty();
            assertThat(Etcdctl.run(all, "get", "k/0", "--print-value-only").ok().out()).isEqualTo("last\n");

            // the compaction survives: history at the compacted revision is readable, below it is refused
            Etcdctl.run(all, "get", "k/", "--prefix", "--rev", Long.toString(compactedAt)).ok();
            Etcdctl.Result below = Etcdctl.run(all, "get", "k/0", "--rev", Long.toString(compactedAt - 1));
            assertThat(below.exit()).isNotZero();
            assertThat(below.err()).contains("etcdserver: mvcc: required revision has been compacted");

            // the lease survives with its keys
            assertThat(Etcdctl.run(all, "lease", "list").ok().out()).contains(lease);
            String ttl = Etcdctl.run(all, "lease", "timetolive", lease, "--keys").ok().out();
            assertThat(ttl).contains("lease " + lease + " granted with TTL(600s)", "attached keys([leased/a leased/b])");

            // writes work, and the revision continues from the backup's
            Etcdctl.Result put = Etcdctl.run(restored.members().get(2).clientUrl(), "put", "after-restore", "x", "-w", "json").ok();
            assertThat(revision(put.out())).isEqualTo(revisionBefore + 1);
            assertThat(Etcdctl.run(restored.members().get(0).clientUrl(), "get", "after-restore", "--print-value-only").ok().out())
                    .isEqualTo("x\n");
            assertThat(Etcdctl.run(all, "lease", "revoke", lease).ok().out()).isEqualTo("lease " + lease + " revoked\n");
            assertThat(Etcdctl.run(all, "get", "leased/", "--prefix").ok().out()).isEmpty();

            // a restart of a restored member is an ordinary restart
            ProcessCluster.Member n1 = restored.member("n1");
            assertThat(n1.terminate(Duration.ofSeconds(30))).isIn(0, 143); // 128+SIGTERM after the shutdown hook, as in SingleNodeIT
            n1.restart();
            restored.awaitHealthy(Duration.ofSeconds(60));
            assertThat(Etcdctl.run(n1.clientUrl(), "get", "after-restore", "--print-value-only").ok().out()).isEqualTo("x\n");
        }
    }

    @Test
    void aCorruptFileOrANonEmptyDataDirIsRefused() throws Exception {
        assumeTrue(Etcdctl.available(), Etcdctl.MISSING);
        Path backup = tmp.resolve("backup.db");
        try (ProcessCluster old = ProcessCluster.start("restore-refusals", 1)) {
            Etcdctl.run(old.endpoints(), "put", "a", "1").ok();
            Etcdctl.run(old.endpoints(), "snapshot", "save", backup.toString()).ok();
        }
        String cluster = "n1=http://127.0.0.1:2380";

        // a flipped byte: refused before anything is written
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 3] ^= 0x01;
        Path corrupt = tmp.resolve("corrupt.db");
        Files.write(corrupt, bytes);
        Path dataDir = tmp.resolve("data").resolve("n1");
        Etcdctl.Result r = caravel("snapshot", "restore", corrupt.toString(), "--name", "n1", "--data-dir", dataDir.toString(),
                "--initial-cluster", cluster, "--initial-advertise-peer-urls", "http://127.0.0.1:2380");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("caravel snapshot restore: snapshot file " + corrupt + " failed its integrity check: expected sha256");
        assertThat(tmp.resolve("data")).doesNotExist();

        // a data dir with something in it
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("keep-me"), "precious");
        r = caravel("snapshot", "restore", backup.toString(), "--name", "n1", "--data-dir", dataDir.toString(),
                "--initial-cluster", cluster, "--initial-advertise-peer-urls", "http://127.0.0.1:2380");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("data-dir " + dataDir + " is not empty");
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("keep-me");
        }

        // a bad command line is a usage error
        r = caravel("snapshot", "restore", "--name", "n1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("the snapshot file to restore is missing", "Usage: caravel snapshot restore <file> [flags]");
    }

    private static String awaitMembersStarted(String endpoints) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String members;
        do {
            members = Etcdctl.run(endpoints, "member", "list").ok().out();
            if (members.lines().noneMatch(l -> l.contains("unstarted"))) {
                return members;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < until);
        return members;
    }

    /** The {@code "kvs":[...]} part of {@code get -w json} (without the header, whose ids and raft term differ). */
    private static String kvs(String json) {
        int start = json.indexOf("\"kvs\":");
        int end = json.lastIndexOf(']');
        assertThat(start).as(json).isPositive();
        return json.substring(start, end + 1);
    }

    private static long revision(String json) {
        Matcher m = REVISION.matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String clusterId(String json) {
        Matcher m = CLUSTER_ID.matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    private static List<String> memberIds(String memberList) {
        List<String> ids = new ArrayList<>();
        memberList.lines().forEach(l -> ids.add(l.substring(0, l.indexOf(','))));
        return ids;
    }

    /** {@code caravel <args>} as a process (what {@code ./caravel} runs). */
    private static Etcdctl.Result caravel(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(ProcessCluster.javaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("caravel " + String.join(" ", args) + " did not finish");
        }
        return new Etcdctl.Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
