package io.caravel.raft;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.util.AwaitForSignal;

/**
 * Ratis's gRPC transport with one change on the leader: a follower hears of a new commit index at once,
 * in an empty AppendEntries, as etcd's leader broadcasts an append when its commit index moves.
 *
 * <p>Why: Ratis by default appends a log entry of its own (a "metadata" entry recording the commit index)
 * after every commit, and that entry is what tells followers the new commit index. It costs every member a
 * second log write and fsync and the leader a second replication round per client entry: half of the log was
 * metadata. Caravel turns those entries off ({@code raft.server.log.log-metadata.enabled=false}); without
 * them Ratis's appender has nothing to send after a commit and waits for the next entry or the heartbeat
 * (half the minimum election timeout), so a follower would apply, and answer its forwarded writes and
 * reads, up to that much later. This appender sends the commit index as soon as there is nothing else to
 * carry it. A restarted member no longer learns the commit index from its own log; it applies what it has
 * once the leader tells it, which Raft allows (the commit index is volatile state).
 *
 * <p>Selected with {@code RaftConfigKeys.Rpc.setType(properties, new CommitAnnouncingGrpc())}; Ratis
 * instantiates this class by name, so it keeps a public no-argument constructor. Everything else is Ratis's
 * {@link GrpcFactory}: the same server, the same client, the same wire format.
 */
public final class CommitAnnouncingGrpc implements RpcType {
    @Override
    public String name() {
        return CommitAnnouncingGrpc.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    private static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new Appender(server, state, follower);
        }
    }

    /**
     * Ratis's appender, except that the heartbeat is due at once when the leader's commit index is past both
     * the follower's and the highest commit index already sent to it, no entry is waiting to carry it, and the
     * follower answered within the minimum election timeout (a member that is down gets its heartbeats at
     * Ratis's pace, not one per commit). While an append to this follower awaits its reply, Ratis would send
     * a heartbeat without a previous entry and so with commit index 0; this appender waits for the reply
     * instead, which wakes it (Ratis signals the appender after every reply and every commit index change).
     * Each commit index is announced once: it is recorded as its request is built, so it is not repeated
     * while the follower's reply is on its way.
     *
     * <p>It also waits on a {@link StickySignal}, so that a wake-up given while it is deciding how long to
     * wait is not lost.
     */
    private static final class Appender extends GrpcLogAppender {
        private final AtomicLong announced = new AtomicLong(-1); // the highest leader commit sent to this follower
        private final StickySignal signal;

        Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            super(server, state, follower);
            this.signal = new StickySignal(this);
        }

        @Override
        public AwaitForSignal getEventAwaitForSignal() {
            return signal;
        }

        @Override
        public long getHeartbeatWaitTimeMs() {
            return commitToAnnounce() && !hasPendingDataRequests() ? 0 : super.getHeartbeatWaitTimeMs();
        }

        private boolean commitToAnnounce() {
            long commit = getRaftLog().getLastCommittedIndex();
            return commit > announced.get() && commit > getFollower().getCommitIndex() && !hasAppendEntries()
                    && getFollower().getLastRpcResponseTime().elapsedTimeMs() < getServer().properties().minRpcTimeoutMs();
        }

        @Override
        public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat) throws RaftLogIOException {
            AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
            if (request != null) {
                announced.accumulateAndGet(request.getLeaderCommit(), Math::max);
            }
            return request;
        }
    }

    /**
     * The appender's wake-up, remembered until its next wait. Ratis's {@link AwaitForSignal} forgets a signal
     * given between the appender's look at its state and the start of its wait (the appender then sleeps until
     * its heartbeat is due, up to half the minimum election timeout, with an entry or a commit index to send).
     * Here a signal given at any time since the last wait ended makes the next wait return at once; the
     * appender looks at its state again after every wait, so nothing it was woken for is missed.
     */
    static final class StickySignal extends AwaitForSignal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition signalled = lock.newCondition();
        private boolean pending; // guarded by lock: a signal since the last wait returned

        StickySignal(Object name) {
            super(name);
        }

        @Override
        public void signal() {
            lock.lock();
            try {
                pending = true;
                signalled.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void await() throws InterruptedException {
            lock.lock();
            try {
                while (!pending) {
                    signalled.await();
                }
                pending = false;
            } finally {
                lock.unlock();
            }
        }

        /** Waits until a signal given since the last wait returned, or for {@code time}; true if signalled. */
        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            lock.lock();
            try {
                long nanos = unit.toNanos(time);
                while (!pending) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = signalled.awaitNanos(nanos);
                }
                pending = false;
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}
