package io.caravel.raft.statemachine;

import io.caravel.raft.Alarm;
import io.caravel.raft.command.AlarmCmd;
import io.caravel.raft.command.ClusterMetaMsg;
import io.caravel.raft.command.PublishCmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The small, replicated cluster state that is not user data: the name and client URLs each member
 * published when it started (etcd's member attributes) and the active alarms. It lives in one file
 * beside the store ({@code <data-dir>/meta/cluster-meta.pb}), never in the user key space, and is
 * replaced atomically (write to a temporary file, fsync, rename). Changes are idempotent sets, so
 * replaying an entry after a crash is harmless.
 *
 * <p>Thread-safe: mutations come from the apply thread, reads from anywhere.
 */
public final class ClusterMeta {
    public static final String FILE_NAME = "cluster-meta.pb";

    /** A member's published attributes. */
    public record Attributes(String name, List<String> clientUrls) {
        public Attributes {
            clientUrls = List.copyOf(clientUrls);
        }
    }

    private final Path file;
    private final Map<Long, Attributes> members = new TreeMap<>();
    private final Set<Alarm> alarms = new LinkedHashSet<>();
    private long appliedIndex;

    private ClusterMeta(Path file) {
        this.file = file;
    }

    /** Loads the meta file in {@code directory}, or starts empty when there is none. */
    public static ClusterMeta load(Path directory) {
        ClusterMeta m = new ClusterMeta(directory.resolve(FILE_NAME));
        m.reload();
        return m;
    }

    /** Re-reads the file (after a snapshot install replaced it). */
    public synchronized void reload() {
        members.clear();
        alarms.clear();
        appliedIndex = 0;
        if (!Files.exists(file)) {
            return;
        }
        try {
            ClusterMetaMsg msg = ClusterMetaMsg.parseFrom(Files.readAllBytes(file));
            appliedIndex = msg.getAppliedIndex();
            for (PublishCmd p : msg.getMembersList()) {
                members.put(p.getMemberId(), new Attributes(p.getName(), p.getClientUrlsList()));
            }
            for (AlarmCmd a : msg.getAlarmsList()) {
                alarms.add(new Alarm(a.getMemberId(), Alarm.Type.values()[a.getTypeValue()]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cluster meta " + file, e);
        }
    }

    public synchronized Optional<Attributes> member(long id) {
        return Optional.ofNullable(members.get(id));
    }

    public synchronized List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    public synchronized void publish(PublishCmd p, long index) {
        members.put(p.getMemberId(), new Attributes(p.getName(), p.getClientUrlsList()));
        persist(index);
    }

    public synchronized void alarm(AlarmCmd a, long index) {
        Alarm alarm = new Alarm(a.getMemberId(), Alarm.Type.values()[a.getTypeValue()]);
        if (a.getAction() == AlarmCmd.Action.ACTIVATE) {
            alarms.add(alarm);
        } else if (a.getTypeValue() == 0) {
            alarms.removeIf(x -> x.memberId() == a.getMemberId() || a.getMemberId() == 0);
        } else {
            alarms.removeIf(x -> x.type() == alarm.type() && (a.getMemberId() == 0 || x.memberId() == a.getMemberId()));
        }
        persist(index);
    }

    /** Forgets a removed member's attributes (in memory; persisted with the next change). */
    public synchronized void retain(Set<Long> ids) {
        members.keySet().retainAll(ids);
    }

    private void persist(long index) {
        appliedIndex = Math.max(appliedIndex, index);
        ClusterMetaMsg.Builder b = ClusterMetaMsg.newBuilder().setAppliedIndex(appliedIndex);
        members.forEach((id, a) -> b.addMembers(PublishCmd.newBuilder().setMemberId(id).setName(a.name())
                .addAllClientUrls(a.clientUrls())));
        List<Alarm> sorted = new ArrayList<>(alarms);
        for (Alarm a : sorted) {
            b.addAlarms(AlarmCmd.newBuilder().setMemberId(a.memberId()).setTypeValue(a.type().ordinal()));
        }
        writeAtomically(file, b.build().toByteArray());
    }

    static void writeAtomically(Path target, byte[] data) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
