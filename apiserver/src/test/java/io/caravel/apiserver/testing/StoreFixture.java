package io.caravel.apiserver.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.storage.JetcdKvClient;
import io.caravel.apiserver.storage.KvClient;
import java.io.IOException;

/**
 * The store a test class runs against, with one client of it: Debian's etcd, a Caravel cluster of real
 * {@code caravel server} processes (both reached through {@link JetcdKvClient}), or the in-memory reference model.
 *
 * <p>Contract: start one in {@code @BeforeAll} and {@link #close()} it in {@code @AfterAll}. A store that cannot
 * be had on this machine (no etcd binary, no server jar) aborts the test class through a JUnit assumption, so it is
 * reported as skipped rather than failed. The client belongs to the fixture: use it, do not close it.
 */
public final class StoreFixture implements AutoCloseable {
    private final KvClient client;
    private final Runnable stop;

    private StoreFixture(KvClient client, Runnable stop) {
        this.client = client;
        this.stop = stop;
    }

    /** A jetcd client of a store just started; stops the store if the client cannot be made. */
    private static StoreFixture remote(String endpoints, Runnable stop) {
        try {
            return new StoreFixture(JetcdKvClient.connect(endpoints), stop);
        } catch (RuntimeException | Error e) {
            stop.run();
            throw e;
        }
    }

    /** Debian's etcd, one member on free ports (skips the test class when it is not installed). */
    public static StoreFixture etcd() throws IOException {
        assumeTrue(EtcdProcess.available(), EtcdProcess.MISSING);
        EtcdProcess etcd = EtcdProcess.start();
        return remote(etcd.endpoint(), etcd::close);
    }

    /**
     * A new Caravel cluster of {@code members} processes; jetcd spreads requests over them (skips the test class
     * when the server jar cannot be built).
     */
    public static StoreFixture caravel(int members) throws IOException {
        assumeTrue(CaravelCluster.available(), CaravelCluster::unavailableReason);
        CaravelCluster cluster = CaravelCluster.start(members);
        return remote(cluster.endpoints(), cluster::close);
    }

    /** The in-memory reference store (its client is the store). */
    public static StoreFixture inMemory() {
        return new StoreFixture(new InMemoryKvClient(), () -> { });
    }

    /** The fixture's client of the store; closed by {@link #close()}. */
    public KvClient client() {
        return client;
    }

    /** Closes the client, then stops the store and removes its data. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            stop.run();
        }
    }
}
