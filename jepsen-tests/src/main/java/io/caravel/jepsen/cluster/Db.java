package io.caravel.jepsen.cluster;

import java.util.Locale;

/** The database a {@link LocalCluster} runs: Caravel (the system under test) or etcd (the control). */
public enum Db {
  /** {@code caravel server}, one JVM per node. */
  CARAVEL,
  /** Debian's {@code etcd} (package etcd-server), one process per node. */
  ETCD;

  /** The name used on the command line: {@code caravel} or {@code etcd}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value named {@code name} on the command line. */
  public static Db byName(String name) {
    for (Db db : values()) {
      if (db.cliName().equals(name)) {
        return db;
      }
    }
    throw new IllegalArgumentException("unknown db '" + name + "' (expected caravel or etcd)");
  }
}
