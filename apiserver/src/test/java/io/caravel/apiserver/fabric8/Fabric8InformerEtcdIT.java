package io.caravel.apiserver.fabric8;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.storage.JetcdKvClient;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.testing.EtcdProcess;

/** The fabric8 informer scenarios over Debian's etcd. */
class Fabric8InformerEtcdIT extends AbstractFabric8InformerTest {
    private EtcdProcess etcd;

    @Override
    protected KvClient startStore() throws Exception {
        assumeTrue(EtcdProcess.available(), EtcdProcess.MISSING);
        etcd = EtcdProcess.start();
        return JetcdKvClient.connect(etcd.endpoint());
    }

    @Override
    protected void stopStore() {
        if (etcd != null) {
            etcd.close();
        }
    }
}
