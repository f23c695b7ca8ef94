package io.caravel.apiserver.fabric8;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.storage.JetcdKvClient;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.testing.CaravelCluster;

/** The fabric8 informer scenarios over a 3-member Caravel cluster (jetcd spreads requests over the members). */
class Fabric8InformerCaravelIT extends AbstractFabric8InformerTest {
    private CaravelCluster cluster;

    @Override
    protected KvClient startStore() throws Exception {
        assumeTrue(CaravelCluster.available(), CaravelCluster::unavailableReason);
        cluster = CaravelCluster.start(3);
        return JetcdKvClient.connect(cluster.endpoints());
    }

    @Override
    protected void stopStore() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
