package io.caravel.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's etcdctl (v3 API) as a subprocess. */
final class Etcdctl {
    record Result(int exit, String out, String err) {
        Result ok() {
            if (exit != 0) {
                throw new AssertionError("etcdctl failed (" + exit + "): " + err + out);
            }
            return this;
        }
    }

    private Etcdctl() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("etcdctl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static final String MISSING = "etcdctl is not installed (Debian package etcd-client; .ci/run installs it)";

    static Result run(String endpoints, String... args) throws IOException, InterruptedException {
        return runWithInput(endpoints, null, args);
    }

    static Result runWithInput(String endpoints, byte[] stdin, String... args) throws IOException, InterruptedException {
        return exec(endpoints, stdin, 60_000, true, args);
    }

    /** Runs a command that does not end by itself (watch), stops it after {@code millis} and returns its output. */
    static Result runFor(long millis, String endpoints, String... args) throws IOException, InterruptedException {
        return exec(endpoints, null, millis, false, args);
    }

    private static Result exec(String endpoints, byte[] stdin, long millis, boolean mustFinish, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--dial-timeout=5s", "--command-timeout=20s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (stdin != null) {
            p.getOutputStream().write(stdin);
        }
        p.getOutputStream().close();
        if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            if (mustFinish) {
                throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in " + millis + " ms");
            }
        }
        try {
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read etcdctl's output", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "etcdctl-output");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
