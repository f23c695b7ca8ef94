package io.caravel.server.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests by gRPC method and status code, and their latency (a Prometheus summary without
 * quantiles: count and sum). Thread-safe, lock-free on the request path.
 */
public final class RequestMetrics {
    private record Key(String method, String code) {
    }

    private static final class Latency {
        final LongAdder count = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Latency> latency = new ConcurrentHashMap<>();

    /** Records one finished call. */
    public void record(String method, String code, long durationNanos) {
        requests.computeIfAbsent(new Key(method, code), k -> new LongAdder()).increment();
        Latency l = latency.computeIfAbsent(method, m -> new Latency());
        l.count.increment();
        l.nanos.add(durationNanos);
    }

    /** The count of finished calls of {@code method} with {@code code}. */
    public long count(String method, String code) {
        LongAdder a = requests.get(new Key(method, code));
        return a == null ? 0 : a.sum();
    }

    /** Appends this registry in Prometheus text format. */
    public void render(StringBuilder sb) {
        PrometheusText.header(sb, "caravel_grpc_requests_total", "counter", "gRPC requests handled, by method and status code.");
        requests.entrySet().stream()
                .sorted((a, b) -> (a.getKey().method() + a.getKey().code()).compareTo(b.getKey().method() + b.getKey().code()))
                .forEach(e -> sb.append("caravel_grpc_requests_total{method=\"").append(e.getKey().method())
                        .append("\",code=\"").append(e.getKey().code()).append("\"} ")
                        .append(e.getValue().sum()).append('\n'));
        PrometheusText.header(sb, "caravel_grpc_request_duration_seconds", "summary", "gRPC request latency, by method.");
        latency.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            sb.append("caravel_grpc_request_duration_seconds_sum{method=\"").append(e.getKey()).append("\"} ")
                    .append(e.getValue().nanos.sum() / 1e9).append('\n');
            sb.append("caravel_grpc_request_duration_seconds_count{method=\"").append(e.getKey()).append("\"} ")
                    .append(e.getValue().count.sum()).append('\n');
        });
    }
}
