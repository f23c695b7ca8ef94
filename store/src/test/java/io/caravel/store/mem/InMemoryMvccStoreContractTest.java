package io.caravel.store.mem;

import io.caravel.store.AbstractMvccStoreContractTest;
import io.caravel.store.MvccStore;
import io.caravel.store.StoreOptions;

/** Runs the {@link MvccStore} contract against the in-memory reference model (which does not persist). */
class InMemoryMvccStoreContractTest extends AbstractMvccStoreContractTest {
    @Override
    protected MvccStore newStore(StoreOptions options) {
        return new InMemoryMvccStore(options);
    }
}
