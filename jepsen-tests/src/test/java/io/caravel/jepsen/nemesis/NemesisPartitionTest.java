package io.caravel.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.cluster.Link;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The shapes of the partitions: who can still talk to whom. */
class NemesisPartitionTest {

  /** For each node, the nodes it can reach directly (itself included). */
  private static Map<Integer, Set<Integer>> reach(List<Integer> nodes, Set<Link> cut) {
    Map<Integer, Set<Integer>> out = new TreeMap<>();
    for (int a : nodes) {
      Set<Integer> r = new TreeSet<>();
      for (int b : nodes) {
        if (a == b || !cut.contains(new Link(a, b))) {
          r.add(b);
        }
      }
      out.put(a, r);
    }
    return out;
  }

  private static void assertSymmetric(Set<Link> cut) {
    for (Link l : cut) {
      assertThat(cut).contains(l.reversed());
    }
  }

  @Test
  void isolatingOneNodeCutsAllItsLinksBothWays() {
    Set<Link> cut = Nemesis.partitionCut("one", List.of(2, 1, 3), 2);
    assertSymmetric(cut);
    assertThat(cut).containsExactlyInAnyOrder(new Link(2, 1), new Link(1, 2), new Link(2, 3), new Link(3, 2));
  }

  @Test
  void halvesSplitAMajorityFromAMinority() {
    Map<Integer, Set<Integer>> r = reach(List.of(1, 2, 3, 4, 5), Nemesis.partitionCut("halves", List.of(4, 2, 5, 1, 3), -1));
    assertThat(r.get(4)).containsExactly(2, 4, 5);
    assertThat(r.get(1)).containsExactly(1, 3);
  }

  @Test
  void theBridgeTalksToBothSidesWhichCannotTalkToEachOther() {
    List<Integer> order = List.of(5, 3, 1, 4, 2);
    Map<Integer, Set<Integer>> r = reach(order, Nemesis.partitionCut("bridge", order, -1));
    assertThat(r.get(1)).containsExactly(1, 2, 3, 4, 5);
    assertThat(r.get(5)).containsExactly(1, 3, 5);
    assertThat(r.get(2)).containsExactly(1, 2, 4);
    Map<Integer, Set<Integer>> r3 = reach(List.of(1, 2, 3), Nemesis.partitionCut("bridge", List.of(3, 1, 2), -1));
    assertThat(r3.get(1)).containsExactly(1, 2, 3);
    assertThat(r3.get(3)).containsExactly(1, 3);
  }

  @Test
  void inTheMajoritiesRingEveryNodeSeesADifferentMajority() {
    List<Integer> order = List.of(3, 5, 1, 2, 4);
    Set<Link> cut = Nemesis.partitionCut("majorities-ring", order, -1);
    assertSymmetric(cut);
    Map<Integer, Set<Integer>> r = reach(order, cut);
    Set<Set<Integer>> views = new HashSet<>(r.values());
    assertThat(views).hasSize(5);
    assertThat(r.values()).allMatch(v -> v.size() == 3);
    assertThat(r.get(3)).containsExactly(3, 4, 5); // ring neighbours 4 and 5
    Map<Integer, Set<Integer>> r3 = reach(List.of(1, 2, 3), Nemesis.partitionCut("majorities-ring", List.of(1, 2, 3), -1));
    assertThat(r3.values()).allMatch(v -> v.size() >= 2);
    assertThat(new HashSet<>(r3.values())).hasSize(3);
  }
}
