package io.caravel.apiserver.kubectl;

import io.caravel.apiserver.testing.StoreFixture;
import java.io.IOException;

/** kubectl against the API server over Debian's etcd. */
class KubectlEtcdIT extends AbstractKubectlIT {
    @Override
    protected StoreFixture startStore() throws IOException {
        return StoreFixture.etcd();
    }
}
