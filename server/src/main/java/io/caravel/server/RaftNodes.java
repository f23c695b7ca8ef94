package io.caravel.server;

import io.caravel.raft.RaftNodeConfig;
import io.caravel.raft.ReplicatedKv;
import java.lang.reflect.InvocationTargetException;

/** Starts the Ratis-backed {@link ReplicatedKv} of a member. */
final class RaftNodes {
    private RaftNodes() {
    }

    /**
     * {@code RatisReplicatedKv.start(config)}. Looked up reflectively while raft/ and server/ land
     * separately; becomes a direct call once both are on main (TODO CARAVEL-3).
     */
    static ReplicatedKv start(RaftNodeConfig config) {
        try {
            Class<?> c = Class.forName("io.caravel.raft.RatisReplicatedKv");
            return (ReplicatedKv) c.getMethod("start", RaftNodeConfig.class).invoke(null, config);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("this build has no Ratis-backed node (io.caravel.raft.RatisReplicatedKv)", e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
