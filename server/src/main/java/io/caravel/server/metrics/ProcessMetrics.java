package io.caravel.server.metrics;

import io.caravel.store.StoreMemory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Where a member's memory and CPU go, in Prometheus text format: the standard {@code process_*} series
 * (as etcd's Go client and Prometheus's Java client name them, so existing dashboards work), the JVM's
 * heap and non-heap, and the store's memory outside the heap. Together they explain a member's
 * resident size: heap committed + non-heap committed + store + the JVM's own structures (GC, threads).
 * Each call reads the current values; thread-safe.
 */
public final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private final Supplier<StoreMemory> store;

    /** {@code store} is asked once per scrape; it may throw when the member is stopping (the store series are then left out). */
    public ProcessMetrics(Supplier<StoreMemory> store) {
        this.store = store;
    }

    /** Appends the series. */
    public void render(StringBuilder sb) {
        residentBytes().ifPresent(rss -> {
            PrometheusText.header(sb, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
            sb.append("process_resident_memory_bytes ").append(rss).append('\n');
        });
        long cpuNanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        if (cpuNanos >= 0) {
            PrometheusText.header(sb, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
            sb.append("process_cpu_seconds_total ").append(cpuNanos / 1e9).append('\n');
        }
        PrometheusText.header(sb, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        sb.append("process_start_time_seconds ").append(ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3).append('\n');

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        PrometheusText.header(sb, "jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.");
        area(sb, "jvm_memory_used_bytes", "heap", heap.getUsed());
        area(sb, "jvm_memory_used_bytes", "nonheap", nonHeap.getUsed());
        PrometheusText.header(sb, "jvm_memory_committed_bytes", "gauge", "Committed (bytes) of a given JVM memory area.");
        area(sb, "jvm_memory_committed_bytes", "heap", heap.getCommitted());
        area(sb, "jvm_memory_committed_bytes", "nonheap", nonHeap.getCommitted());
        PrometheusText.header(sb, "jvm_memory_max_bytes", "gauge", "Max (bytes) of a given JVM memory area, -1 when undefined.");
        area(sb, "jvm_memory_max_bytes", "heap", heap.getMax());
        area(sb, "jvm_memory_max_bytes", "nonheap", nonHeap.getMax());

        StoreMemory m;
        try {
            m = store.get();
        } catch (RuntimeException stopping) {
            return;
        }
        PrometheusText.header(sb, "caravel_store_memory_bytes", "gauge",
                "Memory the store (RocksDB) holds outside the Java heap, by use: memtables, block cache, table readers.");
        sb.append("caravel_store_memory_bytes{use=\"memtables\"} ").append(m.memtableBytes()).append('\n');
        sb.append("caravel_store_memory_bytes{use=\"block_cache\"} ").append(m.blockCacheBytes()).append('\n');
        sb.append("caravel_store_memory_bytes{use=\"table_readers\"} ").append(m.tableReaderBytes()).append('\n');
    }

    /** VmRSS of this process, on Linux; empty elsewhere. */
    static OptionalLong residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(f[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // no /proc: leave the series out
        }
        return OptionalLong.empty();
    }

    private static void area(StringBuilder sb, String name, String area, long value) {
        sb.append(name).append("{area=\"").append(area).append("\"} ").append(value).append('\n');
    }
}
