package io.caravel.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.history.Event;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.HistoryParser;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.history.Outcome;
import io.caravel.jepsen.history.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {

  @Test
  void recordedHistoriesParseBackWithLinesAsIndicesAndMonotonicTimes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("history.edn");
    try (Recorder r = new Recorder(file)) {
      r.invoke(0, "write", 7L, 3L, "n1");
      r.nemesis("start-kill", "kill-one: killed n2");
      r.invoke(1, "cas", 7L, List.of(3L, 4L), "n2");
      r.complete(0, Outcome.OK, "write", 7L, 3L, null, "n1");
      r.complete(1, Outcome.INFO, "cas", 7L, List.of(3L, 4L), "timeout \"quoted\"", "n2");
      r.invoke(2, "read", 7L, null, "n3");
      r.complete(2, Outcome.OK, "read", 7L, 3L, null, "n3");
      List<Event> events = r.events();
      assertThat(events).hasSize(7);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).time()).isGreaterThanOrEqualTo(events.get(i - 1).time());
        assertThat(events.get(i).index()).isEqualTo(i);
      }
    }
    String text = Files.readString(file);
    assertThat(text.lines()).hasSize(7);
    assertThat(text.lines().toList().get(1)).contains(":process :nemesis").contains(":type :info");
    History h = HistoryParser.parse(text);
    assertThat(h.skippedEvents()).isEqualTo(1);
    assertThat(h.operations()).hasSize(3);
    Operation cas = h.operations().get(1);
    assertThat(cas.outcome()).isEqualTo(Outcome.INFO);
    assertThat(cas.input()).isEqualTo(List.of(3L, 4L));
    assertThat(cas.invokeLine()).isEqualTo(3);
    Operation read = h.operations().get(2);
    assertThat(read.output()).isEqualTo(3L);
    assertThat(read.key()).isEqualTo(7L);
  }
}
