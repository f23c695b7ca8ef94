package io.caravel.jepsen.cluster;

/**
 * A directed peer link: the connections that node {@code from} opens to node {@code to}'s peer port.
 * Node numbers are the 1-based slots of a {@link LocalCluster}.
 *
 * @param from the dialling node
 * @param to the node dialled
 */
public record Link(int from, int to) {

  /** @throws IllegalArgumentException if a node number is not positive or the link is a loop */
  public Link {
    if (from < 1 || to < 1 || from == to) {
      throw new IllegalArgumentException("bad link " + from + "->" + to);
    }
  }

  /** The same link in the other direction. */
  public Link reversed() {
    return new Link(to, from);
  }

  @Override
  public String toString() {
    return "n" + from + "->n" + to;
  }
}
