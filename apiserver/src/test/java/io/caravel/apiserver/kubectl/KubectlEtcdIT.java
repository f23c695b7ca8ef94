package io.caravel.apiserver.kubectl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.testing.EtcdProcess;

/** kubectl against the API server over Debian's etcd. */
class KubectlEtcdIT extends AbstractKubectlIT {
    private EtcdProcess etcd;

    @Override
    protected String startStore() throws Exception {
        assumeTrue(EtcdProcess.available(), EtcdProcess.MISSING);
        etcd = EtcdProcess.start();
        return etcd.endpoint();
    }

    @Override
    protected void stopStore() {
        if (etcd != null) {
            etcd.close();
        }
    }
}
