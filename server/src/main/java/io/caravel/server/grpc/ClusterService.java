package io.caravel.server.grpc;

import io.caravel.raft.ReplicatedKv;
import io.caravel.server.grpc.pb.ClusterGrpc;
import io.caravel.server.grpc.pb.MemberAddRequest;
import io.caravel.server.grpc.pb.MemberAddResponse;
import io.caravel.server.grpc.pb.MemberListRequest;
import io.caravel.server.grpc.pb.MemberListResponse;
import io.caravel.server.grpc.pb.MemberPromoteRequest;
import io.caravel.server.grpc.pb.MemberPromoteResponse;
import io.caravel.server.grpc.pb.MemberRemoveRequest;
import io.caravel.server.grpc.pb.MemberRemoveResponse;
import io.caravel.server.grpc.pb.MemberUpdateRequest;
import io.caravel.server.grpc.pb.MemberUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * etcd's {@code Cluster} service: membership changes go through Raft ({@link ReplicatedKv#memberAdd}
 * and friends). Peer URLs are checked as etcd does ({@code ErrGRPCMemberBadURLs}). Thread-safe.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    /** etcd's {@code ErrGRPCMemberBadURLs}. */
    static final String BAD_URLS = "etcdserver: given member URLs are invalid";

    private final ReplicatedKv kv;

    public ClusterService(ReplicatedKv kv) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        Replies.call(() -> {
            checkUrls(request.getPeerURLsList());
            return kv.memberAdd(request.getPeerURLsList(), request.getIsLearner())
                    .thenCompose(added -> kv.memberList().thenApply(all -> MemberAddResponse.newBuilder()
                            .setHeader(WireFormat.header(kv.header()))
                            .setMember(WireFormat.member(added))
                            .addAllMembers(WireFormat.members(all))
                            .build()));
        }, observer, r -> r);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        Replies.call(() -> kv.memberRemove(request.getID()), observer, ms -> MemberRemoveResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header())).addAllMembers(WireFormat.members(ms)).build());
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> observer) {
        Replies.call(() -> {
            checkUrls(request.getPeerURLsList());
            return kv.memberUpdate(request.getID(), request.getPeerURLsList());
        }, observer, ms -> MemberUpdateResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header())).addAllMembers(WireFormat.members(ms)).build());
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        Replies.call(kv::memberList, observer, ms -> MemberListResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header())).addAllMembers(WireFormat.members(ms)).build());
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        Replies.call(() -> kv.memberPromote(request.getID()), observer, ms -> MemberPromoteResponse.newBuilder()
                .setHeader(WireFormat.header(kv.header())).addAllMembers(WireFormat.members(ms)).build());
    }

    /** etcd accepts http(s) URLs with a host and a port and nothing else ({@code types.NewURLs}). */
    static void checkUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription(BAD_URLS).asRuntimeException();
        }
        for (String u : urls) {
            try {
                URI uri = new URI(u);
                boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                        && uri.getHost() != null && uri.getPort() > 0
                        && (uri.getPath() == null || uri.getPath().isEmpty());
                if (!ok) {
                    throw Status.INVALID_ARGUMENT.withDescription(BAD_URLS).asRuntimeException();
                }
            } catch (java.net.URISyntaxException e) {
                throw Status.INVALID_ARGUMENT.withDescription(BAD_URLS).asRuntimeException();
            }
        }
    }
}
