package io.caravel.apiserver.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.testing.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over jetcd against a real Debian etcd started on free ports. */
class JetcdKvClientEtcdIT extends AbstractKvClientContractTest {
    private static EtcdProcess etcd;
    private static JetcdKvClient kv;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(EtcdProcess.available(), EtcdProcess.MISSING);
        etcd = EtcdProcess.start();
        kv = JetcdKvClient.connect(etcd.endpoint());
    }

    @AfterAll
    static void stop() {
        if (kv != null) {
            kv.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected KvClient client() {
        return kv;
    }
}
