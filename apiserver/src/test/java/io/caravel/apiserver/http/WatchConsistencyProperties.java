package io.caravel.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.ApiServer;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.testing.Api;
import io.caravel.apiserver.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of resourceVersion and watch over the HTTP API (in-memory store, one API server for all tries):
 * concurrent read-modify-write updates with resourceVersion never lose an update, and every successful PUT shows up
 * in a watch, in order; a watch from any recent resourceVersion replays exactly the changes after it.
 */
class WatchConsistencyProperties {
    private static InMemoryKvClient kv;
    private static ApiServer server;
    private static Api api;

    @BeforeContainer
    static void start() throws Exception {
        kv = new InMemoryKvClient();
        server = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0).withWatchCacheCapacity(1000));
        api = new Api(server.port());
        Processes.await(Duration.ofSeconds(10), "namespace props", () -> {
            try {
                int code = api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"props\"}}").code();
                return code == 201 || code == 409;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterContainer
    static void stop() {
        server.close();
        kv.close();
    }

    private static final String BASE = "/api/v1/namespaces/props/configmaps";

    @Property(tries = 8)
    void concurrentUpdatesWithResourceVersionNeverLoseAnUpdate(@ForAll @IntRange(min = 2, max = 4) int clients,
                                                               @ForAll @IntRange(min = 1, max = 5) int updatesEach) throws Exception {
        String name = "counter-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post(BASE, "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"n\":\"0\"}}");
        assertThat(created.code()).isEqualTo(201);
        String rv0 = created.body().at("/metadata/resourceVersion").asText();
        List<Long> successes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Api.Watch watch = api.watch(BASE + "?watch=true&resourceVersion=" + rv0 + "&fieldSelector=metadata.name%3D" + name)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    for (int u = 0; u < updatesEach; u++) {
                        while (true) {
                            Api.Response cur = api.get(BASE + "/" + name);
                            ObjectNode obj = (ObjectNode) cur.body();
                            int n = Integer.parseInt(obj.at("/data/n").asText());
                            ((ObjectNode) obj.get("data")).put("n", Integer.toString(n + 1));
                            Api.Response put = api.put(BASE + "/" + name, obj.toString());
                            if (put.code() == 200) {
                                successes.add(Long.parseLong(put.body().at("/metadata/resourceVersion").asText()));
                                break;
                            }
                            assertThat(put.code()).isEqualTo(409);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            int total = clients * updatesEach;
            assertThat(api.get(BASE + "/" + name).body().at("/data/n").asText()).isEqualTo(Integer.toString(total));
            List<Long> seen = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                JsonNode e = watch.next();
                assertThat(e.path("type").asText()).isEqualTo("MODIFIED");
                assertThat(e.at("/object/data/n").asText()).isEqualTo(Integer.toString(i));
                seen.add(Long.parseLong(e.at("/object/metadata/resourceVersion").asText()));
            }
            List<Long> sorted = new ArrayList<>(successes);
            Collections.sort(sorted);
            assertThat(seen).isEqualTo(sorted);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One change made through the API: its revision and what a watcher must see. */
    record Change(long rv, String type, String name) {
    }

    @Property(tries = 15)
    void watchFromAnyRecentResourceVersionReplaysExactlyTheLaterChanges(
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = 0, max = 5) Integer> ops,
            @ForAll @IntRange(min = 0, max = 24) int from) throws Exception {
        String prefix = "r" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<Change> changes = new ArrayList<>();
        boolean[] exists = new boolean[3];
        for (int op : ops) {
            int i = op % 3;
            String name = prefix + i;
            Api.Response r;
            String type;
            if (!exists[i]) {
                r = api.post(BASE, "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"v\":\"0\"}}");
                type = "ADDED";
                exists[i] = true;
            } else if (op >= 3) {
                r = api.delete(BASE + "/" + name);
                type = "DELETED";
                exists[i] = false;
            } else {
                r = api.patch(BASE + "/" + name, "application/merge-patch+json", "{\"data\":{\"v\":\"" + UUID.randomUUID() + "\"}}");
                type = "MODIFIED";
            }
            assertThat(r.code()).isBetween(200, 201);
            long rv = type.equals("DELETED") ? -1 : Long.parseLong(r.body().at("/metadata/resourceVersion").asText());
            changes.add(new Change(rv, type, name));
        }
        // a DELETED event's revision is the deletion's: read it back from a watch from the start
        int start = Math.min(from, changes.size() - 1);
        long startRv = firstRv(changes) - 1;
        List<Change> all = new ArrayList<>();
        try (Api.Watch w = api.watch(BASE + "?watch=true&resourceVersion=" + startRv)) {
            while (all.size() < changes.size()) {
                JsonNode e = w.next();
                String name = e.at("/object/metadata/name").asText();
                if (name.startsWith(prefix)) {
                    all.add(new Change(Long.parseLong(e.at("/object/metadata/resourceVersion").asText()), e.path("type").asText(), name));
                }
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            assertThat(all.get(i).type()).isEqualTo(changes.get(i).type());
            assertThat(all.get(i).name()).isEqualTo(changes.get(i).name());
            if (changes.get(i).rv() > 0) {
                assertThat(all.get(i).rv()).isEqualTo(changes.get(i).rv());
            }
        }
        long watchFrom = all.get(start).rv();
        List<Change> expected = all.subList(start + 1, all.size());
        try (Api.Watch w = api.watch(BASE + "?watch=true&resourceVersion=" + watchFrom)) {
            List<Change> got = new ArrayList<>();
            while (got.size() < expected.size()) {
                JsonNode e = w.next();
                String name = e.at("/object/metadata/name").asText();
                if (name.startsWith(prefix)) {
                    got.add(new Change(Long.parseLong(e.at("/object/metadata/resourceVersion").asText()), e.path("type").asText(), name));
                }
            }
            assertThat(got).isEqualTo(expected);
            // nothing else for this prefix follows
            api.post(BASE, "{\"metadata\":{\"name\":\"" + prefix + "marker\"}}");
            JsonNode next;
            do {
                next = w.next();
            } while (!next.at("/object/metadata/name").asText().startsWith(prefix));
            assertThat(next.at("/object/metadata/name").asText()).isEqualTo(prefix + "marker");
        }
    }

    private static long firstRv(List<Change> changes) {
        return changes.get(0).rv();
    }
}
