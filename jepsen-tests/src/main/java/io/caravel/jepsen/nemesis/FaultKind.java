package io.caravel.jepsen.nemesis;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
   * mean no faults, {@code all} means every kind. An entry {@code kind:variant} (e.g. {@code
   * member:learner-promote}) names the kind; see {@link #parseVariants} for the variant.
   */
  public static Set<FaultKind> parse(String list) {
    Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
    for (String part : list.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      int colon = p.indexOf(':');
      if (colon >= 0) {
        p = p.substring(0, colon);
      }
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

  /**
   * The variants named in a {@code --nemesis} list, e.g. {@code kill:leader,member:learner-promote}
   * restricts kill to {@code leader} and member to {@code learner-promote}; kinds named without a
   * variant are absent from the map (every variant allowed).
   *
   * @param known the variants of each kind, for validation
   * @throws IllegalArgumentException for an unknown variant
   */
  public static Map<FaultKind, Set<String>> parseVariants(String list, Map<FaultKind, List<String>> known) {
    Map<FaultKind, Set<String>> out = new EnumMap<>(FaultKind.class);
    for (String part : list.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      int colon = p.indexOf(':');
      if (colon < 0) {
        continue;
      }
      FaultKind kind = parse(p.substring(0, colon)).iterator().next();
      String variant = p.substring(colon + 1);
      if (!known.get(kind).contains(variant)) {
        throw new IllegalArgumentException("unknown " + kind.cliName() + " variant '" + variant + "' (expected "
            + String.join(", ", known.get(kind)) + ")");
      }
      out.computeIfAbsent(kind, k -> new HashSet<>()).add(variant);
    }
    return out;
  }
}
