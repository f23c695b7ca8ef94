package io.caravel.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.server.grpc.pb.KVGrpc;
import io.caravel.server.grpc.pb.LeaseGrpc;
import io.caravel.server.grpc.pb.MaintenanceGrpc;
import io.caravel.server.grpc.pb.WatchGrpc;
import io.caravel.server.grpc.pb.ClusterGrpc;
import io.caravel.server.grpc.pb.Compare;
import io.caravel.server.grpc.pb.WatchResponse;
import io.caravel.server.grpc.pb.StatusResponse;
import org.junit.jupiter.api.Test;

/** The parts of our .proto files that are etcd's wire contract: method paths and field numbers. */
class ProtoContractTest {

    @Test
    void methodPathsAreEtcds() {
        assertThat(KVGrpc.getRangeMethod().getFullMethodName()).isEqualTo("etcdserverpb.KV/Range");
        assertThat(WatchGrpc.getWatchMethod().getFullMethodName()).isEqualTo("etcdserverpb.Watch/Watch");
        assertThat(LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName()).isEqualTo("etcdserverpb.Lease/LeaseKeepAlive");
        assertThat(ClusterGrpc.getMemberPromoteMethod().getFullMethodName()).isEqualTo("etcdserverpb.Cluster/MemberPromote");
        assertThat(MaintenanceGrpc.getSnapshotMethod().getFullMethodName()).isEqualTo("etcdserverpb.Maintenance/Snapshot");
    }

    @Test
    void fieldNumbersThatDifferFromDeclarationOrder() {
        assertThat(Compare.RANGE_END_FIELD_NUMBER).isEqualTo(64);
        assertThat(WatchResponse.EVENTS_FIELD_NUMBER).isEqualTo(11);
        assertThat(StatusResponse.DBSIZEQUOTA_FIELD_NUMBER).isEqualTo(12);
        assertThat(io.caravel.server.grpc.pb.KeyValue.LEASE_FIELD_NUMBER).isEqualTo(6);
    }
}
