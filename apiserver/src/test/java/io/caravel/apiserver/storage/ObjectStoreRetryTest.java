package io.caravel.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.Meta;
import io.caravel.apiserver.resource.ResourceTypes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An update without a resourceVersion retries a lost compare-and-swap on the latest object, a bounded number of times. */
@Timeout(60)
class ObjectStoreRetryTest {
    private static final long WAIT = 10;

    private InMemoryKvClient kv;
    private ObjectStore store;

    @BeforeEach
    void start() throws Exception {
        kv = new InMemoryKvClient();
        store = new ObjectStore(kv, Clock.systemUTC());
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "n");
        store.create(ResourceTypes.NODES, null, node).get(WAIT, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        kv.close();
    }

    @Test
    void concurrentUpdatesWithoutResourceVersionAllLand() throws Exception {
        List<CompletableFuture<StoredObject>> updates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String label = "l" + i;
            updates.add(store.update(ResourceTypes.NODES, null, "n", false, cur -> {
                Meta.metadata(cur).withObject("/labels").put(label, "x");
                Meta.metadata(cur).remove("resourceVersion"); // no precondition: apply to the latest object
                return cur;
            }));
        }
        for (CompletableFuture<StoredObject> u : updates) {
            assertThat(u.get(WAIT, TimeUnit.SECONDS)).isNotNull();
        }
        StoredObject n = store.get(ResourceTypes.NODES, null, "n").get(WAIT, TimeUnit.SECONDS);
        assertThat(Meta.labels(n.object())).containsOnlyKeys("l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7");
    }

    @Test
    void anUpdateThatLosesEveryRaceGivesUpWith409After16Attempts() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<StoredObject> update = store.update(ResourceTypes.NODES, null, "n", false, cur -> {
            attempts.incrementAndGet();
            // another writer gets in between this attempt's read and its write
            ObjectNode other = cur.deepCopy();
            Meta.metadata(other).withObject("/annotations").put("other", Integer.toString(attempts.get()));
            kv.update(ResourceTypes.NODES.key(null, "n"), ObjectStore.encode(other),
                    Long.parseLong(Meta.resourceVersion(cur)));
            Meta.metadata(cur).withObject("/labels").put("mine", "x");
            Meta.metadata(cur).remove("resourceVersion");
            return cur;
        });
        assertThat(update).failsWithin(WAIT, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(attempts).hasValue(16);
        StoredObject n = store.get(ResourceTypes.NODES, null, "n").get(WAIT, TimeUnit.SECONDS);
        assertThat(Meta.labels(n.object())).doesNotContainKey("mine");
    }
}
