package io.caravel.jepsen.checker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a check runs.
 *
 * @param timeout the overall time bound; when it passes, unfinished partitions are {@link
 *     Verdict#UNKNOWN}. Must be positive.
 * @param parallelism the most partitions searched at once (threads); at least 1
 * @param stopAtFirstViolation whether to cancel the other partitions as soon as one is found not
 *     linearizable (they are then reported {@link Verdict#UNKNOWN}, "cancelled")
 */
public record CheckOptions(Duration timeout, int parallelism, boolean stopAtFirstViolation) {

  /** The default time bound, 60 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is not positive or {@code parallelism} is
   *     less than 1
   */
  public CheckOptions {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
  }

  /**
   * The defaults: {@link #DEFAULT_TIMEOUT}, one thread per available processor, stop at the first
   * violation.
   */
  public static CheckOptions defaults() {
    return new CheckOptions(DEFAULT_TIMEOUT, Runtime.getRuntime().availableProcessors(), true);
  }

  /** These options with another time bound. */
  public CheckOptions withTimeout(Duration newTimeout) {
    return new CheckOptions(newTimeout, parallelism, stopAtFirstViolation);
  }

  /** These options with another thread count. */
  public CheckOptions withParallelism(int newParallelism) {
    return new CheckOptions(timeout, newParallelism, stopAtFirstViolation);
  }

  /** These options with {@code stopAtFirstViolation} set as given. */
  public CheckOptions withStopAtFirstViolation(boolean stop) {
    return new CheckOptions(timeout, parallelism, stop);
  }
}
