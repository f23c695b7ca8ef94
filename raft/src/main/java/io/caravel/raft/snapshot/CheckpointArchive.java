package io.caravel.raft.snapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A simple framed format for a directory tree (a RocksDB checkpoint plus the cluster meta file):
 * the magic {@code CRVLCKP1}, then for each regular file its relative path (UTF-8, '/'-separated), its
 * length, its bytes and their CRC32C, then a name length of -1. Used to ship checkpoints to lagging
 * followers and for {@code ReplicatedKv.snapshot}. Stateless and thread-safe.
 */
public final class CheckpointArchive {
    private static final byte[] MAGIC = "CRVLCKP1".getBytes(StandardCharsets.US_ASCII);
    private static final int BUFFER = 64 << 10;

    private CheckpointArchive() {
    }

    /** Writes every regular file under {@code root} to {@code out} (which is flushed, not closed). */
    public static void write(Path root, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        byte[] buf = new byte[BUFFER];
        for (Path f : files) {
            String name = root.relativize(f).toString().replace('\\', '/');
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            d.writeInt(n.length);
            d.write(n);
            long size = Files.size(f);
            d.writeLong(size);
            CRC32C crc = new CRC32C();
            long copied = 0;
            try (InputStream in = Files.newInputStream(f)) {
                for (int r; copied < size && (r = in.read(buf, 0, (int) Math.min(buf.length, size - copied))) > 0; ) {
                    d.write(buf, 0, r);
                    crc.update(buf, 0, r);
                    copied += r;
                }
            }
            if (copied != size) {
                throw new IOException("file changed while archiving: " + f);
            }
            d.writeLong(crc.getValue());
        }
        d.writeInt(-1);
        d.flush();
    }

    /** Reads an archive into {@code target} (created; must not exist), checking every checksum. */
    public static void read(InputStream in, Path target) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = d.readNBytes(MAGIC.length);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a checkpoint archive");
        }
        Files.createDirectories(target);
        Path normalizedRoot = target.toAbsolutePath().normalize();
        byte[] buf = new byte[BUFFER];
        for (int len; (len = d.readInt()) != -1; ) {
            if (len <= 0 || len > 4096) {
                throw new IOException("corrupt archive: name length " + len);
            }
            String name = new String(d.readNBytes(len), StandardCharsets.UTF_8);
            Path f = normalizedRoot.resolve(name).normalize();
            if (!f.startsWith(normalizedRoot)) {
                throw new IOException("corrupt archive: path escapes the target: " + name);
            }
            Files.createDirectories(f.getParent());
            long size = d.readLong();
            CRC32C crc = new CRC32C();
            try (OutputStream out = Files.newOutputStream(f)) {
                for (long left = size; left > 0; ) {
                    int r = d.read(buf, 0, (int) Math.min(buf.length, left));
                    if (r < 0) {
                        throw new IOException("truncated archive at " + name);
                    }
                    out.write(buf, 0, r);
                    crc.update(buf, 0, r);
                    left -= r;
                }
            }
            if (d.readLong() != crc.getValue()) {
                throw new IOException("checksum mismatch for " + name);
            }
        }
    }
}
