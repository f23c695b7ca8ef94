package io.caravel.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.ResourceTypes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A list without a limit is read from the store in pages at one revision, never as one range: a member
 * refuses a read whose ranges fetch more than its {@code --max-range-bytes}.
 */
@Timeout(60)
class ObjectStoreListTest {
    private static final long WAIT = 10;

    private InMemoryKvClient kv;
    /** The (revision, limit) of every range the object store asked for. */
    private final List<long[]> ranges = new CopyOnWriteArrayList<>();
    private ObjectStore store;

    @BeforeEach
    void start() {
        kv = new InMemoryKvClient();
        KvClient recording = (KvClient) Proxy.newProxyInstance(KvClient.class.getClassLoader(), new Class<?>[] {KvClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("list")) {
                        ranges.add(new long[] {(Long) args[1], (Integer) args[2]});
                    }
                    try {
                        return method.invoke(kv, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        store = new ObjectStore(recording, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        kv.close();
    }

    @Test
    void aListWithoutALimitIsReadInPagesAtOneRevision() throws Exception {
        for (int i = 0; i < 2_345; i++) {
            ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
            node.putObject("metadata").put("name", String.format("n%05d", i));
            store.create(ResourceTypes.NODES, null, node).get(WAIT, TimeUnit.SECONDS);
        }
        ranges.clear();
        ListResult all = store.list(ResourceTypes.NODES, null, 0, 0, null, o -> true, false).get(WAIT, TimeUnit.SECONDS);

        assertThat(all.items()).hasSize(2_345);
        assertThat(all.items().get(0).key()).endsWith("n00000");
        assertThat(all.items().get(2_344).key()).endsWith("n02344");
        assertThat(all.continueToken()).isNull();
        assertThat(ranges).hasSize(3);
        assertThat(ranges).allSatisfy(r -> assertThat(r[1]).isEqualTo(1_000));
        // the first page fixes the revision; the others read at it
        assertThat(ranges.get(0)[0]).isZero();
        assertThat(ranges.get(1)[0]).isEqualTo(all.resourceVersion());
        assertThat(ranges.get(2)[0]).isEqualTo(all.resourceVersion());
    }
}
