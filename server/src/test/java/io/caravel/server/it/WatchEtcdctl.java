package io.caravel.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A running {@code etcdctl watch} (Debian's etcdctl 3.4) whose output is read as it comes, so that a test
 * can wait for a given output instead of sleeping. {@link #close()} kills it.
 */
final class WatchEtcdctl implements AutoCloseable {
    private final String description;
    private final Process process;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private WatchEtcdctl(String description, Process process) {
        this.description = description;
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, "out");
        this.errReader = reader(process.getErrorStream(), err, "err");
    }

    /** Starts {@code etcdctl --endpoints=<endpoint> watch <args>}. */
    static WatchEtcdctl start(String endpoint, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint, "--dial-timeout=5s", "watch"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new WatchEtcdctl("etcdctl watch " + String.join(" ", args) + " @ " + endpoint, pb.start());
    }

    private Thread reader(InputStream in, StringBuilder sink, String which) {
        Thread t = new Thread(() -> {
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buf = new char[4096];
                for (int n; (n = r.read(buf)) >= 0; ) {
                    synchronized (this) {
                        sink.append(buf, 0, n);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
            synchronized (this) {
                notifyAll();
            }
        }, "etcdctl-watch-" + which);
        t.setDaemon(true);
        t.start();
        return t;
    }

    synchronized String output() {
        return out.toString();
    }

    synchronized String errors() {
        return err.toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the standard output satisfies {@code condition}; fails after {@code timeout}. */
    synchronized String awaitOutput(Duration timeout, String what, Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(out.toString())) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                throw new AssertionError(description + ": " + what + " not seen after " + timeout
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                        + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err);
            }
            wait(Math.min(200, Math.max(1, left / 1_000_000)));
        }
        return out.toString();
    }

    /** Waits until the output ends with {@code tail} (the last expected event). */
    String awaitOutputEndingWith(String tail, Duration timeout) throws InterruptedException {
        return awaitOutput(timeout, "output ending with " + tail.replace("\n", "\\n"), s -> s.endsWith(tail));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        outReader.join(5_000);
        errReader.join(5_000);
    }

    @Override
    public String toString() {
        return description;
    }
}
