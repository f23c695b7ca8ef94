package io.caravel.raft;

import static io.caravel.raft.MiniCluster.WAIT;
import static io.caravel.raft.MiniCluster.await;
import static io.caravel.raft.MiniCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.Bytes;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.KeyValue;
import io.caravel.store.PutRequest;
import io.caravel.store.RangeRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotRestore}: a backup of one cluster seeds a new three-member cluster; bad input is refused. */
@Timeout(180)
class SnapshotRestoreIT {
    private static final String NEW_TOKEN = "restored-cluster";

    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();

    @Test
    void aBackupSeedsANewThreeMemberCluster() throws Exception {
        Path backup = dir.resolve("backup.db");
        long revision;
        long leaseId = 0x1234;
        KeyValue a;
        try (MiniCluster old = MiniCluster.start(1, dir.resolve("old"))) {
            RatisReplicatedKv kv = old.kv(0);
            old.awaitLeader();
            await(kv.leaseGrant(leaseId, 600));
            await(kv.put(new PutRequest(Bytes.of("a"), Bytes.of("1"), leaseId, false, false, false)));
            for (int i = 0; i < 20; i++) {
                await(kv.put(PutRequest.of("k" + (i % 5), "v" + i)));
            }
            await(kv.deleteRange(DeleteRangeRequest.key(Bytes.of("k4"))));
            await(kv.compact(10, false));
            revision = kv.currentRevision();
            a = await(kv.range(RangeRequest.get(Bytes.of("a")), Consistency.LINEARIZABLE)).kvs().get(0);
            save(kv, backup);
        }

        Map<String, String> cluster = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            cluster.put("r" + i, "http://127.0.0.1:" + MiniCluster.freePort());
        }
        for (var e : cluster.entrySet()) {
            SnapshotRestore.Result r = SnapshotRestore.restore(new SnapshotRestore.Options(backup, dir.resolve(e.getKey()),
                    e.getKey(), cluster, NEW_TOKEN, e.getValue(), false), progress::add);
            assertThat(r.revision()).isEqualTo(revision);
            assertThat(r.compactRevision()).isEqualTo(10);
            assertThat(r.leases()).isEqualTo(1);
            assertThat(r.backupPosition().index()).isPositive();
            assertThat(r.hashChecked()).isTrue();
        }
        assertThat(progress).anyMatch(l -> l.startsWith("verifying the sha256")).anyMatch(l -> l.startsWith("restored member r2"));

