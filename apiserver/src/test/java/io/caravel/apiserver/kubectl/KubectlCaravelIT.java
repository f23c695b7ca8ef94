package io.caravel.apiserver.kubectl;

import io.caravel.apiserver.testing.StoreFixture;
import java.io.IOException;

/** kubectl against the API server over a 3-member Caravel cluster (jetcd spreads requests over the members). */
class KubectlCaravelIT extends AbstractKubectlIT {
    @Override
    protected StoreFixture startStore() throws IOException {
        return StoreFixture.caravel(3);
    }
}
