package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One benchmark point: a workload at a number of concurrent clients (for {@code watch-latency},
 * watchers), written {@code put:16}.
 *
 * @param workload the workload
 * @param clients the number of closed-loop clients, at least 1
 */
public record Point(Workload workload, int clients) {

  /** The largest client count accepted. */
  public static final int MAX_CLIENTS = 10_000;

  /** @throws IllegalArgumentException for a client count outside 1..{@value #MAX_CLIENTS} */
  public Point {
    Objects.requireNonNull(workload, "workload");
    if (clients < 1 || clients > MAX_CLIENTS) {
      throw new IllegalArgumentException("clients must be in 1.." + MAX_CLIENTS + ": " + clients);
    }
  }

  /**
   * Parses {@code workload:clients}, e.g. {@code range-ser:16}.
   *
   * @throws IllegalArgumentException if the text is not of that form
   */
  public static Point parse(String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("a point is WORKLOAD:CLIENTS (e.g. put:16), not '" + text + "'");
    }
    Workload w = Workload.byName(t.substring(0, colon));
    int clients;
    try {
      clients = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the client count of '" + text + "' is not an integer");
    }
    return new Point(w, clients);
  }

  /**
   * Parses a comma-separated list of points, keeping their order and dropping repeats.
   *
   * @throws IllegalArgumentException if the list is empty or a point is malformed
   */
  public static List<Point> parseList(String text) {
    LinkedHashSet<Point> points = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        points.add(parse(part));
      }
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no points given");
    }
    return new ArrayList<>(points);
  }

  /** {@code workload:clients}. */
  @Override
  public String toString() {
    return workload.cliName() + ":" + clients;
  }
}
