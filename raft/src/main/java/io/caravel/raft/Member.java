package io.caravel.raft;

import java.util.List;

/**
 * A cluster member as etcd's {@code Member}.
 *
 * @param id the member id (etcd: a uint64 carried in a Java long)
 * @param name empty until the member has started and published itself (etcdctl shows "unstarted")
 * @param peerUrls the URLs other members reach it at (its Raft address)
 * @param clientUrls the URLs clients reach it at; empty until it has started
 * @param learner a non-voting member
 */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
