package io.caravel.raft;

import io.caravel.raft.snapshot.CheckpointArchive;
import io.caravel.raft.snapshot.FileTrees;
import io.caravel.raft.statemachine.KvStateMachine;
import io.caravel.store.LogPosition;
import io.caravel.store.StoreOptions;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Offline restore of a {@code snapshot save} file into the data directory of one member of a NEW
 * cluster (etcd's {@code etcdutl snapshot restore}). Every member of the new cluster is restored from
 * the same file with its own name and peer URL, then started with {@code --initial-cluster-state new}
 * and the same cluster flags; it then starts as a fresh member of a new cluster whose store already
 * holds the backup.
 *
 * <p>The file is what {@link ReplicatedKv#snapshot} streams, as etcd's {@code Maintenance.Snapshot}
 * delivers it: a {@link CheckpointArchive} (the store's RocksDB checkpoint and the old cluster's meta
 * file), zero-padded to a multiple of 512 bytes, then the SHA-256 of everything before it. Restoring:
 * <ol>
 *   <li>refuses a data directory that exists and is not empty;</li>
 *   <li>verifies the SHA-256 trailer (unless {@code skipHashCheck}; a file without the trailer needs it);</li>
 *   <li>unpacks the archive (whose per-file CRC32C are checked) into a temporary directory beside the
 *       data directory;</li>
 *   <li>drops the old cluster's meta file (member names and client URLs, alarms: they belong to the old
 *       member ids; the new members publish theirs when they start, and a member over its quota raises
 *       NOSPACE again within a second);</li>
 *   <li>resets the store's applied position ({@link RocksMvccStore#resetAppliedPosition}): the new
 *       cluster's Raft log starts over at low indexes, and the store skips every entry at or below the
 *       position it has applied; keys, revisions, the compact revision and leases are kept;</li>
 *   <li>records the new member's identity in {@value #MARKER_FILE}, so that the first start checks its
 *       flags against the restore's (see {@link #checkFirstStart});</li>
 *   <li>moves the result into place. A failure leaves no data directory behind (an empty one that
 *       existed before is left as it was).</li>
 * </ol>
 * No Raft log, snapshot or identity file is written: the first {@code caravel server} start on the
 * directory is a fresh start of a new cluster (the group and member ids come from the token and the
 * initial cluster, as for any new cluster), so the new cluster's membership is exactly the new
 * {@code --initial-cluster}. Stateless.
 */
public final class SnapshotRestore {
    /** Written into the restored data directory: the identity its first start must have. */
    public static final String MARKER_FILE = "restored-from-snapshot.properties";
    private static final int SHA256_BYTES = 32;
    private static final int TRAILER_ALIGNMENT = 512;
    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;

    /**
     * What to restore and as which member.
     *
     * @param snapshotFile the {@code snapshot save} file
     * @param dataDirectory the new member's data directory (must not exist, or be empty)
     * @param name the new member's name ({@code --name})
     * @param initialCluster every new member's name to peer URL ({@code --initial-cluster})
     * @param clusterToken the new cluster's token ({@code --initial-cluster-token})
     * @param advertisePeerUrl the new member's peer URL ({@code --initial-advertise-peer-urls})
     * @param skipHashCheck do not verify (or require) the SHA-256 trailer
     */
    public record Options(Path snapshotFile, Path dataDirectory, String name, Map<String, String> initialCluster,
                          String clusterToken, String advertisePeerUrl, boolean skipHashCheck) {
        public Options {
            Objects.requireNonNull(snapshotFile, "snapshotFile == null");
            Objects.requireNonNull(dataDirectory, "dataDirectory == null");
            Objects.requireNonNull(name, "name == null");
            initialCluster = Map.copyOf(initialCluster);
            Objects.requireNonNull(clusterToken, "clusterToken == null");
            Objects.requireNonNull(advertisePeerUrl, "advertisePeerUrl == null");
        }
    }

    /**
     * What was restored.
     *
     * @param memberId the new member's id
     * @param clusterId the new cluster's id
     * @param backupPosition the Raft position the backup's store had applied in the old cluster
     * @param revision the store's revision (the next write gets {@code revision + 1})
     * @param compactRevision the store's compact revision
     * @param leases how many leases the store holds
     * @param hashChecked whether the SHA-256 trailer was verified
     */
    public record Result(long memberId, long clusterId, LogPosition backupPosition, long revision, long compactRevision,
                         int leases, boolean hashChecked) {
    }

    private SnapshotRestore() {
    }

    /**
     * Restores {@code o.snapshotFile()} into {@code o.dataDirectory()}, reporting progress lines to
     * {@code progress}.
     *
     * @throws IllegalArgumentException for inconsistent member flags or a non-empty data directory
     * @throws IOException when the file is unreadable, corrupt (bad SHA-256, bad archive) or not a Caravel
     *                     snapshot, or the data directory cannot be written
     */
    public static Result restore(Options o, Consumer<String> progress) throws IOException {
        Objects.requireNonNull(progress, "progress == null");
        String mine = o.initialCluster().get(o.name());
        if (mine == null) {
            throw new IllegalArgumentException("--initial-cluster must include this member's --name '" + o.name() + "': "
                    + o.initialCluster().keySet());
        }
        if (MemberIds.urls(mine).stream().map(MemberIds::address)
                .noneMatch(a -> a.equals(MemberIds.address(o.advertisePeerUrl())))) {
            throw new IllegalArgumentException("--initial-cluster has " + o.name() + "=" + mine
                    + " but --initial-advertise-peer-urls is " + o.advertisePeerUrl());
        }
        Path target = o.dataDirectory().toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw new IllegalArgumentException("data-dir " + o.dataDirectory() + " is not empty (or not a directory):"
                    + " restore into a new directory");
        }
        Path file = o.snapshotFile();
        if (!Files.isRegularFile(file)) {
            throw new IOException("snapshot file " + file + " does not exist or is not a file");
        }
        long size = Files.size(file);
        boolean hasHash = size % TRAILER_ALIGNMENT == SHA256_BYTES;
        if (!o.skipHashCheck()) {
            if (!hasHash) {
                throw new IOException("snapshot file " + file + " has no sha256 trailer (its size " + size
                        + " is not 512*n+32): not written by 'etcdctl snapshot save'? Pass --skip-hash-check to restore it anyway");
            }
            verifyHash(file, size, progress);
        }

        long memberId = MemberIds.memberId(MemberIds.urls(o.advertisePeerUrl()), o.clusterToken());
        UUID group = MemberIds.groupId(o.clusterToken(), o.initialCluster());
        Path parent = target.getParent();
        Path createdAncestor = firstMissing(parent);
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "." + target.getFileName() + ".restoring-");
        boolean targetExisted = Files.exists(target);
        boolean done = false;
        try {
            Path unpacked = work.resolve("data");
            progress.accept(String.format(Locale.ROOT, "unpacking %s (%s) into %s", file, bytes(size), o.dataDirectory()));
            try (InputStream in = new Progress(new BufferedInputStream(Files.newInputStream(file), 1 << 16), size,
                    "unpacked", progress)) {
                CheckpointArchive.read(in, unpacked);
            } catch (IOException e) {
                throw new IOException("snapshot file " + file + " is not a readable Caravel snapshot: " + e.getMessage(), e);
            }
            Path store = unpacked.resolve(KvStateMachine.STORE_DIR);
            if (!Files.exists(store.resolve("CURRENT"))) {
                throw new IOException("snapshot file " + file + " holds no Caravel store");
            }
            // The old cluster's member attributes and alarms: keyed by the old member ids.
            deleteTree(unpacked.resolve(KvStateMachine.META_DIR));
            LogPosition before;
            long revision;
            long compact;
            int leases;
            try (RocksMvccStore s = RocksMvccStore.open(store, StoreOptions.defaults())) {
                revision = s.currentRevision();
                compact = s.compactRevision();
                leases = s.leases().size();
                before = s.resetAppliedPosition();
                s.sync(); // everything in SST files before the directory moves into place, whatever the WAL setting
            } catch (RuntimeException e) {
                throw new IOException("the store in snapshot file " + file + " cannot be opened: " + e.getMessage(), e);
            }
            writeMarker(unpacked.resolve(MARKER_FILE), o, memberId, group, before, revision);
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            progress.accept(String.format(Locale.ROOT,
                    "restored member %s (id %s) of cluster %s into %s: revision %d, compact revision %d, %d leases (backup applied %d/%d)",
                    o.name(), MemberIds.peerId(memberId), Long.toHexString(MemberIds.clusterId(group)), o.dataDirectory(),
                    revision, compact, leases, before.term(), before.index()));
            return new Result(memberId, MemberIds.clusterId(group), before, revision, compact, leases, !o.skipHashCheck());
        } finally {
            deleteTree(work);
            if (!done && createdAncestor != null) {
                deleteTree(createdAncestor);
            } else if (!done && targetExisted && !Files.exists(target)) {
                Files.createDirectories(target);
            }
        }
    }

    /**
     * Called on a member's first start (no identity yet) with the identity its flags give: when the data
     * directory was restored from a snapshot, the start must be a NEW cluster start with the same name,
     * member id and group (cluster) id as the restore, or the members of the restored cluster would not
     * find each other (or one would start a cluster of its own).
     *
     * @throws IllegalArgumentException naming what differs
     */
    static void checkFirstStart(Path dataDirectory, RaftNodeConfig config) {
        Path f = dataDirectory.resolve(MARKER_FILE);
        if (!Files.exists(f)) {
            return;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        String expected = "--name " + p.getProperty("name") + " --initial-advertise-peer-urls " + p.getProperty("advertise.peer.url")
                + " --initial-cluster " + p.getProperty("initial.cluster") + " --initial-cluster-token " + p.getProperty("cluster.token")
                + " --initial-cluster-state new";
        if (!config.newCluster()) {
            throw new IllegalArgumentException("data-dir " + dataDirectory + " was restored from a snapshot for a new cluster;"
                    + " start it with " + expected);
        }
        long memberId = MemberIds.memberId(MemberIds.urls(config.advertisePeerUrl()), config.clusterToken());
        UUID group = MemberIds.groupId(config.clusterToken(), config.initialCluster());
        if (!config.name().equals(p.getProperty("name")) || !MemberIds.peerId(memberId).equals(p.getProperty("member.id"))
                || !group.toString().equals(p.getProperty("group.id"))) {
            throw new IllegalArgumentException("data-dir " + dataDirectory + " was restored from a snapshot as another member"
                    + " or cluster than these flags give; start it with the restore's flags: " + expected);
        }
    }

    private static void writeMarker(Path f, Options o, long memberId, UUID group, LogPosition before, long revision)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("name", o.name());
        p.setProperty("advertise.peer.url", o.advertisePeerUrl());
        p.setProperty("initial.cluster", new java.util.TreeMap<>(o.initialCluster()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        p.setProperty("cluster.token", o.clusterToken());
        p.setProperty("member.id", MemberIds.peerId(memberId));
        p.setProperty("group.id", group.toString());
        p.setProperty("snapshot.file", o.snapshotFile().toAbsolutePath().toString());
        p.setProperty("backup.applied", before.term() + "/" + before.index());
        p.setProperty("backup.revision", Long.toString(revision));
        try (OutputStream out = Files.newOutputStream(f)) {
            p.store(out, "Caravel: restored from a snapshot; the first start must use these flags");
        }
    }

    private static void verifyHash(Path file, long size, Consumer<String> progress) throws IOException {
        progress.accept(String.format(Locale.ROOT, "verifying the sha256 of %s (%s)", file, bytes(size)));
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long body = size - SHA256_BYTES;
        byte[] trailer;
        try (InputStream in = new Progress(Files.newInputStream(file), size, "verified", progress)) {
            byte[] buf = new byte[1 << 16];
            for (long left = body; left > 0; ) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException("snapshot file " + file + " shrank while it was read");
                }
                sha.update(buf, 0, r);
                left -= r;
            }
            trailer = in.readNBytes(SHA256_BYTES);
        }
        byte[] actual = sha.digest();
        if (!MessageDigest.isEqual(actual, trailer)) {
            HexFormat hex = HexFormat.of();
            throw new IOException("snapshot file " + file + " failed its integrity check: expected sha256 "
                    + hex.formatHex(trailer) + " (its trailer), got " + hex.formatHex(actual)
                    + "; the file is corrupt or truncated");
        }
        progress.accept("sha256 ok");
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** The outermost ancestor of {@code dir} (or {@code dir}) that does not exist yet, or null. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    private static String bytes(long n) {
        if (n < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
    }

    private static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteTree(dir);
    }

    /** Counts the bytes read and reports "n of total" at most every two seconds. */
    private static final class Progress extends FilterInputStream {
        private final long total;
        private final String verb;
        private final Consumer<String> out;
        private long read;
        private long lastReport = System.nanoTime();

        Progress(InputStream in, long total, String verb, Consumer<String> out) {
            super(in);
            this.total = total;
            this.verb = verb;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count(r);
            }
            return r;
        }

        private void count(int n) {
            read += n;
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                lastReport = now;
                out.accept(String.format(Locale.ROOT, "  %s %s of %s (%d%%)", verb, bytes(read), bytes(total),
                        total == 0 ? 100 : read * 100 / total));
            }
        }
    }
}
