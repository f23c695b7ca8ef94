package io.caravel.jepsen.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.jepsen.edn.EdnParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryParserTest {

  @Test
  void pairsEachInvocationWithTheNextCompletionOfItsProcess() {
    History h = HistoryParser.parse("""
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 2, :type :invoke, :f :cas, :value [1 2]}
        {:process 2, :type :ok, :f :cas, :value [1 2]}
        """);
    assertThat(h.operations()).hasSize(3);
    assertThat(h.eventCount()).isEqualTo(6);
    Operation write = h.operations().get(0);
    assertThat(write.id()).isZero();
    assertThat(write.process()).isZero();
    assertThat(write.f()).isEqualTo("write");
    assertThat(write.input()).isEqualTo(1L);
    assertThat(write.outcome()).isEqualTo(Outcome.OK);
    assertThat(write.invokePosition()).isZero();
    assertThat(write.completePosition()).isEqualTo(3);
    assertThat(write.invokeLine()).isEqualTo(1);
    assertThat(write.completeLine()).isEqualTo(4);
    Operation read = h.operations().get(1);
    assertThat(read.input()).isNull();
    assertThat(read.output()).isEqualTo(1L);
    assertThat(read.describe()).isEqualTo("process 1 :read → 1");
    assertThat(h.operations().get(2).input()).isEqualTo(List.of(1L, 2L));
  }

  @Test
  void keepsFailAndInfoOutcomesAndTreatsUncompletedInvocationsAsInfo() {
    History h = HistoryParser.parse("""
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :fail, :f :write, :value 1, :error :rejected}
        {:process 1, :type :invoke, :f :write, :value 2}
        {:process 1, :type :info, :f :write, :value 2, :error :timeout}
        {:process 2, :type :invoke, :f :write, :value 3}
        """);
    assertThat(h.operations()).extracting(Operation::outcome)
        .containsExactly(Outcome.FAIL, Outcome.INFO, Outcome.INFO);
    assertThat(h.operations().get(1).output()).as("an :info result is unknown").isNull();
    assertThat(h.operations().get(2).completeLine()).isEqualTo(-1);
    assertThat(h.operations().get(2).completePosition()).isEqualTo(-1);
    assertThat(h.count(Outcome.INFO)).isEqualTo(2);
  }

  @Test
  void acceptsKeysTimesIndicesNemesisOpsTagsAndAVectorLayout() {
    History h = HistoryParser.parse("""
        [{:index 0, :time 10, :process 0, :type :invoke, :f :put, :key "a", :value "x"}
         {:index 1, :time 11, :process :nemesis, :type :info, :f :start-partition, :value nil}
         #jepsen.history.Op{:index 2, :time 12, :process 0, :type :ok, :f :put, :key "a", :value "x"}
         {:index 3, :time 13, :process 1, :type :invoke, :f "get", :key "a", :value nil}
         {:index 4, :time 14, :process 1, :type :ok, :f "get", :value "x"}]
        """);
    assertThat(h.operations()).hasSize(2);
    assertThat(h.skippedEvents()).isEqualTo(1);
    assertThat(h.operations().get(0).key()).isEqualTo("a");
    assertThat(h.operations().get(0).time()).isEqualTo(10L);
    assertThat(h.operations().get(0).completeLine()).isEqualTo(3);
    assertThat(h.operations().get(1).f()).isEqualTo("get");
    assertThat(h.operations().get(1).key()).as("key from the invocation").isEqualTo("a");
  }

  @Test
  void emptyTextIsAnEmptyHistory() {
    assertThat(HistoryParser.parse("").operations()).isEmpty();
    assertThat(HistoryParser.parse("; just a comment\n\n").operations()).isEmpty();
  }

  @Test
  void completionWithoutInvocationIsAnErrorAtItsLine() {
    assertThatThrownBy(() -> HistoryParser.parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value nil}
        """))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessage("line 3: :ok for process 0 without a preceding :invoke");
  }

  @Test
  void secondInvocationWhileOneIsOpenIsAnError() {
    assertThatThrownBy(() -> HistoryParser.parse("""
        {:process 4, :type :invoke, :f :read, :value nil}
        {:process 4, :type :invoke, :f :write, :value 1}
        """))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageStartingWith("line 2: process 4 invokes :write while its :read invoked at line 1");
  }

  @Test
  void otherMalformedOpsAreErrorsAtTheirLine() {
    assertThatThrownBy(() -> HistoryParser.parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :write, :value 1}
        """)).hasMessageStartingWith("line 2: completion :f :write does not match the :f :read");
    assertThatThrownBy(() -> HistoryParser.parse("{:process 0, :f :read}"))
        .hasMessage("line 1: op has no :type");
    assertThatThrownBy(() -> HistoryParser.parse("\n{:process 0, :type :done, :f :read}"))
        .hasMessageStartingWith("line 2: unknown :type :done");
    assertThatThrownBy(() -> HistoryParser.parse("{:type :invoke, :f :read}"))
        .hasMessage("line 1: op has no :process");
    assertThatThrownBy(() -> HistoryParser.parse("{:process 0, :type :invoke}"))
        .hasMessage("line 1: op has no :f");
    assertThatThrownBy(() -> HistoryParser.parse("{:process 0, :type :invoke, :f :read}\n[1 2]"))
        .hasMessageStartingWith("line 2: expected an op map, found 1");
    assertThatThrownBy(() -> HistoryParser.parse("""
        {:process 0, :type :invoke, :f :get, :key "a", :value nil}
        {:process 0, :type :ok, :f :get, :key "b", :value nil}
        """)).hasMessageStartingWith("line 2: completion :key \"b\" differs");
  }

  @Test
  void ednSyntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> HistoryParser.parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value nil}
        {:process 0, :type :invoke, :f :read, :value nil
        {:process 0, :type :ok, :f :read, :value nil}
        """))
        .isInstanceOf(EdnParseException.class)
        .hasMessageContaining("opened at line 3");
    assertThatThrownBy(() -> HistoryParser.parse("[{:process 0, :type :invoke, :f :read}\n"))
        .isInstanceOf(EdnParseException.class)
        .hasMessageContaining("history vector opened at line 1 is not closed");
  }
}
