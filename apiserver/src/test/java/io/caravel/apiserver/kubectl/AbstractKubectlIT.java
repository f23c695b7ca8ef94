package io.caravel.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.apiserver.ApiServer;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.testing.Kubectl;
import io.caravel.apiserver.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The real kubectl 1.32 against our API server over a real etcd v3 store (a subclass starts the store): create,
 * apply (twice), get in every output form, selectors, label, annotate, scale, patch, describe, explain,
 * api-resources, get -w and delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
abstract class AbstractKubectlIT {
    private StoreFixture store;
    private ApiServer api;
    private Kubectl kubectl;
    private Path dir;

    /** Starts the store kubectl's API server runs on (closed after the tests). */
    protected abstract StoreFixture startStore() throws Exception;

    static final String MANIFEST = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
                    ports:
                    - containerPort: 80
                    env:
                    - {name: MODE, value: fast}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {app: web}
            data:
              color: blue
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: web}
              ports:
              - port: 80
                targetPort: 8080
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: solo
              labels: {app: web, tier: front}
            spec:
              containers:
              - name: main
                image: busybox:1.36
            """;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Kubectl.available(), Kubectl.MISSING);
        store = startStore();
        api = ApiServer.start(store.client(), ApiServerOptions.defaults().withListen("127.0.0.1", 0));
        dir = Files.createTempDirectory("kubectl-it-");
        kubectl = new Kubectl(dir, "http://127.0.0.1:" + api.port());
        // the system namespaces are created asynchronously at start
        io.caravel.apiserver.testing.Processes.await(java.time.Duration.ofSeconds(30), "namespace default",
                () -> {
                    try {
                        return kubectl.run("get", "ns", "default").exit() == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
        if (store != null) {
            store.close();
        }
        io.caravel.apiserver.testing.Processes.deleteTree(dir);
    }

    @Test
    @Order(1)
    void apiResourcesListsEveryKindWithShortNames() throws Exception {
        String out = kubectl.run("api-resources").ok().out();
        assertThat(out).contains("deployments", "deploy", "apps/v1", "pods", "po", "leases", "coordination.k8s.io/v1",
                "jobs", "batch/v1", "namespaces", "ns");
        assertThat(kubectl.run("api-versions").ok().out()).contains("apps/v1", "batch/v1", "v1");
    }

    @Test
    @Order(2)
    void applyCreatesThenIsUnchanged() throws Exception {
        String first = kubectl.runWithInput(MANIFEST, "apply", "-f", "-").ok().out();
        assertThat(first).contains("deployment.apps/web created", "configmap/settings created", "service/web created",
                "pod/solo created");
        String second = kubectl.runWithInput(MANIFEST, "apply", "-f", "-").ok().out();
        assertThat(second).contains("deployment.apps/web unchanged", "configmap/settings unchanged",
                "service/web unchanged", "pod/solo unchanged");
        Kubectl.Result again = kubectl.runWithInput(MANIFEST, "create", "-f", "-");
        assertThat(again.exit()).isNotZero();
        assertThat(again.out()).contains("AlreadyExists");
    }

    @Test
    @Order(3)
    void getInEveryOutputForm() throws Exception {
        String table = kubectl.run("get", "deploy,cm,svc,po").ok().out();
        assertThat(table).contains("deployment.apps/web", "READY", "UP-TO-DATE", "configmap/settings", "service/web",
                "CLUSTER-IP", "pod/solo", "Pending");
        assertThat(kubectl.run("get", "po", "-o", "wide").ok().out()).contains("NOMINATED NODE", "solo");
        assertThat(kubectl.run("get", "deploy", "web", "-o", "json").ok().out()).contains("\"replicas\": 2",
                "\"maxSurge\": \"25%\"", "\"resourceVersion\"");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "yaml").ok().out()).contains("color: blue", "uid:");
        String all = kubectl.run("get", "po", "-A", "--show-labels").ok().out();
        assertThat(all).contains("NAMESPACE", "default", "solo", "app=web,tier=front");
        assertThat(kubectl.run("get", "po", "-l", "tier in (front,back)").ok().out()).contains("solo");
        assertThat(kubectl.run("get", "po", "-l", "tier!=front").ok().out()).doesNotContain("solo");
        assertThat(kubectl.run("get", "po", "--field-selector", "metadata.name=solo,status.phase=Pending").ok().out())
                .contains("solo");
        assertThat(kubectl.run("get", "po", "--field-selector", "status.phase=Running").ok().out()).doesNotContain("solo");
        assertThat(kubectl.run("get", "all").ok().out()).contains("deployment.apps/web", "service/web", "pod/solo");
        assertThat(kubectl.run("get", "po", "missing").out()).contains("NotFound", "pods \"missing\" not found");
    }

    @Test
    @Order(4)
    void labelAnnotateScaleAndPatch() throws Exception {
        assertThat(kubectl.run("label", "po", "solo", "stage=test").ok().out()).contains("pod/solo labeled");
        assertThat(kubectl.run("annotate", "po", "solo", "note=hello").ok().out()).contains("pod/solo annotated");
        assertThat(kubectl.run("get", "po", "solo", "-o", "jsonpath={.metadata.labels.stage} {.metadata.annotations.note}")
                .ok().out()).isEqualTo("test hello");
        assertThat(kubectl.run("scale", "deploy", "web", "--replicas=4").ok().out()).contains("deployment.apps/web scaled");
        assertThat(kubectl.run("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}").ok().out())
                .isEqualTo("4 2");
        // edit-by-patch: a strategic merge patch on one container keeps the others' fields (merge key: name)
        kubectl.run("patch", "deploy", "web", "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.27\"}]}}}}")
                .ok();
        String json = kubectl.run("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} "
                + "{.spec.template.spec.containers[0].env[0].value} {.metadata.generation}").ok().out();
        assertThat(json).isEqualTo("nginx:1.27 fast 3");
        kubectl.run("patch", "cm", "settings", "--type", "merge", "-p", "{\"data\":{\"size\":\"xl\"}}").ok();
        kubectl.run("patch", "cm", "settings", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/color\",\"value\":\"red\"}]").ok();
        assertThat(kubectl.run("get", "cm", "settings", "-o", "jsonpath={.data.color} {.data.size}").ok().out())
                .isEqualTo("red xl");
        Kubectl.Result bad = kubectl.run("patch", "deploy", "web", "--type", "merge", "-p", "{\"spec\":{\"replicas\":-1}}");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out()).contains("is invalid", "spec.replicas");
    }

    @Test
    @Order(5)
    void describeAndExplain() throws Exception {
        String d = kubectl.run("describe", "po", "solo").ok().out();
        assertThat(d).contains("Name:", "solo", "busybox:1.36", "stage=test");
        assertThat(kubectl.run("describe", "deploy", "web").ok().out()).contains("Replicas:", "nginx:1.27");
        String explain = kubectl.run("explain", "deployment.spec.replicas").ok().out();
        assertThat(explain).contains("KIND:", "Deployment", "replicas", "<integer>");
        assertThat(kubectl.run("explain", "pods.spec.containers").ok().out()).contains("image", "ports");
    }

    @Test
    @Order(6)
    void getWatchSeesChanges() throws Exception {
        try (Kubectl.Streaming w = kubectl.stream("get", "cm", "-w", "--output-watch-events")) {
            w.await("settings");
            kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\ndata: {a: b}\n", "create", "-f", "-").ok();
            assertThat(w.await("watched")).contains("ADDED");
            kubectl.run("label", "cm", "watched", "x=y").ok();
            assertThat(w.await("watched")).contains("MODIFIED");
            kubectl.run("delete", "cm", "watched").ok();
            assertThat(w.await("watched")).contains("DELETED");
        }
        try (Kubectl.Streaming one = kubectl.stream("get", "cm", "settings", "-w", "-o", "name")) {
            kubectl.run("label", "cm", "settings", "watched=yes").ok();
            assertThat(one.await("configmap/settings")).isEqualTo("configmap/settings");
        }
    }

    @Test
    @Order(7)
    void deleteEverything() throws Exception {
        assertThat(kubectl.runWithInput(MANIFEST, "delete", "-f", "-").ok().out()).contains("deployment.apps \"web\" deleted",
                "configmap \"settings\" deleted", "service \"web\" deleted", "pod \"solo\" deleted");
        assertThat(kubectl.run("get", "deploy,cm,svc,po").ok().out()).contains("No resources found");
        kubectl.runWithInput("apiVersion: v1\nkind: Namespace\nmetadata: {name: scratch}\n---\napiVersion: v1\nkind: ConfigMap\n"
                + "metadata: {name: c, namespace: scratch}\n", "create", "-f", "-").ok();
        assertThat(kubectl.run("delete", "ns", "scratch").ok().out()).contains("namespace \"scratch\" deleted");
        assertThat(kubectl.run("get", "ns").ok().out()).doesNotContain("scratch");
    }
}
