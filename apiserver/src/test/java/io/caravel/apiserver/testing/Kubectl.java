package io.caravel.apiserver.testing;

import io.caravel.apiserver.ApiServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The real kubectl 1.32 against one API server, with its own kubeconfig and discovery cache. */
public final class Kubectl {
    public static final String MISSING = "kubectl is not installed";
    private static final List<String> CANDIDATES = List.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/bin/kubectl",
            "/usr/local/bin/kubectl");

    private final Path kubeconfig;
    private final Path cacheDir;

    public Kubectl(Path dir, String server) throws IOException {
        kubeconfig = dir.resolve("kubeconfig");
        cacheDir = dir.resolve("cache");
        // the kubeconfig `caravel apiserver --kubeconfig` writes, so these tests also check that kubectl takes it
        Files.writeString(kubeconfig, ApiServerMain.kubeconfig(server));
    }

    public static String binary() {
        for (String c : CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    public static boolean available() {
        return binary() != null;
    }

    /** The outcome of one command. */
    public record Result(int exit, String out) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("kubectl exited " + exit + ":\n" + out);
            }
            return this;
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary(), "--kubeconfig", kubeconfig.toString(), "--cache-dir",
                cacheDir.toString(), "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs kubectl with {@code stdin} (may be null), waiting up to 60 s. */
    public Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    /** A long-running kubectl (get -w): its output lines arrive in {@link #lines()}. */
    public final class Streaming implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Streaming(String... args) throws IOException {
            process = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process was stopped
                }
            }, "kubectl-stream");
            t.setDaemon(true);
            t.start();
        }

        public BlockingQueue<String> lines() {
            return lines;
        }

        /** The next line that contains {@code text}, waiting up to 30 s. */
        public String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    seen.add(l);
                    if (l.contains(text)) {
                        return l;
                    }
                }
            }
            throw new AssertionError("no line with \"" + text + "\" in 30 s; saw " + seen);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public Streaming stream(String... args) throws IOException {
        return new Streaming(args);
    }
}
