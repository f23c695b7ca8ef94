package io.caravel.jepsen.workload;

import io.caravel.jepsen.run.RunOptions;
import io.caravel.jepsen.run.Workload;
import java.util.List;

/** The workloads by name. */
public final class Workloads {

  /** The workload names, as on the command line. */
  public static final List<String> NAMES = List.of("register", "list-append", "watch");

  private Workloads() {}

  /** A fresh workload for a run. */
  public static Workload create(RunOptions options) {
    return switch (options.workload()) {
      case "register" -> new RegisterWorkload(options.keys(), options.opsPerKey());
      case "list-append" -> new ListAppendWorkload(options.keys(), options.opsPerKey());
      case "watch" -> new WatchWorkload();
      default -> throw new IllegalArgumentException("workload " + options.workload() + " is not available yet");
    };
  }
}
