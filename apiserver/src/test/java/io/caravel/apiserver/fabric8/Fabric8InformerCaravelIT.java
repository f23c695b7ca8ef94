package io.caravel.apiserver.fabric8;

import io.caravel.apiserver.testing.StoreFixture;
import java.io.IOException;

/** The fabric8 informer scenarios over a 3-member Caravel cluster (jetcd spreads requests over the members). */
class Fabric8InformerCaravelIT extends AbstractFabric8InformerTest {
    @Override
    protected StoreFixture startStore() throws IOException {
        return StoreFixture.caravel(3);
    }
}
