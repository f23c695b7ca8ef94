package io.caravel.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravel.apiserver.ApiServer;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.testing.Api;
import io.caravel.apiserver.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The REST conventions over HTTP, on the in-memory store: status codes, Status bodies, resourceVersion, lists, watches. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ApiServerHttpTest {
    private InMemoryKvClient kv;
    private ApiServer server;
    private Api api;

    @BeforeAll
    void start() {
        kv = new InMemoryKvClient();
        server = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0)
                .withWatchCacheCapacity(50).withMaxBodyBytes(64 * 1024));
        api = new Api(server.port());
        Processes.await(Duration.ofSeconds(10), "namespace default", () -> {
            try {
                return api.get("/api/v1/namespaces/default").code() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() {
        server.close();
        kv.close();
    }

    private static String cm(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"v\":\"" + value + "\"}},\"data\":{\"k\":\"" + value + "\"},\"extra\":{\"kept\":true}}";
    }

    @Test
    void createGetUpdateDeleteWithResourceVersions() throws Exception {
        Api.Response created = api.post("/api/v1/namespaces/default/configmaps", cm("crud", "1"));
        assertThat(created.code()).isEqualTo(201);
        String rv = created.body().at("/metadata/resourceVersion").asText();
        assertThat(created.body().at("/metadata/uid").asText()).hasSize(36);
        assertThat(created.body().at("/extra/kept").asBoolean()).as("unknown fields are kept").isTrue();
        Api.Response dup = api.post("/api/v1/namespaces/default/configmaps", cm("crud", "2"));
        assertThat(dup.code()).isEqualTo(409);
        assertThat(dup.body().path("reason").asText()).isEqualTo("AlreadyExists");
        assertThat(dup.body().path("message").asText()).isEqualTo("configmaps \"crud\" already exists");

        JsonNode body = created.body().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("data")).put("k", "2");
        Api.Response updated = api.put("/api/v1/namespaces/default/configmaps/crud", body.toString());
        assertThat(updated.code()).isEqualTo(200);
        assertThat(Long.parseLong(updated.body().at("/metadata/resourceVersion").asText())).isGreaterThan(Long.parseLong(rv));
        Api.Response stale = api.put("/api/v1/namespaces/default/configmaps/crud", body.toString());
        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.body().path("reason").asText()).isEqualTo("Conflict");
        assertThat(stale.body().path("message").asText()).contains("the object has been modified");

        Api.Response del = api.delete("/api/v1/namespaces/default/configmaps/crud");
        assertThat(del.code()).isEqualTo(200);
        Api.Response gone = api.get("/api/v1/namespaces/default/configmaps/crud");
        assertThat(gone.code()).isEqualTo(404);
        assertThat(gone.body().path("kind").asText()).isEqualTo("Status");
        assertThat(gone.body().path("reason").asText()).isEqualTo("NotFound");
    }

    @Test
    void errorsAreStatusObjects() throws Exception {
        Api.Response invalid = api.post("/api/v1/namespaces/default/pods",
                "{\"metadata\":{\"name\":\"Bad_Name\",\"labels\":{\"a\":\"-x\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertThat(invalid.code()).isEqualTo(422);
        assertThat(invalid.body().path("reason").asText()).isEqualTo("Invalid");
        List<String> fields = new ArrayList<>();
        invalid.body().at("/details/causes").forEach(c -> fields.add(c.path("field").asText()));
        assertThat(fields).contains("metadata.name", "metadata.labels", "spec.containers[0].image");
        Api.Response parse = api.post("/api/v1/namespaces/default/configmaps", "{\n  \"metadata\": {\"name\": }\n}");
        assertThat(parse.code()).isEqualTo(400);
        assertThat(parse.body().path("message").asText()).contains("line 2", "column");
        Api.Response big = api.post("/api/v1/namespaces/default/configmaps", "{\"data\":{\"k\":\"" + "x".repeat(70_000) + "\"}}");
        assertThat(big.code()).isEqualTo(413);
        assertThat(api.post("/api/v1/namespaces/nowhere/configmaps", cm("x", "1")).body().path("message").asText())
                .isEqualTo("namespaces \"nowhere\" not found");
        assertThat(api.call("PATCH", "/api/v1/namespaces/default/configmaps/x", "application/apply-patch+yaml", "{}").code())
                .isEqualTo(415);
        assertThat(api.get("/api/v1/nothings").code()).isEqualTo(404);
    }

    @Test
    void listsPageAndFilter() throws Exception {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"paging\"}}");
        for (int i = 0; i < 7; i++) {
            assertThat(api.post("/api/v1/namespaces/paging/configmaps", cm("c" + i, i % 2 == 0 ? "even" : "odd")).code()).isEqualTo(201);
        }
        List<String> names = new ArrayList<>();
        String cont = "";
        int pages = 0;
        do {
            Api.Response page = api.get("/api/v1/namespaces/paging/configmaps?limit=3" + (cont.isEmpty() ? "" : "&continue=" + cont));
            assertThat(page.code()).isEqualTo(200);
            page.body().path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
            cont = page.body().at("/metadata/continue").asText("");
            pages++;
        } while (!cont.isEmpty());
        assertThat(names).containsExactly("c0", "c1", "c2", "c3", "c4", "c5", "c6");
        assertThat(pages).isEqualTo(3);
        Api.Response even = api.get("/api/v1/namespaces/paging/configmaps?labelSelector=v%3Deven&limit=2");
        assertThat(even.body().path("items")).hasSize(2);
        assertThat(api.get("/api/v1/configmaps?labelSelector=v%20in%20(odd)&fieldSelector=metadata.namespace%3Dpaging")
                .body().path("items")).hasSize(3);
        assertThat(api.get("/api/v1/namespaces/paging/configmaps?resourceVersion=0").body().path("items")).hasSize(7);
        assertThat(api.get("/api/v1/configmaps?fieldSelector=spec.nodeName%3Dx").code()).isEqualTo(400);
        assertThat(api.get("/api/v1/configmaps?continue=abc&resourceVersion=5").code()).isEqualTo(400);
    }

    @Test
    void statusSubresourceAndGeneration() throws Exception {
        String dep = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":"
                + "{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"i\"}]}}},\"status\":{\"replicas\":9}}";
        Api.Response c = api.post("/apis/apps/v1/namespaces/default/deployments", dep);
        assertThat(c.code()).isEqualTo(201);
        assertThat(c.body().at("/metadata/generation").asInt()).isEqualTo(1);
        assertThat(c.body().at("/status/replicas").isMissingNode()).as("status is reset on create").isTrue();
        Api.Response s = api.patch("/apis/apps/v1/namespaces/default/deployments/d/status", "application/merge-patch+json",
                "{\"status\":{\"replicas\":3},\"spec\":{\"replicas\":7}}");
        assertThat(s.body().at("/status/replicas").asInt()).isEqualTo(3);
        assertThat(s.body().at("/spec/replicas").asInt()).as("/status ignores spec").isEqualTo(1);
        assertThat(s.body().at("/metadata/generation").asInt()).isEqualTo(1);
        Api.Response m = api.patch("/apis/apps/v1/namespaces/default/deployments/d", "application/merge-patch+json",
                "{\"status\":{\"replicas\":0},\"spec\":{\"replicas\":4},\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        assertThat(m.body().at("/status/replicas").asInt()).as("the main resource ignores status").isEqualTo(3);
        assertThat(m.body().at("/metadata/generation").asInt()).isEqualTo(2);
        Api.Response l = api.patch("/apis/apps/v1/namespaces/default/deployments/d", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"x\":\"z\"}}}");
        assertThat(l.body().at("/metadata/generation").asInt()).as("metadata changes keep the generation").isEqualTo(2);
        Api.Response scale = api.get("/apis/apps/v1/namespaces/default/deployments/d/scale");
        assertThat(scale.body().path("kind").asText()).isEqualTo("Scale");
        assertThat(scale.body().at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(scale.body().at("/status/selector").asText()).isEqualTo("a=b");
    }

    @Test
    void watchesStartWithSyntheticAddsReplayFromARevisionAndExpire() throws Exception {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"watching\"}}");
        Api.Response first = api.post("/api/v1/namespaces/watching/configmaps", cm("w1", "a"));
        long rv = Long.parseLong(first.body().at("/metadata/resourceVersion").asText());
        try (Api.Watch w = api.watch("/api/v1/namespaces/watching/configmaps?watch=true")) {
            assertThat(w.code()).isEqualTo(200);
            JsonNode added = w.next();
            assertThat(added.path("type").asText()).isEqualTo("ADDED");
            assertThat(added.at("/object/metadata/name").asText()).isEqualTo("w1");
            api.post("/api/v1/namespaces/watching/configmaps", cm("w2", "b"));
            assertThat(w.next().at("/object/metadata/name").asText()).isEqualTo("w2");
        }
        api.delete("/api/v1/namespaces/watching/configmaps/w2");
        try (Api.Watch w = api.watch("/api/v1/namespaces/watching/configmaps?watch=true&resourceVersion=" + rv)) {
            JsonNode e1 = w.next();
            assertThat(e1.path("type").asText()).isEqualTo("ADDED");
            assertThat(e1.at("/object/metadata/name").asText()).isEqualTo("w2");
            JsonNode e2 = w.next();
            assertThat(e2.path("type").asText()).isEqualTo("DELETED");
        }
        // the cache keeps 50 events: push the window past rv
        for (int i = 0; i < 60; i++) {
            api.patch("/api/v1/namespaces/watching/configmaps/w1", "application/merge-patch+json", "{\"data\":{\"n\":\"" + i + "\"}}");
        }
        try (Api.Watch w = api.watch("/api/v1/namespaces/watching/configmaps?watch=true&resourceVersion=" + rv)) {
            JsonNode err = w.next();
            assertThat(err.path("type").asText()).isEqualTo("ERROR");
            assertThat(err.at("/object/code").asInt()).isEqualTo(410);
            assertThat(err.at("/object/reason").asText()).isEqualTo("Expired");
            assertThat(w.next().path("type").asText()).isEqualTo("END");
        }
        try (Api.Watch w = api.watch("/api/v1/namespaces/watching/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1")) {
            assertThat(w.next().path("type").asText()).isEqualTo("ADDED");
            assertThat(w.next().path("type").asText()).as("timeoutSeconds ends the stream").isEqualTo("END");
        }
    }

    @Test
    void aNewServerReplaysTheStoresHistoryUntilCompactionAndEndsWatchesCleanlyOnClose() throws Exception {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"history\"}}");
        long rv = Long.parseLong(api.post("/api/v1/namespaces/history/configmaps", cm("h", "0"))
                .body().at("/metadata/resourceVersion").asText());
        api.patch("/api/v1/namespaces/history/configmaps/h", "application/merge-patch+json", "{\"data\":{\"k\":\"1\"}}");
        api.delete("/api/v1/namespaces/history/configmaps/h");
        // a server started after these writes still serves a watch from before them (from the store's history)
        ApiServer other = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0).withWatchCacheCapacity(50));
        try (Api.Watch w = new Api(other.port()).watch("/api/v1/namespaces/history/configmaps?watch=true&resourceVersion=" + rv)) {
            JsonNode modified = w.next();
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            assertThat(modified.at("/object/data/k").asText()).isEqualTo("1");
            JsonNode deleted = w.next();
            assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
            assertThat(Long.parseLong(deleted.at("/object/metadata/resourceVersion").asText()))
                    .isGreaterThan(Long.parseLong(modified.at("/object/metadata/resourceVersion").asText()));
            other.close();
            assertThat(w.next().path("type").asText()).as("close ends the stream cleanly").isEqualTo("END");
            assertThat(w.cleanEnd()).as("with the last chunk, not a cut connection").isTrue();
        } finally {
            other.close(); // a second close does nothing
        }
        // compaction past rv: 410 from a new server
        kv.compact(kv.currentRevision().get()).get();
        ApiServer third = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0).withWatchCacheCapacity(50));
        try (Api.Watch w = new Api(third.port()).watch("/api/v1/namespaces/history/configmaps?watch=true&resourceVersion=" + rv)) {
            JsonNode err = w.next();
            assertThat(err.path("type").asText()).isEqualTo("ERROR");
            assertThat(err.at("/object/code").asInt()).isEqualTo(410);
        } finally {
            third.close();
        }
    }

    @Test
    void selectorWatchTurnsLabelChangesIntoAddAndDelete() throws Exception {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"sel\"}}");
        Api.Response c = api.post("/api/v1/namespaces/sel/configmaps", cm("s", "no"));
        String rv = c.body().at("/metadata/resourceVersion").asText();
        try (Api.Watch w = api.watch("/api/v1/namespaces/sel/configmaps?watch=true&labelSelector=v%3Dyes&resourceVersion=" + rv)) {
            api.patch("/api/v1/namespaces/sel/configmaps/s", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"v\":\"yes\"}}}");
            assertThat(w.next().path("type").asText()).isEqualTo("ADDED");
            api.patch("/api/v1/namespaces/sel/configmaps/s", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"v\":\"no\"}}}");
            assertThat(w.next().path("type").asText()).isEqualTo("DELETED");
        }
    }

    @Test
    void discoveryServesLegacyAndAggregatedForms() throws Exception {
        assertThat(api.get("/version").body().path("minor").asText()).isEqualTo("32");
        JsonNode apps = api.get("/apis/apps/v1").body();
        List<String> names = new ArrayList<>();
        apps.path("resources").forEach(r -> names.add(r.path("name").asText()));
        assertThat(names).contains("deployments", "deployments/scale", "deployments/status", "replicasets", "daemonsets");
        assertThat(api.get("/api/v1").body().toString()).contains("pods/binding", "\"po\"");
        assertThat(api.get("/apis").body().toString()).contains("coordination.k8s.io", "batch");
        JsonNode index = api.get("/openapi/v3").body();
        String url = index.at("/paths/apis~1apps~1v1/serverRelativeURL").asText();
        assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
        assertThat(api.get(url).body().toString()).contains("fieldValidation", "io.k8s.api.apps.v1.Deployment");
    }
}
