package io.caravel.jepsen.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The small statistics of the comparison: median, and the range of per-round ratios. Stateless. */
public final class Stats {

  private Stats() {}

  /** A closed range [min, max]; both NaN when empty. */
  public record Range(double min, double max) {
    /** Whether {@code v} lies in the range (inclusive). */
    public boolean contains(double v) {
      return v >= min && v <= max;
    }
  }

  /**
   * The median of the finite values (the mean of the middle two for an even count).
   *
   * @return the median, or NaN when there is no finite value
   */
  public static double median(Collection<Double> values) {
    List<Double> v = finite(values);
    if (v.isEmpty()) {
      return Double.NaN;
    }
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** {@code a / b}, NaN when either is not finite or {@code b} is 0. */
  public static double ratio(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b) || b == 0) {
      return Double.NaN;
    }
    return a / b;
  }

  /**
   * The ratio of each pair {@code a[i] / b[i]} (a round's two sides), skipping undefined ratios.
   *
   * @throws IllegalArgumentException if the lists differ in length
   */
  public static List<Double> pairRatios(List<Double> a, List<Double> b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException("unpaired values: " + a.size() + " vs " + b.size());
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      double r = ratio(a.get(i), b.get(i));
      if (!Double.isNaN(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The smallest and largest finite value (NaN, NaN when there is none). */
  public static Range spread(Collection<Double> values) {
    List<Double> v = finite(values);
    if (v.isEmpty()) {
      return new Range(Double.NaN, Double.NaN);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    return new Range(min, max);
  }

  private static List<Double> finite(Collection<Double> values) {
    List<Double> v = new ArrayList<>();
    for (Double d : values) {
      if (d != null && Double.isFinite(d)) {
        v.add(d);
      }
    }
    return v;
  }
}
