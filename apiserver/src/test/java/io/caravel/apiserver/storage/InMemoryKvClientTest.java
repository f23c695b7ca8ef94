package io.caravel.apiserver.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on the in-memory reference model. */
class InMemoryKvClientTest extends AbstractKvClientContractTest {
    private static InMemoryKvClient kv;

    @BeforeAll
    static void start() {
        kv = new InMemoryKvClient();
    }

    @AfterAll
    static void stop() {
        kv.close();
    }

    @Override
    protected KvClient client() {
        return kv;
    }
}
