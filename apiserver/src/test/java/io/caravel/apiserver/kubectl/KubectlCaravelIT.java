package io.caravel.apiserver.kubectl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.testing.CaravelCluster;

/** kubectl against the API server over a 3-member Caravel cluster (jetcd spreads requests over the members). */
class KubectlCaravelIT extends AbstractKubectlIT {
    private CaravelCluster cluster;

    @Override
    protected String startStore() throws Exception {
        assumeTrue(CaravelCluster.available(), CaravelCluster::unavailableReason);
        cluster = CaravelCluster.start(3);
        return cluster.endpoints();
    }

    @Override
    protected void stopStore() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
