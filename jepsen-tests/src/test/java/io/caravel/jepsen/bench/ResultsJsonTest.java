package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsJsonTest {

  @Test
  @SuppressWarnings("unchecked")
  void aRunSurvivesTheTripThroughJson() {
    RunResult r = Fixtures.run("caravel", "range-ser:16", 2, 12_345, 3.5);
    Object back = JsonReader.parse(Json.pretty(Map.of("runs", List.of(r.toMap()))));
    RunResult copy = RunResult.fromMap((Map<String, Object>) ((List<Object>) ((Map<String, Object>) back).get("runs")).get(0));
    assertThat(copy.side()).isEqualTo("caravel");
    assertThat(copy.point()).isEqualTo(Point.parse("range-ser:16"));
    assertThat(copy.round()).isEqualTo(2);
    assertThat(copy.ops()).isEqualTo(12_345);
    assertThat(copy.opsPerSecond()).isEqualTo(r.opsPerSecond());
    assertThat(copy.latencyMs()).isEqualTo(r.latencyMs());
    assertThat(copy.nodes()).isEqualTo(r.nodes());
    assertThat(copy.cdf()).hasSize(r.cdf().size());
    assertThat(copy.cdf().get(3)).containsExactly(99, 3.5);
    assertThat(copy.leader()).isEqualTo("n1");
    assertThat(copy.loadAfter()).isEqualTo("4.00 2.50 1.10");
  }

  @Test
  void readerHandlesTheJsonGrammar() {
    assertThat(JsonReader.parse(" {\"a\": [1, -2.5e1, true, false, null, \"x\\n\\u00e9\\\"\"], \"b\": {}} "))
        .isEqualTo(Map.of("a", java.util.Arrays.asList(1L, -25.0, true, false, null, "x\né\""), "b", Map.of()));
    assertThat(JsonReader.parse("[]")).isEqualTo(List.of());
    assertThatThrownBy(() -> JsonReader.parse("{\"a\" 1}")).hasMessageContaining("expected ':'");
    assertThatThrownBy(() -> JsonReader.parse("[1,]")).hasMessageContaining("unexpected character");
    assertThatThrownBy(() -> JsonReader.parse("[1] x")).hasMessageContaining("trailing");
  }
}
