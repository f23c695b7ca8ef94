package io.caravel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code caravel server --apiserver-listen-url}: real kubectl against the API server the member serves, and the
 * object it wrote seen through etcdctl in the member's own store.
 */
@Timeout(120)
class ApiServerIT {
    private static final String KUBECTL = "/usr/bin/kubectl";

    @Test
    void kubectlAppliesAConfigMapThatEtcdctlSees() throws Exception {
        int apiPort = ProcessCluster.freePort();
        String server = "http://127.0.0.1:" + apiPort;
        try (ProcessCluster c = ProcessCluster.start("apiserver", 1, "--apiserver-listen-url", server)) {
            Path dir = Files.createTempDirectory("apiserver-it");
            Files.writeString(dir.resolve("kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    clusters: []
                    contexts: []
                    users: []
                    """);
            Path cm = dir.resolve("cm.yaml");
            Files.writeString(cm, """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: it-config
                      namespace: default
                    data:
                      color: blue
                    """);
            // the API server starts once the member knows a leader and then creates the default namespace
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Result apply;
            while (true) {
                apply = kubectl(dir, server, "apply", "-f", cm.toString());
                if (apply.exit == 0 || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(apply.exit).as("kubectl apply: %s; logs in %s", apply.out, c.logs().toAbsolutePath()).isZero();
            assertThat(apply.out).contains("configmap/it-config");

            Result get = kubectl(dir, server, "get", "configmap", "it-config", "-n", "default", "-o", "json");
            assertThat(get.exit).as("kubectl get: %s", get.out).isZero();
            assertThat(get.out).contains("\"name\": \"it-config\"").contains("\"color\": \"blue\"");

            if (Etcdctl.available()) {
                Etcdctl.Result r = Etcdctl.run(c.endpoints(), "get", "/registry/configmaps/default/it-config").ok();
                assertThat(r.out()).contains("/registry/configmaps/default/it-config").contains("blue");
            }

            ProcessCluster.Member n1 = c.member("n1");
            // SIGTERM: the API server closes, then the member (the JVM exits with 128+SIGTERM after the hook)
            assertThat(n1.terminate(java.time.Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(n1.logText()).contains("received shutdown signal, stopping member n1", "member n1 stopped");
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result kubectl(Path dir, String server, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(KUBECTL, "--kubeconfig", dir.resolve("kubeconfig").toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--server", server, "--request-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 30 s");
        }
        try {
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read kubectl's output", e);
        }
    }
}
