package io.caravel.jepsen.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one server process used during a measurement window.
 *
 * @param name the node's name, e.g. {@code n1}
 * @param role {@code leader}, {@code follower} or empty when unknown
 * @param cpuSeconds user plus system CPU seconds consumed in the window
 * @param cpuPercent {@code cpuSeconds} over the window's length, in percent of one core
 * @param rssMiB resident set size at the end of the window, MiB
 * @param peakRssMiB the process's highest resident set size so far ({@code VmHWM}), MiB
 */
public record NodeUsage(String name, String role, double cpuSeconds, double cpuPercent, double rssMiB, double peakRssMiB) {

  /** As a JSON object. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("role", role);
    m.put("cpu-seconds", cpuSeconds);
    m.put("cpu-percent", cpuPercent);
    m.put("rss-mib", rssMiB);
    m.put("peak-rss-mib", peakRssMiB);
    return m;
  }

  /** From {@link #toMap()}'s shape. */
  public static NodeUsage fromMap(Map<String, Object> m) {
    return new NodeUsage((String) m.get("name"), String.valueOf(m.getOrDefault("role", "")), num(m, "cpu-seconds"),
        num(m, "cpu-percent"), num(m, "rss-mib"), num(m, "peak-rss-mib"));
  }

  static double num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
