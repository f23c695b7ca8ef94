package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member over its backend quota raises NOSPACE: writes that grow the store fail with etcd's error. */
@Timeout(120)
class QuotaIT {

    @Test
    void overQuotaRaisesNospaceAndRefusesPuts() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("quota", 1, "--quota-backend-bytes", "1024");
             Client client = Client.builder().endpoints(c.endpoints()).build()) {
            ProcessCluster.Member n1 = c.member("n1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.getMaintenanceClient().listAlarms().get(10, TimeUnit.SECONDS).getAlarms().isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            var alarms = client.getMaintenanceClient().listAlarms().get(10, TimeUnit.SECONDS).getAlarms();
            assertThat(alarms).hasSize(1);
            assertThat(alarms.get(0).getAlarmType()).isEqualTo(io.etcd.jetcd.maintenance.AlarmType.NOSPACE);
            assertThat(n1.healthy()).isFalse();
            SingleNodeIT.assertError(() -> client.getKVClient().put(ByteSequence.from("k", UTF_8), ByteSequence.from("v", UTF_8))
                    .get(20, TimeUnit.SECONDS), Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded");
            // reads and deletes still work
            assertThat(client.getKVClient().delete(ByteSequence.from("k", UTF_8)).get(20, TimeUnit.SECONDS).getDeleted()).isZero();
            if (Etcdctl.available()) {
                assertThat(Etcdctl.run(c.endpoints(), "alarm", "list").ok().out()).contains("alarm:NOSPACE");
                Etcdctl.Result put = Etcdctl.run(c.endpoints(), "put", "k", "v");
                assertThat(put.exit()).isNotZero();
                assertThat(put.err()).contains("etcdserver: mvcc: database space exceeded");
                assertThat(Etcdctl.run(c.endpoints(), "endpoint", "status").ok().out()).contains("alarm:NOSPACE");
            }
        }
    }
}
