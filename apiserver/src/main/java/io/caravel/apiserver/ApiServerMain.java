package io.caravel.apiserver;

import io.caravel.apiserver.storage.InMemoryKvClient;
import io.caravel.apiserver.storage.JetcdKvClient;
import io.caravel.apiserver.storage.KvClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the API server alone against etcd v3 endpoints:
 * {@code ApiServerMain --etcd-servers=http://127.0.0.1:2379 --listen-url http://127.0.0.1:8080
 * [--kubeconfig FILE]}. {@code --etcd-servers=memory:} keeps everything in memory (for experiments). Stops on
 * SIGTERM/SIGINT. Exit codes: 0 after a clean stop, 2 for a usage error, 1 when the server cannot start.
 */
public final class ApiServerMain {
    private ApiServerMain() {
    }

    /** Parsed flags. */
    record Flags(String etcdServers, String host, int port, Path kubeconfig) {
    }

    static final String USAGE = """
            usage: caravel apiserver --etcd-servers=URLS [--listen-url http://127.0.0.1:8080] [--kubeconfig FILE]

              --etcd-servers   comma-separated etcd v3 client URLs (a Caravel cluster or etcd); memory: for an in-memory store
              --listen-url     where the Kubernetes API is served (http only; default http://127.0.0.1:8080)
              --kubeconfig     write a kubeconfig for this server to FILE (then: kubectl --kubeconfig FILE get pods)
            """;

    static Flags parse(String[] args) {
        String etcd = null;
        String listen = "http://127.0.0.1:8080";
        Path kubeconfig = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: " + name);
                }
                value = args[++i];
            }
            switch (name) {
                case "--etcd-servers" -> etcd = value;
                case "--listen-url" -> listen = value;
                case "--kubeconfig" -> kubeconfig = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag: " + name);
            }
        }
        if (etcd == null || etcd.isBlank()) {
            throw new IllegalArgumentException("--etcd-servers is required");
        }
        URI u = URI.create(listen);
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--listen-url must be http://HOST:PORT, got " + listen);
        }
        return new Flags(etcd, u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), kubeconfig);
    }

    /** A kubeconfig with one cluster, context and (empty) user for {@code server}. */
    public static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: caravel
                  cluster:
                    server: %s
                contexts:
                - name: caravel
                  context:
                    cluster: caravel
                    user: caravel
                    namespace: default
                current-context: caravel
                users:
                - name: caravel
                  user: {}
                """.formatted(server);
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) throws InterruptedException {
        Flags f;
        try {
            f = parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                err.println("caravel apiserver: " + e.getMessage());
            }
            err.print(USAGE);
            return e.getMessage().isEmpty() ? 0 : 2;
        }
        KvClient kv = f.etcdServers().startsWith("memory:") ? new InMemoryKvClient() : JetcdKvClient.connect(f.etcdServers());
        ApiServer server;
        try {
            server = ApiServer.start(kv, ApiServerOptions.defaults().withListen(f.host(), f.port()));
        } catch (RuntimeException e) {
            err.println("caravel apiserver: " + e.getMessage());
            kv.close();
            return 1;
        }
        String url = "http://" + f.host() + ":" + server.port();
        if (f.kubeconfig() != null) {
            try {
                Files.writeString(f.kubeconfig(), kubeconfig(url));
            } catch (IOException e) {
                err.println("caravel apiserver: cannot write " + f.kubeconfig() + ": " + e.getMessage());
            }
        }
        err.println("caravel apiserver: serving the Kubernetes API at " + url + " (store: " + f.etcdServers() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            kv.close();
            stopped.countDown();
        }, "apiserver-shutdown"));
        stopped.await();
        return 0;
    }
}
