package io.caravel.jepsen.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * CPU time and resident memory of a process, from Linux's {@code /proc/<pid>/stat} (fields 14 and
 * 15, {@code utime} and {@code stime}, in clock ticks) and {@code /proc/<pid>/status} ({@code
 * VmRSS}, {@code VmHWM}); and a description of the machine (the load average is {@link
 * io.caravel.jepsen.run.Runner#loadAverage}). Stateless.
 */
public final class ProcStats {

  /**
   * Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux the benchmark targets, and
   * the kernel exports no other value to user space for these fields.
   */
  public static final long CLOCK_TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /**
   * One reading of a process.
   *
   * @param cpuSeconds user plus system CPU time consumed so far
   * @param rssBytes resident set size now
   * @param peakRssBytes the highest resident set size so far ({@code VmHWM})
   */
  public record Sample(double cpuSeconds, long rssBytes, long peakRssBytes) {}

  /**
   * Reads process {@code pid}.
   *
   * @return the sample, or {@code null} when the process is gone or {@code /proc} is unreadable
   */
  public static Sample sample(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
      long ticks = cpuTicks(stat);
      return new Sample(ticks / (double) CLOCK_TICKS_PER_SECOND, statusKb(status, "VmRSS").orElse(0) * 1024,
          statusKb(status, "VmHWM").orElse(0) * 1024);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This JVM's own CPU time in seconds (the load generator's cost). */
  public static double selfCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    Sample s = sample(ProcessHandle.current().pid());
    return s == null ? 0 : s.cpuSeconds();
  }

  /**
   * {@code utime + stime} from the text of {@code /proc/<pid>/stat}. The command name (field 2) is
   * in parentheses and may hold spaces and parentheses, so fields are counted after the last
   * {@code ')'}.
   *
   * @throws IllegalArgumentException if the text is not a stat line
   */
  public static long cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line");
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state); utime is field 14, stime field 15
    if (f.length < 13) {
      throw new IllegalArgumentException("short /proc stat line");
    }
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The value in kB of a {@code Name:   123 kB} line of {@code /proc/<pid>/status}. */
  public static OptionalLong statusKb(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        String v = line.substring(name.length() + 1).trim();
        int space = v.indexOf(' ');
        return OptionalLong.of(Long.parseLong(space < 0 ? v : v.substring(0, space)));
      }
    }
    return OptionalLong.empty();
  }

  /** A one-line description of the machine: CPUs, model, memory, kernel. */
  public static String machine() {
    String model = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // keep "?"
    }
    long memGiB = 0;
    try {
      memGiB = Math.round(statusKb(Files.readString(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII), "MemTotal")
          .orElse(0) / 1024.0 / 1024.0);
    } catch (IOException | RuntimeException e) {
      // keep 0
    }
    return String.format(Locale.ROOT, "%d vCPU (%s), %d GiB RAM, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
        model, memGiB, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
  }
}