        List<RatisReplicatedKv> nodes = new ArrayList<>();
        try {
            for (var e : cluster.entrySet()) {
                nodes.add(RatisReplicatedKv.start(config(e.getKey(), cluster, NEW_TOKEN, true)));
            }
            waitUntil(() -> nodes.stream().anyMatch(RatisReplicatedKv::isLeader), WAIT, "a leader in the restored cluster");
            RatisReplicatedKv any = nodes.get(1);
            assertThat(await(any.memberList())).hasSize(3);
            assertThat(any.clusterId()).isEqualTo(MemberIds.clusterId(MemberIds.groupId(NEW_TOKEN, cluster)));
            KeyValue restoredA = await(any.range(RangeRequest.get(Bytes.of("a")), Consistency.LINEARIZABLE)).kvs().get(0);
            assertThat(restoredA).isEqualTo(a);
            assertThat(await(any.range(RangeRequest.get(Bytes.of("k4")), Consistency.LINEARIZABLE)).kvs()).isEmpty();
            assertThat(any.compactRevision()).isEqualTo(10);
            assertThatThrownBy(() -> await(any.range(RangeRequest.builder(Bytes.of("a")).revision(5).build(), Consistency.LINEARIZABLE)))
                    .hasMessageContaining("compacted");
            assertThat(await(any.leaseTimeToLive(leaseId, true)).keys()).containsExactly(Bytes.of("a"));
            assertThat(await(any.put(PutRequest.of("after", "x"))).revision()).isEqualTo(revision + 1);
            for (RatisReplicatedKv n : nodes) {
                waitUntil(() -> n.currentRevision() == revision + 1, WAIT, "every member applies the new write");
            }
        } finally {
            nodes.forEach(RatisReplicatedKv::close);
        }
        // a restart is a restart, not another first start
        try (RatisReplicatedKv again = RatisReplicatedKv.start(config("r0", cluster, NEW_TOKEN, true))) {
            assertThat(again.currentRevision()).isEqualTo(revision + 1);
        }
    }

    @Test
    void aFirstStartWithOtherFlagsThanTheRestoreIsRefused() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (MiniCluster old = MiniCluster.start(1, dir.resolve("old"))) {
            old.awaitLeader();
            await(old.kv(0).put(PutRequest.of("x", "y")));
            save(old.kv(0), backup);
        }
        Map<String, String> cluster = Map.of("r0", "http://127.0.0.1:" + MiniCluster.freePort());
        Path data = dir.resolve("r0");
        SnapshotRestore.restore(new SnapshotRestore.Options(backup, data, "r0", cluster, NEW_TOKEN, cluster.get("r0"), false),
                progress::add);
        assertThatThrownBy(() -> RatisReplicatedKv.start(config("r0", cluster, "another-token", true)))
                .hasMessageContaining("was restored from a snapshot").hasMessageContaining("--initial-cluster-token " + NEW_TOKEN);
        assertThatThrownBy(() -> RatisReplicatedKv.start(config("r0", cluster, NEW_TOKEN, false)))
                .hasMessageContaining("start it with").hasMessageContaining("--initial-cluster-state new");
        try (RatisReplicatedKv kv = RatisReplicatedKv.start(config("r0", cluster, NEW_TOKEN, true))) {
            waitUntil(kv::isLeader, WAIT, "the single restored member leads");
            assertThat(await(kv.range(RangeRequest.get(Bytes.of("x")), Consistency.LINEARIZABLE)).kvs()).hasSize(1);
        }
    }

    @Test
    void badInputIsRefusedAndLeavesNoDataDirectory() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (MiniCluster old = MiniCluster.start(1, dir.resolve("old"))) {
            old.awaitLeader();
            await(old.kv(0).put(PutRequest.of("x", "y")));
            save(old.kv(0), backup);
        }
        Map<String, String> cluster = Map.of("r0", "http://127.0.0.1:2380");
        Path target = dir.resolve("nested").resolve("r0");

        byte[] bytes = Files.readAllBytes(backup);
        Path corrupt = dir.resolve("corrupt.db");
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(corrupt, bytes);
        assertThatThrownBy(() -> restore(corrupt, target, cluster, false))
                .isInstanceOf(IOException.class).hasMessageContaining("failed its integrity check");
        assertThat(dir.resolve("nested")).doesNotExist();
        // without the hash check, the archive's own checksums catch it
        assertThatThrownBy(() -> restore(corrupt, target, cluster, true))
                .isInstanceOf(IOException.class).hasMessageContaining("not a readable Caravel snapshot");
        assertThat(dir.resolve("nested")).doesNotExist();

        Path noTrailer = dir.resolve("raw.db");
        Files.write(noTrailer, java.util.Arrays.copyOf(Files.readAllBytes(backup), bytes.length - 32 - 1));
        assertThatThrownBy(() -> restore(noTrailer, target, cluster, false))
                .isInstanceOf(IOException.class).hasMessageContaining("no sha256 trailer").hasMessageContaining("--skip-hash-check");

        Files.createDirectories(target);
        Files.writeString(target.resolve("something"), "x");
        assertThatThrownBy(() -> restore(backup, target, cluster, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
        assertThat(target.resolve("something")).exists();

        // an existing empty directory is fine
        Files.delete(target.resolve("something"));
        restore(backup, target, cluster, false);
        assertThat(target.resolve("store").resolve("CURRENT")).exists();
        assertThat(target.resolve("meta")).doesNotExist();
        assertThat(target.resolve(SnapshotRestore.MARKER_FILE)).exists();
        try (var s = Files.list(dir.resolve("nested"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("r0");
        }
    }

    private void restore(Path file, Path target, Map<String, String> cluster, boolean skip) throws IOException {
        SnapshotRestore.restore(new SnapshotRestore.Options(file, target, "r0", cluster, NEW_TOKEN, cluster.get("r0"), skip),
                progress::add);
    }

    private RaftNodeConfig config(String name, Map<String, String> cluster, String token, boolean newCluster) {
        return new RaftNodeConfig(name, dir.resolve(name), cluster.get(name), cluster.get(name), List.of("http://127.0.0.1:1"),
                cluster, newCluster, token, Duration.ofMillis(1000), Duration.ofMillis(2000),
                RaftNodeConfig.DEFAULT_QUOTA_BACKEND_BYTES, "", "", RaftNodeConfig.DEFAULT_SNAPSHOT_COUNT);
    }

    /** What {@code etcdctl snapshot save} writes: the archive, zero padding to 512*n, its SHA-256. */
    private static void save(RatisReplicatedKv kv, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            await(kv.snapshot(out));
        }
        long size = Files.size(file);
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            out.write(new byte[(int) ((512 - size % 512) % 512)]);
        }
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            out.write(sha);
        }
    }
}
