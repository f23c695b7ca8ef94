package io.caravel.jepsen.run;

import io.caravel.jepsen.cluster.LocalCluster;
import io.caravel.jepsen.history.Recorder;
import java.util.Objects;

/**
 * What a workload and the nemesis share during a run: the options, the cluster, the recorder and
 * the end of the main phase. Thread-safe.
 */
public final class RunContext {

  private final RunOptions options;
  private final LocalCluster cluster;
  private final Recorder recorder;
  private final long mainPhaseEnd;
  private volatile boolean stopped;

  /**
   * @param mainPhaseEnd the {@link System#nanoTime()} at which the main phase ends
   */
  public RunContext(RunOptions options, LocalCluster cluster, Recorder recorder, long mainPhaseEnd) {
    this.options = Objects.requireNonNull(options, "options");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.mainPhaseEnd = mainPhaseEnd;
  }

  /** The run's options. */
  public RunOptions options() {
    return options;
  }

  /** The cluster. */
  public LocalCluster cluster() {
    return cluster;
  }

  /** The history recorder. */
  public Recorder recorder() {
    return recorder;
  }

  /** Whether the main phase is still on. */
  public boolean mainPhase() {
    return !stopped && System.nanoTime() < mainPhaseEnd;
  }

  /** Nanoseconds left in the main phase (0 when over). */
  public long remainingNanos() {
    return stopped ? 0 : Math.max(0, mainPhaseEnd - System.nanoTime());
  }

  /** Ends the main phase early (on an error or an interrupt). */
  public void stop() {
    stopped = true;
  }

  /** Sleeps up to {@code millis}, but not past the end of the main phase. */
  public void sleepInMainPhase(long millis) throws InterruptedException {
    long ms = Math.min(millis, remainingNanos() / 1_000_000);
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
