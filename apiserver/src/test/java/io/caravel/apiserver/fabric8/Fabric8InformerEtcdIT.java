package io.caravel.apiserver.fabric8;

import io.caravel.apiserver.testing.StoreFixture;
import java.io.IOException;

/** The fabric8 informer scenarios over Debian's etcd. */
class Fabric8InformerEtcdIT extends AbstractFabric8InformerTest {
    @Override
    protected StoreFixture startStore() throws IOException {
        return StoreFixture.etcd();
    }
}
