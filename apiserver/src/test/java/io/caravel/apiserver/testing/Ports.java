package io.caravel.apiserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports, never the same one twice in a JVM. */
public final class Ports {
    private static final Set<Integer> USED = new HashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                int p = s.getLocalPort();
                if (USED.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
