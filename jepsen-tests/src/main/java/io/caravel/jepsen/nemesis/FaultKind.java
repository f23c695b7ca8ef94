package io.caravel.jepsen.nemesis;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The kinds of fault the nemesis injects ({@code --nemesis kill,pause,partition,member}). */
public enum FaultKind {
  /** kill -9 and restart: one node, the leader, a minority, a majority, all. */
  KILL,
  /** SIGSTOP / SIGCONT: the leader, a minority. */
  PAUSE,
  /** Peer network partitions: isolate one, isolate the leader, halves, bridge, majorities ring. */
  PARTITION,
  /** Membership: remove and re-add a member, add a learner and promote it, leader transfer. */
  MEMBER;

  /** The command-line name. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a comma-separated list such as {@code kill,partition}; {@code none} or an empty string
   * mean no faults, {@code all} means every kind.
   */
  public static Set<FaultKind> parse(String list) {
    Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
    for (String part : list.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty() || p.equals("none")) {
        continue;
      }
      if (p.equals("all")) {
        out.addAll(EnumSet.allOf(FaultKind.class));
        continue;
      }
      boolean found = false;
      for (FaultKind k : values()) {
        if (k.cliName().equals(p)) {
          out.add(k);
          found = true;
        }
      }
      if (!found) {
        throw new IllegalArgumentException("unknown nemesis '" + p + "' (expected kill, pause, partition, member, all or none)");
      }
    }
    return out;
  }
}
