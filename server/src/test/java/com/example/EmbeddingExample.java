package com.example;

import io.caravel.raft.Member;
import io.caravel.server.CaravelNode;
import io.caravel.server.watch.WatchHub;
import io.caravel.server.watch.WatchListener;
import io.caravel.server.watch.WatchSpec;
import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyValue;
import io.caravel.store.PutRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A Caravel member inside a Java program: typed KV, Lease, Watch and Cluster calls, no gRPC. */
public final class EmbeddingExample {

    public static void main(String[] args) throws Exception {
        run(Path.of("caravel-embedded"), 2380).forEach(System.out::println);
    }

    /** Starts a one-member cluster in {@code dataDir}, uses it, stops it; returns what it saw. */
    public static List<String> run(Path dataDir, int peerPort) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (CaravelNode node = CaravelNode.builder()
                .name("embedded")
                .dataDir(dataDir)
                .peerUrl("http://127.0.0.1:" + peerPort)
                .build()
                .start()) {
            node.ready().get(30, TimeUnit.SECONDS); // a leader is elected and this member published

            // Watch every key under config/ from now on; events arrive in revision order.
            CountDownLatch threeEvents = new CountDownLatch(3);
            WatchHub.Watcher watcher = node.watch().watch(WatchSpec.prefix(Bytes.of("config/")), new WatchListener() {
                @Override
                public void onCreated(long revision) {
                }

                @Override
                public void onEvents(long revision, List<Event> events) {
                    for (Event e : events) {
                        seen.add("watch: " + e.type() + " " + e.kv().key().toStringUtf8() + " @" + revision);
                        threeEvents.countDown();
                    }
                }

                @Override
                public void onCanceled(long compactRevision, String reason) {
                }
            });

            // KV: every call returns a CompletableFuture.
            long revision = node.kv().put("config/color", "blue").get(5, TimeUnit.SECONDS).revision();
            Optional<KeyValue> color = node.kv().get("config/color").get(5, TimeUnit.SECONDS);
            seen.add("get: " + color.orElseThrow().value().toStringUtf8() + " (written at revision " + revision + ")");

            // Leases: a key attached to a lease goes away with it.
            long lease = node.leases().grant(30).get(5, TimeUnit.SECONDS).lease().id();
            node.kv().put(PutRequest.of("config/session", "alive").withLease(lease)).get(5, TimeUnit.SECONDS);
            seen.add("ttl: " + node.leases().timeToLive(lease, true).get(5, TimeUnit.SECONDS).keys());
            node.leases().revoke(lease).get(5, TimeUnit.SECONDS);

            // Cluster: this member alone.
            for (Member m : node.cluster().members().get(5, TimeUnit.SECONDS)) {
                seen.add("member: " + m.name() + " " + m.peerUrls());
            }

            threeEvents.await(10, TimeUnit.SECONDS);
            watcher.cancel();
        }
        return seen;
    }
}
