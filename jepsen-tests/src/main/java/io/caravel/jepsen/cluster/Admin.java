package io.caravel.jepsen.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The harness's administrative connection to one node: status, membership, leader transfer and a
 * readiness read, with plain gRPC stubs (jetcd's generated etcd v3 API) and an explicit deadline on
 * every call. These calls drive the cluster and the nemeses; they are not part of any recorded
 * history.
 *
 * <p>etcd's {@code MemberPromote} is missing from jetcd 0.8's protos, so it is called through a
 * hand-written method descriptor: its request is {@code {uint64 ID = 1}} and its response has the
 * same layout as {@code MemberListResponse} ({@code header = 1, repeated members = 2}).
 *
 * <p>Thread-safe (gRPC channels and blocking stubs are).
 */
public final class Admin implements AutoCloseable {

  private static final MethodDescriptor<Long, MemberListResponse> MEMBER_PROMOTE =
      MethodDescriptor.<Long, MemberListResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("etcdserverpb.Cluster/MemberPromote")
          .setRequestMarshaller(new PromoteRequestMarshaller())
          .setResponseMarshaller(new MemberListMarshaller())
          .build();

  private final ManagedChannel channel;

  /** Opens a (lazy) channel to a node's client port on 127.0.0.1. */
  public Admin(int clientPort) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
  }

  /** Maintenance.Status. */
  public StatusResponse status(Duration timeout) {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  /** Cluster.MemberList (linearizable where the server supports it). */
  public List<Member> members(Duration timeout) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .memberList(MemberListRequest.getDefaultInstance()).getMembersList();
  }

  /** Cluster.MemberAdd; returns the new member's id. */
  public long addMember(String peerUrl, boolean learner, Duration timeout) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .memberAdd(MemberAddRequest.newBuilder().addPeerURLs(peerUrl).setIsLearner(learner).build())
        .getMember().getID();
  }

  /** Cluster.MemberRemove. */
  public void removeMember(long id, Duration timeout) {
    ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .memberRemove(MemberRemoveRequest.newBuilder().setID(id).build());
  }

  /** Cluster.MemberPromote. */
  public void promoteMember(long id, Duration timeout) {
    ClientCalls.blockingUnaryCall(channel, MEMBER_PROMOTE,
        CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), id);
  }

  /** Maintenance.MoveLeader (must be sent to the leader). */
  public void moveLeader(long targetId, Duration timeout) {
    MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(targetId).build());
  }

  /** A linearizable KV.Range of one key: proves the node serves reads through a quorum. */
  public RangeResponse read(String key, Duration timeout) {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8)).build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code MemberPromoteRequest {uint64 ID = 1;}}. */
  private static final class PromoteRequestMarshaller implements MethodDescriptor.Marshaller<Long> {
    @Override
    public InputStream stream(Long id) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, id);
        out.flush();
        return new ByteArrayInputStream(bytes.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Long parse(InputStream stream) {
      throw new UnsupportedOperationException("client side only");
    }
  }

  /** Parses a MemberPromoteResponse as the identically laid out MemberListResponse. */
  private static final class MemberListMarshaller implements MethodDescriptor.Marshaller<MemberListResponse> {
    @Override
    public InputStream stream(MemberListResponse value) {
      return value.toByteString().newInput();
    }

    @Override
    public MemberListResponse parse(InputStream stream) {
      try {
        return MemberListResponse.parseFrom(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
