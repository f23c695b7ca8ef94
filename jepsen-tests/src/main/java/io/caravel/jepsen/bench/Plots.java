package io.caravel.jepsen.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * PNG plots of benchmark results drawn with Java2D (no plotting library): throughput against
 * clients per workload, and latency CDFs per point. Each side is one colour; every round is drawn, so
 * the spread is visible. Runs headless.
 */
public final class Plots {

  private static final int PANEL_W = 440;
  private static final int PANEL_H = 300;
  private static final int COLS = 3;
  private static final Map<String, Color> COLORS = Map.of(Comparison.A, new Color(0x1f77b4), Comparison.B,
      new Color(0xff7f0e), "endpoints", new Color(0x2ca02c));

  private Plots() {}

  /**
   * Writes {@code throughput.png} and {@code latency-cdf.png} into {@code dir}.
   *
   * @return the files written
   */
  public static List<Path> write(List<RunResult> runs, String subtitle, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    Path t = dir.resolve("throughput.png");
    ImageIO.write(throughput(runs, subtitle), "png", t.toFile());
    Path c = dir.resolve("latency-cdf.png");
    ImageIO.write(latencyCdf(runs, subtitle), "png", c.toFile());
    return List.of(t, c);
  }

  /** Throughput (ops/s) against clients, one panel per workload; dots per round, a line through medians. */
  public static BufferedImage throughput(List<RunResult> runs, String subtitle) {
    Map<Workload, List<RunResult>> byWorkload = new LinkedHashMap<>();
    for (RunResult r : runs) {
      byWorkload.computeIfAbsent(r.point().workload(), k -> new ArrayList<>()).add(r);
    }
    Canvas cv = new Canvas(byWorkload.size(), "Throughput vs clients (ops/s, higher is better)", subtitle, sides(runs));
    int i = 0;
    for (Map.Entry<Workload, List<RunResult>> e : byWorkload.entrySet()) {
      List<RunResult> rs = e.getValue();
      List<Integer> clients = new ArrayList<>(new TreeSet<>(rs.stream().map(r -> r.point().clients()).toList()));
      double ymax = rs.stream().mapToDouble(RunResult::opsPerSecond).max().orElse(1) * 1.15;
      Panel p = cv.panel(i++, e.getKey().title() + (e.getKey() == Workload.WATCH_LATENCY ? " (events/s)" : ""),
          e.getKey() == Workload.WATCH_LATENCY ? "watchers" : "clients", "ops/s");
      p.yAxisLinear(0, niceCeil(ymax));
      p.xAxisCategories(clients.stream().map(String::valueOf).toList());
      for (String side : sides(runs)) {
        Color col = COLORS.getOrDefault(side, Color.GRAY);
        List<double[]> medians = new ArrayList<>();
        for (int k = 0; k < clients.size(); k++) {
          int c = clients.get(k);
          List<Double> v = rs.stream().filter(r -> r.side().equals(side) && r.point().clients() == c)
              .map(RunResult::opsPerSecond).toList();
          for (double y : v) {
            p.dot(p.xCategory(k), p.y(y), col, 3);
          }
          if (!v.isEmpty()) {
            medians.add(new double[] {p.xCategory(k), p.y(Stats.median(v))});
          }
        }
        p.polyline(medians, col, 2.2f);
        for (double[] m : medians) {
          p.dot(m[0], m[1], col, 5);
        }
      }
    }
    return cv.image;
  }

