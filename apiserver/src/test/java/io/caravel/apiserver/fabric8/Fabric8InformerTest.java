package io.caravel.apiserver.fabric8;

import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.storage.KvClient;

/** The fabric8 informer scenarios over the in-memory reference store (part of the unit tests). */
class Fabric8InformerTest extends AbstractFabric8InformerTest {
    @Override
    protected KvClient startStore() {
        return new InMemoryKvClient();
    }

    @Override
    protected void stopStore() {
    }
}
