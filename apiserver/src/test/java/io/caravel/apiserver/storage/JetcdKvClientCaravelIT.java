package io.caravel.apiserver.storage;

import io.caravel.apiserver.testing.StoreFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over jetcd against a real one-member {@code caravel server} process. */
class JetcdKvClientCaravelIT extends AbstractKvClientContractTest {
    private static StoreFixture store;

    @BeforeAll
    static void start() throws Exception {
        store = StoreFixture.caravel(1);
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected KvClient client() {
        return store.client();
    }
}