  /** Latency CDF per point (x: ms, log scale; y: percentile), one curve per side and round. */
  public static BufferedImage latencyCdf(List<RunResult> runs, String subtitle) {
    Map<Point, List<RunResult>> byPoint = new LinkedHashMap<>();
    for (RunResult r : runs) {
      byPoint.computeIfAbsent(r.point(), k -> new ArrayList<>()).add(r);
    }
    Canvas cv = new Canvas(byPoint.size(), "Latency CDF (ms, log scale; further left is better)", subtitle, sides(runs));
    int i = 0;
    for (Map.Entry<Point, List<RunResult>> e : byPoint.entrySet()) {
      List<RunResult> rs = e.getValue();
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (RunResult r : rs) {
        for (double[] q : r.cdf()) {
          if (q[1] > 0) {
            lo = Math.min(lo, q[1]);
            hi = Math.max(hi, q[1]);
          }
        }
      }
      if (hi == 0) {
        lo = 0.1;
        hi = 10;
      }
      Panel p = cv.panel(i++, MarkdownReport.label(e.getKey()), "latency ms", "percentile");
      p.xAxisLog(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.0001))));
      p.yAxisLinear(0, 100);
      for (RunResult r : rs) {
        Color col = COLORS.getOrDefault(r.side(), Color.GRAY);
        List<double[]> pts = new ArrayList<>();
        for (double[] q : r.cdf()) {
          pts.add(new double[] {p.xLog(Math.max(q[1], p.xmin)), p.y(q[0])});
        }
        p.polyline(pts, new Color(col.getRed(), col.getGreen(), col.getBlue(), 170), 1.6f);
      }
    }
    return cv.image;
  }

  private static List<String> sides(List<RunResult> runs) {
    return runs.stream().map(RunResult::side).distinct().toList();
  }

  static double niceCeil(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  static String tick(double v) {
    if (v >= 1000) {
      return v % 1000 == 0 ? String.format(Locale.ROOT, "%,.0fk", v / 1000) : String.format(Locale.ROOT, "%.1fk", v / 1000);
    }
    if (v >= 1 || v == 0) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%s", Double.toString(v).replaceAll("0+$", ""));
  }

  /** The image: a title, a legend and a grid of panels. */
  private static final class Canvas {
    final BufferedImage image;
    final Graphics2D g;
    final int top = 64;

    Canvas(int panels, String title, String subtitle, List<String> sides) {
      int cols = Math.min(COLS, Math.max(1, panels));
      int rows = (Math.max(1, panels) + cols - 1) / cols;
      image = new BufferedImage(cols * PANEL_W, top + rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
      g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, 12, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.DARK_GRAY);
      g.drawString(subtitle == null ? "" : subtitle, 12, 40);
      int x = 12;
      for (String s : sides) {
        g.setColor(COLORS.getOrDefault(s, Color.GRAY));
        g.fillRect(x, 48, 18, 8);
        g.setColor(Color.BLACK);
        g.drawString(s, x + 24, 57);
        x += 34 + g.getFontMetrics().stringWidth(s) + 16;
      }
    }

    Panel panel(int index, String title, String xLabel, String yLabel) {
      int cols = image.getWidth() / PANEL_W;
      int px = (index % cols) * PANEL_W;
      int py = top + (index / cols) * PANEL_H;
      return new Panel(g, px, py, title, xLabel, yLabel);
    }
  }

  /** One chart: plot area, axes, ticks. */
  private static final class Panel {
    final Graphics2D g;
    final int left;
    final int right;
    final int top;
    final int bottom;
    double xmin;
    double xmax;
    double ymin;
    double ymax;
    int categories;

    Panel(Graphics2D g, int px, int py, String title, String xLabel, String yLabel) {
      this.g = g;
      this.left = px + 62;
      this.right = px + PANEL_W - 16;
      this.top = py + 28;
      this.bottom = py + PANEL_H - 44;
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString(title, px + 62, py + 18);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, bottom + 34);
      Graphics2D r = (Graphics2D) g.create();
      r.rotate(-Math.PI / 2);
      r.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, px + 14);
      r.dispose();
      g.setColor(new Color(0xf7f7f7));
      g.fillRect(left, top, right - left, bottom - top);
      g.setColor(Color.GRAY);
      g.drawRect(left, top, right - left, bottom - top);
    }

    void yAxisLinear(double min, double max) {
      ymin = min;
      ymax = max;
      for (int k = 0; k <= 5; k++) {
        double v = min + (max - min) * k / 5;
        int y = (int) Math.round(y(v));
        grid(left, y, right, y);
        label(tick(v), left - 6, y + 4, true);
      }
    }

    void xAxisLog(double min, double max) {
      xmin = min;
      xmax = max;
      for (double d = min; d <= max * 1.0001; d *= 10) {
        int x = (int) Math.round(xLog(d));
        grid(x, top, x, bottom);
        String t = d >= 1 ? tick(d) : String.format(Locale.ROOT, "%s", stripZeros(d));
        label(t, x + g.getFontMetrics().stringWidth(t) / 2, bottom + 16, true);
      }
    }

    void xAxisCategories(List<String> names) {
      categories = names.size();
      for (int k = 0; k < names.size(); k++) {
        int x = (int) Math.round(xCategory(k));
        grid(x, top, x, bottom);
        label(names.get(k), x + g.getFontMetrics().stringWidth(names.get(k)) / 2, bottom + 16, true);
      }
    }

    double xCategory(int k) {
      if (categories <= 1) {
        return (left + right) / 2.0;
      }
      double pad = (right - left) * 0.08;
      return left + pad + (right - left - 2 * pad) * k / (categories - 1);
    }

    double xLog(double v) {
      return left + (right - left) * (Math.log10(v) - Math.log10(xmin)) / (Math.log10(xmax) - Math.log10(xmin));
    }

    double y(double v) {
      return bottom - (bottom - top) * (v - ymin) / (ymax - ymin);
    }

    void polyline(List<double[]> pts, Color c, float width) {
      if (pts.size() < 2) {
        return;
      }
      Path2D.Double path = new Path2D.Double();
      path.moveTo(pts.get(0)[0], pts.get(0)[1]);
      for (double[] q : pts.subList(1, pts.size())) {
        path.lineTo(q[0], q[1]);
      }
      g.setColor(c);
      g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(path);
      g.setStroke(new BasicStroke(1));
    }

    void dot(double x, double y, Color c, int r) {
      g.setColor(c);
      g.fillOval((int) Math.round(x - r), (int) Math.round(y - r), 2 * r, 2 * r);
    }

    private void grid(double x1, double y1, double x2, double y2) {
      g.setColor(new Color(0xdddddd));
      g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    private void label(String s, int xRight, int y, boolean rightAligned) {
      g.setColor(Color.DARK_GRAY);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(s, rightAligned ? xRight - fm.stringWidth(s) : xRight, y);
    }

    private static String stripZeros(double d) {
      String s = String.format(Locale.ROOT, "%.4f", d);
      return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
  }
}
