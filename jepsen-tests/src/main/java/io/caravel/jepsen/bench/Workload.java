package io.caravel.jepsen.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The request mixes of {@code caravel-bench}, named as on its command line. */
public enum Workload {
  /** {@code Put} of a random key of the key space (etcd {@code benchmark put}). */
  PUT("put", "put"),
  /** Linearizable single-key {@code Range} (etcd {@code benchmark range --consistency l}). */
  RANGE_LIN("range-lin", "linearizable range"),
  /** Serializable single-key {@code Range} (etcd {@code benchmark range --consistency s}). */
  RANGE_SER("range-ser", "serializable range"),
  /** {@code Txn} with one always-true compare and one put: a compare-and-put. */
  TXN_PUT("txn-put", "txn compare-and-put"),
  /** {@code Txn}s that read or write one key, {@code --rw-ratio} reads per write (etcd {@code txn-mixed}). */
  TXN_MIXED("txn-mixed", "txn mixed read/write"),
  /**
   * N watchers on one key and one closed-loop writer; latency is from the put's call to each
   * watcher's receipt of the event (etcd {@code benchmark watch-latency}); ops are events received.
   */
  WATCH_LATENCY("watch-latency", "watch latency"),
  /** {@code LeaseKeepAlive} of one lease per client (etcd {@code benchmark lease-keepalive}). */
  LEASE_KEEPALIVE("lease-keepalive", "lease keep-alive"),
  /** No requests at all: the window only samples the servers' idle CPU and memory (use 1 client). */
  IDLE("idle", "idle cluster");

  private final String cliName;
  private final String title;

  Workload(String cliName, String title) {
    this.cliName = cliName;
    this.title = title;
  }

  /** The name on the command line and in reports, e.g. {@code range-lin}. */
  public String cliName() {
    return cliName;
  }

  /** A human title, e.g. {@code linearizable range}. */
  public String title() {
    return title;
  }

  /** Whether the workload reads keys that should exist (so the key space is filled first). */
  public boolean readsKeys() {
    return this == RANGE_LIN || this == RANGE_SER || this == TXN_MIXED;
  }

  /**
   * The workload called {@code name}; {@code range} alone means linearizable (etcd's default).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Workload byName(String name) {
    if (name.equals("range")) {
      return RANGE_LIN;
    }
    for (Workload w : values()) {
      if (w.cliName.equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + name + "' (expected " + names() + ")");
  }

  /** All names, separated by {@code |}. */
  public static String names() {
    return Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining("|"));
  }
}
