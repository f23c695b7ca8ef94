package io.caravel.jepsen.nemesis;

import io.caravel.jepsen.cluster.Link;
import io.caravel.jepsen.cluster.LocalCluster;
import io.caravel.jepsen.history.Recorder;
import io.caravel.jepsen.run.RunContext;
import io.etcd.jetcd.api.Member;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The fault schedule of a run: a quiet period, then one fault at a time (held for a while, healed,
 * followed by a fault-free interval) until the main phase ends; {@link #healAll} then undoes
 * everything. Every start and stop is recorded in the history as a {@code :nemesis} {@code :info}
 * event and kept as a {@link FaultWindow}.
 *
 * <p>Each fault kind has variants, chosen with the run's seed:
 *
 * <ul>
 *   <li>kill (kill -9, restart on heal): {@code one}, {@code leader}, {@code minority}, {@code
 *       majority}, {@code all};
 *   <li>pause (SIGSTOP, SIGCONT on heal): {@code leader}, {@code minority};
 *   <li>partition (both directions of every cut peer link): {@code one} (isolate a random node),
 *       {@code leader} (isolate the leader), {@code halves} (a majority and a minority), {@code
 *       bridge} (two halves that only one node talks to), {@code majorities-ring} (each node sees a
 *       majority, no two the same one; with 3 nodes it is the bridge);
 *   <li>member: {@code remove-readd} (remove a member, kill it and wipe its data; add it back as a
 *       voter on heal), {@code learner-promote} (remove a member; on heal add it back as a learner,
 *       start it and promote it once it has caught up), {@code transfer} (move the leadership to
 *       another member).
 * </ul>
 *
 * <p>{@link #run} runs on the nemesis thread; {@link #healAll} is called once it returned.
 */
public final class Nemesis implements Runnable {

  private final RunContext ctx;
  private final LocalCluster cluster;
  private final Recorder recorder;
  private final Random random;
  private final List<FaultKind> kinds;
  private final List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> counts = Collections.synchronizedMap(new TreeMap<>());
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private Active active;

  /** A nemesis for the run, injecting the given kinds (none: it only waits). */
  public Nemesis(RunContext ctx, Set<FaultKind> kinds, long seed) {
    this.ctx = ctx;
    this.cluster = ctx.cluster();
    this.recorder = ctx.recorder();
    this.random = new Random(seed ^ 0x5DEECE66DL);
    this.kinds = kinds.stream().sorted().toList();
    for (FaultKind k : this.kinds) {
      if (k == FaultKind.PARTITION && !cluster.partitionsSupported()) {
        throw new IllegalArgumentException("partitions are unavailable: " + cluster.networkDescription());
      }
    }
  }

  /** The faults injected so far. */
  public List<FaultWindow> windows() {
    synchronized (windows) {
      return List.copyOf(windows);
    }
  }

  /** How many times each variant was injected (evidence that the requested faults happened). */
  public Map<String, Integer> counts() {
    synchronized (counts) {
      return Map.copyOf(counts);
    }
  }

  /** Faults that could not be started or healed (each recorded in the history too). */
  public List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  @Override
  public void run() {
    try {
      ctx.sleepInMainPhase(ctx.options().quiet().toMillis());
      while (ctx.mainPhase() && !kinds.isEmpty()) {
        FaultKind kind = kinds.get(random.nextInt(kinds.size()));
        try {
          active = start(kind);
        } catch (Exception e) {
          error("start " + kind.cliName(), e);
          ctx.sleepInMainPhase(ctx.options().faultInterval().toMillis());
          continue;
        }
        long full = ctx.options().faultDuration().toMillis();
        ctx.sleepInMainPhase(full / 2 + (long) (random.nextDouble() * (full - full / 2)));
        if (!ctx.mainPhase()) {
          break; // healAll heals it
        }
        healActive();
        ctx.sleepInMainPhase(ctx.options().faultInterval().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Heals everything: the fault in force, then every paused, killed or cut node, then the
   * membership (every node a voter again). Records {@code :heal-all}.
   */
  public void healAll() {
    healActive();
    StringBuilder done = new StringBuilder();
    try {
      cluster.healAll();
    } catch (IOException | RuntimeException e) {
      error("heal-all: restart", e);
    }
    restoreMembership(done, "heal-all");
    recorder.nemesis("heal-all", "resumed, restarted and reconnected every node" + done);
  }

  /**
   * Makes every node a voting member again, starting from the cluster's own member list: a node the
   * harness counts as a member but the cluster does not list (e.g. a learner add that a later
   * configuration change undid) is wiped and re-added, non-members are re-added, and leftover
   * learners are promoted (for up to a minute).
   */
  private void restoreMembership(StringBuilder done, String when) {
    List<Member> listed = cluster.members();
    if (!listed.isEmpty()) {
      for (int i : cluster.nodeIds()) {
        String url = cluster.node(i).peerUrl();
        if (cluster.node(i).isMember() && listed.stream().noneMatch(m -> m.getPeerURLsList().contains(url))) {
          try {
            cluster.forgetMember(i);
            done.append(" ").append(cluster.node(i).name()).append(" was missing from the member list;");
            recorder.nemesis("nemesis-error", cluster.node(i).name() + " is missing from the cluster's member list "
                + listed.stream().map(Member::getName).toList() + "; wiping and re-adding it");
            errors.add(cluster.node(i).name() + " missing from the member list at " + when);
          } catch (RuntimeException e) {
            error(when + ": forget " + cluster.node(i).name(), e);
          }
        }
      }
    }
    for (int i : cluster.nodeIds()) {
      if (!cluster.node(i).isMember()) {
        try {
          cluster.addMember(i, false);
          done.append(" re-added ").append(cluster.node(i).name());
        } catch (IOException | RuntimeException e) {
          error(when + ": re-add " + cluster.node(i).name(), e);
        }
      }
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<Member> learners = cluster.members().stream().filter(Member::getIsLearner).toList();
      if (learners.isEmpty()) {
        break;
      }
      for (Member m : learners) {
        int node = nodeOf(m);
        if (node > 0) {
          try {
            cluster.promote(node);
            done.append(" promoted ").append(cluster.node(node).name());
          } catch (RuntimeException e) {
            // not caught up yet
          }
        }
      }
      sleep(1000);
    }
  }

  private int nodeOf(Member m) {
    for (int i : cluster.nodeIds()) {
      if (m.getPeerURLsList().contains(cluster.node(i).peerUrl())) {
        return i;
      }
    }
    return -1;
  }

  private void healActive() {
    Active a = active;
    active = null;
    if (a == null) {
      return;
    }
    String result;
    try {
      a.heal.run();
      result = "healed";
    } catch (Exception e) {
      result = "heal failed: " + e.getMessage();
      errors.add(a.name + ": " + result);
      if (a.kind == FaultKind.MEMBER) {
        // the harness's idea of the membership may be wrong now; start the next fault from the truth
        StringBuilder done = new StringBuilder();
        restoreMembership(done, "after " + a.name);
        result += ";" + done;
      }
    }
    recorder.nemesis("stop-" + a.kind.cliName(), a.name + ": " + result);
    windows.add(new FaultWindow(a.kind, a.name, a.description, a.start, recorder.now()));
  }

  private void error(String what, Exception e) {
    String msg = what + " failed: " + e.getMessage();
    errors.add(msg);
    recorder.nemesis("nemesis-error", msg);
  }

  /** A fault in force. */
  private record Active(FaultKind kind, String name, String description, long start, Healer heal) {}

  @FunctionalInterface
  private interface Healer {
    void run() throws Exception;
  }

  private Active start(FaultKind kind) throws Exception {
    return switch (kind) {
      case KILL -> startKill();
      case PAUSE -> startPause();
      case PARTITION -> startPartition();
      case MEMBER -> startMember();
    };
  }

  private Active begin(FaultKind kind, String name, String description, Healer heal) {
    counts.merge(name, 1, Integer::sum);
    long t = recorder.nemesis("start-" + kind.cliName(), name + ": " + description).time();
    return new Active(kind, name, description, t, heal);
  }

  private List<Integer> runningMembers() {
    return cluster.nodeIds().stream()
        .filter(i -> cluster.node(i).isMember() && cluster.node(i).isRunning() && !cluster.node(i).isPaused())
        .collect(Collectors.toCollection(ArrayList::new));
  }

  private int leaderOr(List<Integer> candidates) {
    var leader = cluster.leader();
    if (leader.isPresent() && candidates.contains(leader.getAsInt())) {
      return leader.getAsInt();
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  private List<Integer> pick(List<Integer> from, int count) {
    List<Integer> copy = new ArrayList<>(from);
    Collections.shuffle(copy, random);
    return new ArrayList<>(copy.subList(0, Math.min(count, copy.size())));
  }

  private String names(List<Integer> nodes) {
    return nodes.stream().sorted().map(i -> cluster.node(i).name()).collect(Collectors.joining(" "));
  }

  private Active startKill() {
    List<Integer> members = runningMembers();
    if (members.isEmpty()) {
      throw new IllegalStateException("no running member");
    }
    int n = cluster.memberNodes().size();
    String[] variants = {"one", "leader", "minority", "majority", "all"};
    String v = choose(FaultKind.KILL, variants);
    List<Integer> targets = switch (v) {
      case "one" -> pick(members, 1);
      case "leader" -> List.of(leaderOr(members));
      case "minority" -> pick(members, Math.max(1, (n - 1) / 2));
      case "majority" -> pick(members, n / 2 + 1);
      default -> new ArrayList<>(members);
    };
    for (int t : targets) {
      cluster.kill(t);
    }
    List<Integer> killed = List.copyOf(targets);
    return begin(FaultKind.KILL, "kill-" + v, "killed " + names(killed), () -> {
      for (int t : killed) {
        if (cluster.node(t).isMember() && !cluster.node(t).isRunning()) {
          cluster.restart(t);
        }
      }
    });
  }

  private Active startPause() {
    List<Integer> members = runningMembers();
    if (members.isEmpty()) {
      throw new IllegalStateException("no running member");
    }
    int n = cluster.memberNodes().size();
    String v = choose(FaultKind.PAUSE, new String[] {"leader", "minority"});
    List<Integer> targets = v.equals("leader") ? List.of(leaderOr(members)) : pick(members, Math.max(1, (n - 1) / 2));
    for (int t : targets) {
      cluster.pause(t);
    }
    List<Integer> paused = List.copyOf(targets);
    return begin(FaultKind.PAUSE, "pause-" + v, "paused " + names(paused), () -> {
      for (int t : paused) {
        cluster.resume(t);
      }
    });
  }

  private Active startPartition() {
    List<Integer> nodes = new ArrayList<>(cluster.nodeIds());
    Collections.shuffle(nodes, random);
    String v = choose(FaultKind.PARTITION, VARIANTS.get(FaultKind.PARTITION).toArray(new String[0]));
    int isolated = v.equals("leader") ? leaderOr(nodes) : nodes.get(0);
    Set<Link> cut = partitionCut(v, nodes, isolated);
    int n = nodes.size();
    String description = switch (v) {
      case "one", "leader" -> {
        List<Integer> rest = new ArrayList<>(nodes);
        rest.remove(Integer.valueOf(isolated));
        yield "isolated " + cluster.node(isolated).name() + " | " + names(rest);
      }
      case "halves" -> names(nodes.subList(0, n / 2 + 1)) + " | " + names(nodes.subList(n / 2 + 1, n));
      case "bridge" -> names(nodes.subList(0, n / 2)) + " <- " + cluster.node(nodes.get(n / 2)).name() + " -> "
          + names(nodes.subList(n / 2 + 1, n));
      default -> "ring " + nodes.stream().map(i -> cluster.node(i).name()).collect(Collectors.joining(">")) + ", cut "
          + cut.stream().filter(l -> l.from() < l.to()).map(l -> cluster.node(l.from()).name() + "-" + cluster.node(l.to()).name())
              .sorted().collect(Collectors.joining(" "));
    };
    cluster.cut(cut);
    return begin(FaultKind.PARTITION, "partition-" + v, description, cluster::healNetwork);
  }

  /**
   * The links a partition cuts (always both directions of a pair).
   *
   * @param variant {@code one}/{@code leader} (isolate {@code isolated}), {@code halves} (the first
   *     majority of {@code order} against the rest), {@code bridge} (the first half against the last
   *     half; the middle node talks to both), {@code majorities-ring} ({@code order} as a ring, each
   *     node keeping its neighbours within (majority - 1) / 2 hops, so it sees a majority and no two
   *     nodes see the same one; with fewer than 5 nodes the two ends of the line lose each other, the
   *     bridge, as in Jepsen)
   * @param order the nodes, in the (random) order the variant uses
   * @param isolated the node {@code one} and {@code leader} isolate
   */
  static Set<Link> partitionCut(String variant, List<Integer> order, int isolated) {
    Set<Link> cut = new HashSet<>();
    int n = order.size();
    switch (variant) {
      case "one", "leader" -> {
        List<Integer> rest = new ArrayList<>(order);
        rest.remove(Integer.valueOf(isolated));
        cutBetween(cut, List.of(isolated), rest);
      }
      case "halves" -> cutBetween(cut, order.subList(0, n / 2 + 1), order.subList(n / 2 + 1, n));
      case "bridge" -> cutBetween(cut, order.subList(0, n / 2), order.subList(n / 2 + 1, n));
      case "majorities-ring" -> {
        int keep = n >= 5 ? (n / 2) / 2 : 0;
        for (int a = 0; a < n; a++) {
          for (int b = a + 1; b < n; b++) {
            int d = Math.min(b - a, n - (b - a));
            boolean cutIt = keep > 0 ? d > keep : (a == 0 && b == n - 1 && n >= 3);
            if (cutIt) {
              cutBetween(cut, List.of(order.get(a)), List.of(order.get(b)));
            }
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown partition " + variant);
    }
    return cut;
  }

  /** A random variant of {@code kind}, among those allowed by {@code --nemesis kind:variant}. */
  private String choose(FaultKind kind, String[] variants) {
    Set<String> allowed = ctx.options().faultVariants().getOrDefault(kind, Set.of());
    List<String> options = new ArrayList<>();
    for (String v : variants) {
      if (allowed.isEmpty() || allowed.contains(v)) {
        options.add(v);
      }
    }
    if (options.isEmpty()) {
      throw new IllegalArgumentException("no " + kind.cliName() + " variant among " + allowed
          + " (expected " + String.join(", ", variants) + ")");
    }
    return options.get(random.nextInt(options.size()));
  }

  /** Every variant of every kind, for validating {@code --nemesis kind:variant}. */
  public static final Map<FaultKind, List<String>> VARIANTS = Map.of(
      FaultKind.KILL, List.of("one", "leader", "minority", "majority", "all"),
      FaultKind.PAUSE, List.of("leader", "minority"),
      FaultKind.PARTITION, List.of("one", "leader", "halves", "bridge", "majorities-ring"),
      FaultKind.MEMBER, List.of("remove-readd", "learner-promote", "transfer"));

  private static void cutBetween(Set<Link> cut, List<Integer> a, List<Integer> b) {
    for (int x : a) {
      for (int y : b) {
        cut.add(new Link(x, y));
        cut.add(new Link(y, x));
      }
    }
  }

  private Active startMember() throws IOException {
    List<Integer> members = runningMembers();
    String[] variants = {"remove-readd", "learner-promote", "transfer"};
    String v = choose(FaultKind.MEMBER, variants);
    if (v.equals("transfer")) {
      int leader = cluster.leader().orElseThrow(() -> new IllegalStateException("no leader to transfer from"));
      List<Integer> others = new ArrayList<>(members);
      others.remove(Integer.valueOf(leader));
      if (others.isEmpty()) {
        throw new IllegalStateException("no other member to transfer to");
      }
      int to = others.get(random.nextInt(others.size()));
      cluster.moveLeader(to);
      return begin(FaultKind.MEMBER, "member-transfer",
          "leader " + cluster.node(leader).name() + " -> " + cluster.node(to).name(), () -> { });
    }
    if (cluster.memberNodes().size() < 2) {
      throw new IllegalStateException("too few members to remove one");
    }
    int target = members.get(random.nextInt(members.size()));
    cluster.removeMember(target);
    boolean learner = v.equals("learner-promote");
    String name = cluster.node(target).name();
    return begin(FaultKind.MEMBER, "member-" + v, "removed " + name + " (data wiped)", () -> {
      cluster.addMember(target, learner);
      if (learner) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
          try {
            cluster.promote(target);
            last = null;
            break;
          } catch (RuntimeException e) {
            last = e;
            sleep(1000);
          }
        }
        if (last != null) {
          throw last;
        }
      }
      cluster.refreshMemberId(target);
    });
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
