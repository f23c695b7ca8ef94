package io.caravel.apiserver.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.apiserver.ApiServer;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.storage.KvClient;
import io.caravel.apiserver.testing.Ports;
import io.caravel.apiserver.testing.Processes;
import io.caravel.apiserver.testing.StoreFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The fabric8 Kubernetes client (7.x) against our API server over a real store (a subclass provides it):
 * discovery, CRUD and Status bodies, and above all two {@link SharedIndexInformer}s on pods — one watching over
 * WebSockets (fabric8's default), one over plain HTTP streaming ({@code onlyHttpWatches}) — that must report every
 * change exactly as the test wrote it, per pod, in order:
 *
 * <ol>
 *   <li>live changes (create, edit = JSON patch, merge patch, update = PUT, delete);</li>
 *   <li>an API server restart: the informers' server is closed, changes are written through a second API server
 *       over the same store, and a new server is started on the same port; the informers re-watch from their last
 *       resourceVersion and must see every intermediate change (no relist);</li>
 *   <li>a 410 after compaction: the same, but the store is compacted past the informers' resourceVersion while
 *       they are disconnected; they must get 410 Expired, relist and converge to exactly the store's contents
 *       (one notification per changed pod, deletions as "final state unknown");</li>
 *   <li>a 410 from the watch cache's window: more changes than the new server's window holds while the informers
 *       are disconnected, with the same outcome.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
abstract class AbstractFabric8InformerTest {
    /** Events each of the informers' API servers keeps; phase 4 writes more than this while they are down. */
    static final int WINDOW = 100;
    static final String NS = "informers";
    static final Duration CONVERGE = Duration.ofSeconds(60);

    private StoreFixture store;
    private KvClient kv;
    private final int port = Ports.free();
    private ApiServer primary;
    private ApiServer writerServer;
    private KubernetesClient writer;
    private KubernetesClient wsClient;
    private KubernetesClient httpClient;
    private final Recorder wsEvents = new Recorder("websocket");
    private final Recorder httpEvents = new Recorder("http");
    private SharedIndexInformer<Pod> wsInformer;
    private SharedIndexInformer<Pod> httpInformer;

    /** What an informer that sees every change reports, per pod. */
    private final Map<String, List<String>> expected = new TreeMap<>();
    /** Each live pod's current step label. */
    private final Map<String, Integer> steps = new TreeMap<>();

    /** Starts the store the scenarios run on (closed after them). */
    protected abstract StoreFixture startStore() throws Exception;

    private ApiServer startPrimary() {
        return ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", port).withWatchCacheCapacity(WINDOW));
    }

    private static KubernetesClient client(int port, boolean onlyHttpWatches) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
                .withNamespace(NS).withOnlyHttpWatches(onlyHttpWatches)
                .withWatchReconnectInterval(100).withRequestTimeout(30_000).withConnectionTimeout(5_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @BeforeAll
    void start() throws Exception {
        store = startStore();
        kv = store.client();
        primary = startPrimary();
        writerServer = ApiServer.start(kv, ApiServerOptions.defaults().withListen("127.0.0.1", 0));
        writer = client(writerServer.port(), false);
        wsClient = client(port, false);
        httpClient = client(port, true);
        Processes.await(Duration.ofSeconds(30), "namespace default", () -> {
            try {
                return writer.namespaces().withName("default").get() != null;
            } catch (KubernetesClientException e) {
                return false;
            }
        });
        writer.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        writer.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("elsewhere").endMetadata().build()).create();
    }

    @AfterAll
    void stop() {
        for (SharedIndexInformer<Pod> i : new ArrayList<>(java.util.Arrays.asList(wsInformer, httpInformer))) {
            if (i != null) {
                i.stop();
            }
        }
        for (KubernetesClient c : new ArrayList<>(java.util.Arrays.asList(wsClient, httpClient, writer))) {
            if (c != null) {
                c.close();
            }
        }
        if (primary != null) {
            primary.close();
        }
        if (writerServer != null) {
            writerServer.close();
        }
        if (store != null) {
            store.close();
        }
    }

    // ------------------------------------------------------------------ writes (through the writer API server)

    private static Pod pod(String name, int step) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "informed")
                .addToLabels("step", Integer.toString(step)).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox:1.36").endContainer().endSpec()
                .build();
    }

    private void create(String name) {
        Pod p = writer.pods().inNamespace(NS).resource(pod(name, 0)).create();
        steps.put(name, 0);
        expected.computeIfAbsent(name, n -> new ArrayList<>()).add("ADDED 0 " + p.getMetadata().getResourceVersion());
    }

    /** Bumps the pod's step label, alternating fabric8's JSON patch (edit), merge patch and PUT (update). */
    private void bump(String name) {
        int step = steps.get(name) + 1;
        String s = Integer.toString(step);
        Pod p = switch (step % 3) {
            case 1 -> writer.pods().inNamespace(NS).withName(name)
                    .edit(cur -> new PodBuilder(cur).editMetadata().addToLabels("step", s).endMetadata().build());
            case 2 -> writer.pods().inNamespace(NS).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"step\":\"" + s + "\"}}}");
            default -> {
                Pod cur = writer.pods().inNamespace(NS).withName(name).get();
                cur.getMetadata().getLabels().put("step", s);
                yield writer.pods().inNamespace(NS).resource(cur).update();
            }
        };
        assertThat(p.getMetadata().getLabels()).containsEntry("step", s);
        steps.put(name, step);
        expected.get(name).add("MODIFIED " + s + " " + p.getMetadata().getResourceVersion());
    }

    private void delete(String name) {
        List<StatusDetails> d = writer.pods().inNamespace(NS).withName(name).delete();
        assertThat(d).hasSize(1);
        assertThat(d.get(0).getName()).isEqualTo(name);
        expected.get(name).add("DELETED " + steps.remove(name));
    }

    // ------------------------------------------------------------------ what the informers saw

    /** One informer's notifications, per pod; deletions carry no resourceVersion (their RVs are checked apart). */
    static final class Recorder implements ResourceEventHandler<Pod> {
        final String name;
        private final Map<String, List<String>> events = new TreeMap<>();
        private final Map<String, Long> lastRv = new TreeMap<>();
        private final List<String> problems = new ArrayList<>();

        Recorder(String name) {
            this.name = name;
        }

        private synchronized void record(Pod p, String what, boolean withRv) {
            String pod = p.getMetadata().getName();
            long rv = Long.parseLong(p.getMetadata().getResourceVersion());
            Long before = lastRv.put(pod, rv);
            // a deletion noticed by a relist carries the last state the informer had (same resourceVersion)
            boolean unknown = what.startsWith("DELETED(");
            if (before != null && (unknown ? rv < before : rv <= before)) {
                problems.add(pod + ": " + what + " at resourceVersion " + rv + " after " + before);
            }
            String step = p.getMetadata().getLabels().get("step");
            events.computeIfAbsent(pod, n -> new ArrayList<>()).add(what + " " + step + (withRv ? " " + rv : ""));
        }

        @Override
        public void onAdd(Pod p) {
            record(p, "ADDED", true);
        }

        @Override
        public void onUpdate(Pod old, Pod p) {
            record(p, "MODIFIED", true);
        }

        @Override
        public void onDelete(Pod p, boolean deletedFinalStateUnknown) {
            record(p, deletedFinalStateUnknown ? "DELETED(final state unknown)" : "DELETED", false);
        }

        synchronized Map<String, List<String>> events() {
            Map<String, List<String>> copy = new TreeMap<>();
            events.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }

        synchronized List<String> problems() {
            return List.copyOf(problems);
        }
    }

    private void awaitEvents(Map<String, List<String>> want) {
        for (Recorder r : List.of(wsEvents, httpEvents)) {
            try {
                Processes.await(CONVERGE, r.name + " informer events", () -> r.events().equals(want));
            } catch (AssertionError e) {
                assertThat(r.events()).as(r.name + " informer: notifications per pod").isEqualTo(want);
            }
            assertThat(r.problems()).as(r.name + " informer: resourceVersions per pod only grow").isEmpty();
        }
    }

    /** Both informers' caches hold exactly the store's pods of the namespace (names, resourceVersions, labels). */
    private void assertCachesMatchStore() {
        Map<String, String> store = new TreeMap<>();
        for (Pod p : writer.pods().inNamespace(NS).list().getItems()) {
            store.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion() + " " + p.getMetadata().getLabels());
        }
        for (SharedIndexInformer<Pod> inf : List.of(wsInformer, httpInformer)) {
            Processes.await(CONVERGE, "informer cache = store", () -> cacheOf(inf).equals(store));
            assertThat(cacheOf(inf)).isEqualTo(store);
        }
    }

    private static Map<String, String> cacheOf(SharedIndexInformer<Pod> inf) {
        Map<String, String> m = new TreeMap<>();
        for (Pod p : inf.getStore().list()) {
            m.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion() + " " + p.getMetadata().getLabels());
        }
        return m;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
        Map<String, List<String>> c = new TreeMap<>();
        m.forEach((k, v) -> c.put(k, new ArrayList<>(v)));
        return c;
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void discoveryCrudAndStatusBodies() {
        VersionInfo v = writer.getKubernetesVersion();
        assertThat(v.getMajor()).isEqualTo("1");
        assertThat(v.getMinor()).isEqualTo("32");
        assertThat(writer.getApiGroups().getGroups()).extracting(g -> g.getName()).contains("apps", "batch", "coordination.k8s.io");
        assertThat(writer.getApiResources("v1").getResources()).extracting(r -> r.getName()).contains("pods", "pods/status", "configmaps");
        assertThat(writer.supports(Pod.class)).isTrue();
        assertThat(writer.supports(Deployment.class)).isTrue();

        // generic resources find their plural through the per-group-version discovery (/api/v1)
        writer.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("generic")
                .endMetadata().addToData("k", "v").build()).create();
        GenericKubernetesResource g = writer.genericKubernetesResources("v1", "ConfigMap").inNamespace(NS).withName("generic").get();
        assertThat(g.getAdditionalProperties().get("data")).isEqualTo(Map.of("k", "v"));

        // Status bodies: 404 as null on get, 409 AlreadyExists, 409 Conflict on a stale resourceVersion, 422 Invalid
        assertThat(writer.pods().inNamespace(NS).withName("missing").get()).isNull();
        Pod p = writer.pods().inNamespace(NS).resource(pod("status", 0)).create();
        assertThatThrownBy(() -> writer.pods().inNamespace(NS).resource(pod("status", 0)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                });
        writer.pods().inNamespace(NS).withName("status").edit(c -> new PodBuilder(c).editMetadata().addToLabels("x", "1").endMetadata().build());
        assertThatThrownBy(() -> writer.pods().inNamespace(NS).resource(p).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).contains("the object has been modified");
                });
        Pod bad = pod("Bad_Name", 0);
        assertThatThrownBy(() -> writer.pods().inNamespace(NS).resource(bad).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getDetails().getCauses()).isNotEmpty();
                });
        assertThat(writer.pods().inNamespace(NS).withName("status").delete()).hasSize(1);
        assertThat(writer.pods().inNamespace(NS).withName("status").delete()).isEmpty();
        writer.configMaps().inNamespace(NS).withName("generic").delete();

        // list pages with limit and continue
        for (int i = 0; i < 5; i++) {
            writer.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("page-" + i)
                    .endMetadata().build()).create();
        }
        List<String> names = new ArrayList<>();
        String cont = null;
        int pages = 0;
        do {
            var page = writer.configMaps().inNamespace(NS).list(new ListOptionsBuilder().withLimit(2L).withContinue(cont).build());
            page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
            cont = page.getMetadata().getContinue();
            pages++;
        } while (cont != null && !cont.isEmpty());
        assertThat(names).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
        assertThat(pages).isEqualTo(3);
        writer.configMaps().inNamespace(NS).delete();
        assertThat(writer.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    @Order(2)
    void informersSeeEveryLiveChange() {
        for (int i = 0; i < 4; i++) {
            create("p" + i);
        }
        bump("p0");
        // the informers list at resourceVersion=0, from the watch cache: let it catch up with the last write first
        long lastRv = Long.parseLong(writer.pods().inNamespace(NS).withName("p0").get().getMetadata().getResourceVersion());
        Processes.await(CONVERGE, "the watch cache at " + lastRv, () -> Long.parseLong(wsClient.pods().inNamespace(NS)
                .list(new ListOptionsBuilder().withResourceVersion("0").build()).getMetadata().getResourceVersion()) >= lastRv);
        wsInformer = wsClient.pods().inNamespace(NS).inform(wsEvents, 0);
        httpInformer = httpClient.pods().inNamespace(NS).inform(httpEvents, 0);
        assertThat(wsInformer.hasSynced()).isTrue();
        // the initial list at resourceVersion=0 (from the watch cache) reports the pods as they are now
        Map<String, List<String>> initial = new TreeMap<>();
        expected.forEach((name, evs) -> {
            String last = evs.get(evs.size() - 1);
            initial.put(name, new ArrayList<>(List.of("ADDED " + last.substring(last.indexOf(' ') + 1))));
        });
        awaitEvents(initial);
        expected.clear();
        expected.putAll(copy(initial));

        for (int i = 4; i < 12; i++) {
            create("p" + i);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 12; i++) {
                bump("p" + i);
            }
        }
        delete("p0");
        delete("p1");
        // a pod in another namespace is not seen by the namespaced informers
        writer.pods().inNamespace("elsewhere").resource(pod("outside", 0)).create();
        create("p0");
        bump("p0");
        awaitEvents(expected);
        assertCachesMatchStore();
    }

    @Test
    @Order(3)
    void informersSurviveAnApiServerRestartWithoutMissingAChange() {
        primary.close();
        // written while the informers' server is down, through another API server over the same store
        for (int i = 2; i < 12; i++) {
            bump("p" + i);
            bump("p" + i);
        }
        delete("p2");
        create("p12");
        bump("p12");
        writer.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("noise")
                .endMetadata().build()).create();
        primary = startPrimary();
        awaitEvents(expected);
        // and the re-established watches carry on
        bump("p3");
        create("p13");
        awaitEvents(expected);
        assertCachesMatchStore();
    }

    /**
     * The notifications of a relist after a 410: one per pod changed while the informer was away (its last
     * state), deletions with "final state unknown", nothing for unchanged pods.
     */
    private Map<String, List<String>> afterRelist(Map<String, List<String>> before, Map<String, List<String>> now) {
        Map<String, List<String>> want = copy(before);
        for (Map.Entry<String, List<String>> e : now.entrySet()) {
            List<String> old = before.getOrDefault(e.getKey(), List.of());
            List<String> added = e.getValue().subList(old.size(), e.getValue().size());
            if (added.isEmpty()) {
                continue;
            }
            String last = added.get(added.size() - 1);
            boolean existedBefore = !old.isEmpty() && !old.get(old.size() - 1).startsWith("DELETED");
            String note;
            if (last.startsWith("DELETED")) {
                note = existedBefore ? last.replace("DELETED", "DELETED(final state unknown)") : null;
            } else {
                note = (existedBefore ? "MODIFIED " : "ADDED ") + last.substring(last.indexOf(' ') + 1);
            }
            if (note != null) {
                want.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(note);
            }
        }
        return want;
    }

    /** The informers relisted after a 410: they report {@link #afterRelist} and hold the store's pods. */
    private void awaitRelistSince(Map<String, List<String>> before) {
        Map<String, List<String>> want = afterRelist(before, expected);
        expected.clear();
        expected.putAll(want);
        awaitEvents(expected);
        assertCachesMatchStore();
    }

    @Test
    @Order(4)
    void informersRelistAfter410WhenTheStoreWasCompacted() throws Exception {
        Map<String, List<String>> before = copy(expected);
        primary.close();
        bump("p4");
        bump("p4");
        delete("p5");
        create("p14");
        bump("p14");
        create("p15");
        delete("p15");
        long rev = kv.currentRevision().get(10, TimeUnit.SECONDS);
        kv.compact(rev).get(30, TimeUnit.SECONDS);
        primary = startPrimary();
        awaitRelistSince(before);
        // watching again after the relist
        bump("p6");
        delete("p7");
        awaitEvents(expected);
        assertCachesMatchStore();
    }

    @Test
    @Order(5)
    void informersRelistAfter410WhenTheWatchCacheWindowWasExceeded() {
        Map<String, List<String>> before = copy(expected);
        primary.close();
        for (int i = 0; i < WINDOW / 2 + 10; i++) {
            bump("p8");
            bump("p9");
        }
        delete("p10");
        create("p16");
        primary = startPrimary();
        awaitRelistSince(before);
        bump("p8");
        awaitEvents(expected);
        assertCachesMatchStore();
    }

    @Test
    @Order(6)
    void listsMatchTheInformersCaches() {
        PodList fromCache = writer.pods().inNamespace(NS).list(new ListOptionsBuilder().withResourceVersion("0").build());
        PodList fromStore = writer.pods().inNamespace(NS).list();
        Map<String, String> a = new LinkedHashMap<>();
        fromCache.getItems().forEach(p -> a.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion()));
        Map<String, String> b = new LinkedHashMap<>();
        fromStore.getItems().forEach(p -> b.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion()));
        assertThat(a).isEqualTo(b);
        assertThat(wsInformer.isRunning()).isTrue();
        assertThat(httpInformer.isRunning()).isTrue();
    }
}
