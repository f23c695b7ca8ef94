package io.caravel.apiserver.fabric8;

import io.caravel.apiserver.testing.StoreFixture;

/** The fabric8 informer scenarios over the in-memory reference store (part of the unit tests). */
class Fabric8InformerTest extends AbstractFabric8InformerTest {
    @Override
    protected StoreFixture startStore() {
        return StoreFixture.inMemory();
    }
}
