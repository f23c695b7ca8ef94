package io.caravel.apiserver.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.testing.CaravelCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over jetcd against a real one-member {@code caravel server} process. */
class JetcdKvClientCaravelIT extends AbstractKvClientContractTest {
    private static CaravelCluster cluster;
    private static JetcdKvClient kv;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CaravelCluster.available(), CaravelCluster::unavailableReason);
        cluster = CaravelCluster.start(1);
        kv = JetcdKvClient.connect(cluster.endpoints());
    }

    @AfterAll
    static void stop() {
        if (kv != null) {
            kv.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected KvClient client() {
        return kv;
    }
}
