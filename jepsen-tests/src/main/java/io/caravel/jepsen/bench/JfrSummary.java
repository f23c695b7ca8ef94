package io.caravel.jepsen.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}) and native samples ({@code
 * jdk.NativeMethodSample}): the hottest methods by self time (top frame) and by total time (anywhere
 * in the stack), samples per thread pool (thread names with their numbers dropped) and per code area
 * (the top frame's package, two or three levels), plus garbage-collection pauses. Plain JDK API.
 */
public final class JfrSummary {

  private JfrSummary() {}

  /** The summary as text (Markdown tables). */
  public static String summarize(Path recording, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> areas = new HashMap<>();
    Map<String, Integer> nativeSelf = new HashMap<>();
    Map<String, Long> waitMillis = new HashMap<>();
    Map<String, Integer> waitCounts = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    Duration gcPause = Duration.ZERO;
    int gcs = 0;
    Duration span = Duration.ZERO;
    java.time.Instant first = null;
    java.time.Instant last = null;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      String type = e.getEventType().getName();
      if (first == null || e.getStartTime().isBefore(first)) {
        first = e.getStartTime();
      }
      if (last == null || e.getEndTime().isAfter(last)) {
        last = e.getEndTime();
      }
      switch (type) {
        case "jdk.ExecutionSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          if (st == null || st.getFrames().isEmpty()) {
            continue;
          }
          samples++;
          List<RecordedFrame> frames = st.getFrames();
          String topFrame = name(frames.get(0));
          self.merge(topFrame, 1, Integer::sum);
          areas.merge(area(frames.get(0)), 1, Integer::sum);
          Set<String> seen = new HashSet<>();
          for (RecordedFrame f : frames) {
            String n = name(f);
            if (seen.add(n)) {
              total.merge(n, 1, Integer::sum);
            }
          }
          RecordedThread t = e.getThread("sampledThread");
          threads.merge(pool(t == null ? "?" : t.getJavaName()), 1, Integer::sum);
        }
        case "jdk.NativeMethodSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          if (st != null && !st.getFrames().isEmpty()) {
            nativeSamples++;
            nativeSelf.merge(name(st.getFrames().get(0)), 1, Integer::sum);
          }
        }
        case "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.FileForce", "jdk.SocketRead" -> {
          RecordedStackTrace st = e.getStackTrace();
          String where = type.substring(4) + " in " + (st == null ? "?" : firstOwnFrame(st.getFrames()));
          waitMillis.merge(where, e.getDuration().toMillis(), Long::sum);
          waitCounts.merge(where, 1, Integer::sum);
        }
        case "jdk.GarbageCollection" -> {
          gcs++;
          gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
        }
        default -> { }
      }
    }
    if (first != null) {
      span = Duration.between(first, last);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "recording %s: %.1f s, %d CPU samples (jdk.ExecutionSample), %d native samples, "
        + "%d GCs with %d ms of pauses%n%n", recording.getFileName(), span.toMillis() / 1000.0, samples, nativeSamples, gcs,
        gcPause.toMillis()));
    table(sb, "Hottest methods, self (top frame of CPU samples)", self, samples, top);
    table(sb, "Hottest methods, total (anywhere in the stack of CPU samples)", total, samples, top);
    table(sb, "CPU samples by code area (package of the top frame)", areas, samples, top);
    table(sb, "CPU samples by thread (numbers dropped)", threads, samples, top);
    table(sb, "Threads in native code, top frame (jdk.NativeMethodSample)", nativeSelf, nativeSamples, Math.min(top, 15));
    sb.append("#### Waits over the recording's threshold (park, monitor, fsync, socket read), by the first frame outside "
        + "java.*/jdk.*/sun.*\n\n| total ms | events | where |\n|---:|---:|---|\n");
    sb.append(waitMillis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .map(e -> String.format(Locale.ROOT, "| %d | %d | `%s` |", e.getValue(), waitCounts.get(e.getKey()), e.getKey()))
        .collect(Collectors.joining("\n")));
    sb.append("\n\n");
    return sb.toString();
  }

  private static void table(StringBuilder sb, String title, Map<String, Integer> counts, int n, int top) {
    sb.append("#### ").append(title).append("\n\n| samples | % | frame |\n|---:|---:|---|\n");
    sb.append(counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .map(e -> String.format(Locale.ROOT, "| %d | %.1f | `%s` |", e.getValue(), n == 0 ? 0 : 100.0 * e.getValue() / n,
            e.getKey()))
        .collect(Collectors.joining("\n")));
    sb.append("\n\n");
  }

  private static String firstOwnFrame(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String n = name(f);
      if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) {
        return n;
      }
    }
    return "(JDK frames only, e.g. an idle pool thread)";
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    if (m == null) {
      return "?";
    }
    String cls = m.getType() == null ? "?" : m.getType().getName();
    return cls + "." + m.getName();
  }

  /** The package of a frame's class cut to three levels (two for java.*), e.g. {@code org.rocksdb}. */
  static String area(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    if (m == null || m.getType() == null) {
      return "?";
    }
    String cls = m.getType().getName();
    String[] parts = cls.split("\\.");
    int keep = cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") ? 2 : 3;
    keep = Math.min(keep, parts.length - 1);
    return keep <= 0 ? cls : String.join(".", java.util.Arrays.copyOf(parts, keep));
  }

  /** A thread name with its digits dropped: {@code grpc-default-executor-12} becomes {@code grpc-default-executor-#}. */
  static String pool(String thread) {
    return thread.replaceAll("\\d+", "#");
  }
}
