package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

  @Test
  void compareReportHasTheCommandTheRatiosAndEveryRound() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("command", "./caravel-bench compare --rounds 3");
    meta.put("date", "2026-11-22T12:00:00Z");
    meta.put("machine", "2 vCPU");
    String md = MarkdownReport.compare(meta, Fixtures.threeRounds());
    assertThat(md).contains("- command: `./caravel-bench compare --rounds 3`", "- date: 2026-11-22T12:00:00Z",
        "- machine: 2 vCPU", "load average (1 min) during the measurement windows: 3.0–4.0 (median 3.5)");
    assertThat(md).contains(
        "| put, 16 clients | 3 | 1,000 | 2,000 | **0.50×** (0.30–0.60) | 5.50 | 2.50 | 22.0 | 10.0 | 2.20× (2.10–2.30) |");
    assertThat(md).contains("| range-lin, 1 client | 3 | 500 | 500 | **1.00×** (0.91–1.11) |");
    assertThat(md).contains("| put, 16 clients | 62 / 30 / 20 | 62 / 30 / 20 | 1,100 | 550 | 250 / 200 / 190 | 250 / 200 / 190 |");
    // one line per measurement, in order
    assertThat(md.lines().filter(l -> l.matches("\\| \\d \\| (put:16|range-lin:1) \\| (caravel|etcd) \\|.*"))).hasSize(12);
    assertThat(md).contains("| 1 | put:16 | caravel | 1,000 | 5.25 | 10.5 | 21.0 | 42.0 | 0 | n1 | 3.00 → 4.00 |");
  }

  @Test
  void tablesAreWellFormed() {
    String md = MarkdownReport.compare(Map.of(), Fixtures.threeRounds());
    for (String block : md.split("\n\n")) {
      List<String> rows = block.lines().filter(l -> l.startsWith("|")).toList();
      if (rows.isEmpty()) {
        continue;
      }
      long columns = rows.get(0).chars().filter(c -> c == '|').count();
      assertThat(rows).allSatisfy(r -> assertThat(r.chars().filter(c -> c == '|').count()).isEqualTo(columns));
    }
  }

  @Test
  void singleRunTableAndNumberFormats() {
    String md = MarkdownReport.single(List.of(Fixtures.run("etcd", "txn-put:64", 0, 123_456, 0.123)));
    assertThat(md).contains("| txn-put:64 | 12,346 | 0.03 | 0.06 | 0.12 | 0.25 | 0 | 60 / 30 / 20 | 89 | 250 / 200 / 190 | 40 |");
    assertThat(MarkdownReport.latency(Double.NaN)).isEqualTo("–");
    assertThat(MarkdownReport.latency(123.4)).isEqualTo("123");
    assertThat(MarkdownReport.latency(12.34)).isEqualTo("12.3");
    assertThat(MarkdownReport.ratio(Double.NaN)).isEqualTo("–");
    assertThat(MarkdownReport.label(Point.parse("watch-latency:16"))).isEqualTo("watch-latency, 16 watchers");
  }
}
