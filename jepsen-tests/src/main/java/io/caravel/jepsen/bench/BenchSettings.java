package io.caravel.jepsen.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * How each point is driven.
 *
 * @param keySpace the number of distinct keys (keys are chosen uniformly at random)
 * @param keySize the length of every key in bytes
 * @param valueSize the length of every written value in bytes
 * @param conns the number of gRPC connections (jetcd clients); connection {@code i} goes to endpoint
 *     {@code i mod endpoints}, client {@code j} uses connection {@code j mod conns}, as in etcd's tool;
 *     0 means one per endpoint
 * @param warmup how long each point runs before its measurement window opens
 * @param duration the measurement window
 * @param rwRatio reads per write in {@code txn-mixed}
 * @param requestTimeout a request not answered within this counts as an error
 * @param leaseTtlSeconds the TTL of the leases {@code lease-keepalive} grants
 */
public record BenchSettings(
    int keySpace,
    int keySize,
    int valueSize,
    int conns,
    Duration warmup,
    Duration duration,
    double rwRatio,
    Duration requestTimeout,
    long leaseTtlSeconds) {

  /** The defaults: 100,000 keys of 32 B, 256 B values, one connection per endpoint, 5 s + 20 s. */
  public static BenchSettings defaults() {
    return new BenchSettings(100_000, 32, 256, 0, Duration.ofSeconds(5), Duration.ofSeconds(20), 1.0,
        Duration.ofSeconds(10), 60);
  }

  /** @throws IllegalArgumentException for values out of range */
  public BenchSettings {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (keySpace < 1) {
      throw new IllegalArgumentException("key space must be positive: " + keySpace);
    }
    if (keySize < KeySpace.digits(keySpace)) {
      throw new IllegalArgumentException("keys of " + keySize + " bytes cannot number " + keySpace + " distinct keys");
    }
    if (valueSize < 8 || valueSize > 1_048_576) {
      throw new IllegalArgumentException("value size must be in 8..1048576: " + valueSize);
    }
    if (conns < 0) {
      throw new IllegalArgumentException("conns must not be negative: " + conns);
    }
    if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("duration must be positive and warm-up not negative");
    }
    if (!(rwRatio >= 0) || Double.isInfinite(rwRatio)) {
      throw new IllegalArgumentException("rw-ratio must be a non-negative number: " + rwRatio);
    }
  }

  /** The connections to open for {@code endpoints} endpoints and {@code clients} clients. */
  public int connsFor(int endpoints, int clients) {
    int c = conns == 0 ? endpoints : conns;
    return Math.max(1, Math.min(c, clients));
  }

  /** A copy with another warm-up and duration. */
  public BenchSettings withTimes(Duration newWarmup, Duration newDuration) {
    return new BenchSettings(keySpace, keySize, valueSize, conns, newWarmup, newDuration, rwRatio, requestTimeout,
        leaseTtlSeconds);
  }
}
