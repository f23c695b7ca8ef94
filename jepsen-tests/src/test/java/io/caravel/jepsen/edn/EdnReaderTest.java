package io.caravel.jepsen.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdnReaderTest {

  private static Keyword kw(String name) {
    return Keyword.of(name);
  }

  @Test
  void readsAJepsenOpMap() {
    Object value = EdnReader.readOne("{:process 2, :type :ok, :f :cas, :value [3 0], :time 123456789}");
    assertThat(value).isEqualTo(Map.of(
        kw("process"), 2L, kw("type"), kw("ok"), kw("f"), kw("cas"),
        kw("value"), List.of(3L, 0L), kw("time"), 123456789L));
  }

  @Test
  void readsScalars() {
    assertThat(EdnReader.readOne("nil")).isNull();
    assertThat(EdnReader.readOne("true")).isEqualTo(true);
    assertThat(EdnReader.readOne("false")).isEqualTo(false);
    assertThat(EdnReader.readOne("-42")).isEqualTo(-42L);
    assertThat(EdnReader.readOne("+7")).isEqualTo(7L);
    assertThat(EdnReader.readOne("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(EdnReader.readOne("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    assertThat(EdnReader.readOne("12N")).isEqualTo(BigInteger.valueOf(12));
    assertThat(EdnReader.readOne("1.5")).isEqualTo(1.5);
    assertThat(EdnReader.readOne("-2e3")).isEqualTo(-2000.0);
    assertThat(EdnReader.readOne("1.25M")).isEqualTo(new BigDecimal("1.25"));
    assertThat(EdnReader.readOne(":jepsen/op")).isEqualTo(kw("jepsen/op"));
    assertThat(EdnReader.readOne("foo")).isEqualTo(new Symbol("foo"));
    assertThat(EdnReader.readOne("\\a")).isEqualTo('a');
    assertThat(EdnReader.readOne("\\newline")).isEqualTo('\n');
    assertThat(EdnReader.readOne("##Inf")).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void readsStringEscapes() {
    assertThat(EdnReader.readOne("\"a\\\"b\\\\c\\nd\\te\\u00e9\"")).isEqualTo("a\"b\\c\nd\teé");
    assertThat(EdnReader.readOne("\"x 0 2 yx 0 5 y\"")).isEqualTo("x 0 2 yx 0 5 y");
    assertThat(EdnReader.readOne("\"\"")).isEqualTo("");
  }

  @Test
  void readsCollectionsCommentsDiscardsAndTags() {
    assertThat(EdnReader.readOne("(1 [2 3] #{4} {\"k\" nil})"))
        .isEqualTo(List.of(1L, List.of(2L, 3L), Set.of(4L), java.util.Collections.singletonMap("k", null)));
    assertThat(EdnReader.readOne("[1 ; a comment\n #_ 2 3]")).isEqualTo(List.of(1L, 3L));
    assertThat(EdnReader.readOne("#inst \"2024-01-01T00:00:00Z\""))
        .isEqualTo(new Tagged(new Symbol("inst"), "2024-01-01T00:00:00Z"));
    assertThat(EdnReader.readOne("#jepsen.history.Op{:index 0}"))
        .isEqualTo(new Tagged(new Symbol("jepsen.history.Op"), Map.of(kw("index"), 0L)));
    // Vectors and lists with the same elements are equal, as in Clojure.
    assertThat(EdnReader.readOne("[1 2]")).isEqualTo(EdnReader.readOne("(1 2)"));
  }

  @Test
  void readsFormsInSequenceWithLineNumbers() {
    EdnReader reader = new EdnReader("{:a 1}\n\n  {:b 2} {:c 3}\n");
    List<Integer> lines = new ArrayList<>();
    List<Object> forms = new ArrayList<>();
    while (reader.hasNext()) {
      lines.add(reader.line());
      forms.add(reader.next());
    }
    assertThat(forms).hasSize(3);
    assertThat(lines).containsExactly(1, 3, 3);
  }

  @Test
  void printsValuesBackAsEdn() {
    Object value = EdnReader.readOne("{:f :cas, :value [1 nil \"q\\\"\"], :ok true}");
    assertThat(Edn.print(value)).isEqualTo("{:f :cas, :value [1 nil \"q\\\"\"], :ok true}");
    assertThat(EdnReader.readOne(Edn.print(value))).isEqualTo(value);
  }

  @Test
  void abbreviatesLongValues() {
    assertThat(Edn.printAbbreviated("short", 20)).isEqualTo("\"short\"");
    String abbreviated = Edn.printAbbreviated("0123456789".repeat(10), 40);
    assertThat(abbreviated).hasSize(40).startsWith("\"0123456789").contains(" … ").endsWith("789\"");
  }

  @Test
  void unterminatedStringNamesTheLineItStarts() {
    assertThatThrownBy(() -> readAll("{:a 1}\n{:b \"oops}\n{:c 3}\n"))
        .isInstanceOf(EdnParseException.class)
        .hasMessageStartingWith("line 2, column 5: unterminated string")
        .satisfies(e -> assertThat(((EdnParseException) e).line()).isEqualTo(2));
  }

  @Test
  void unclosedMapNamesWhereItOpened() {
    assertThatThrownBy(() -> readAll("{:a 1}\n{:b 2\n"))
        .isInstanceOf(EdnParseException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("map opened at line 2, column 1 is not closed");
  }

  @Test
  void otherSyntaxErrorsNameTheirLine() {
    assertThatThrownBy(() -> readAll("{:a 1}\n{:a 1 :b]\n"))
        .hasMessageStartingWith("line 2, column 9: expected '}'");
    assertThatThrownBy(() -> readAll("\n\n{:a \"x\\qy\"}"))
        .hasMessageStartingWith("line 3, column 7: unknown escape sequence '\\q'");
    assertThatThrownBy(() -> readAll("{:a 1 :a 2}"))
        .hasMessageStartingWith("line 1, column 7: duplicate map key :a");
    assertThatThrownBy(() -> readAll("{:a 1 :b}"))
        .hasMessageContaining("map key :b has no value");
    assertThatThrownBy(() -> readAll("[1 2 3a]"))
        .hasMessageStartingWith("line 1, column 6: malformed number '3a'");
    assertThatThrownBy(() -> readAll("\n)"))
        .hasMessageStartingWith("line 2, column 1: unmatched ')'");
    assertThatThrownBy(() -> readAll("{: 1}"))
        .hasMessageContaining("incomplete keyword");
    assertThatThrownBy(() -> EdnReader.readOne("1 2"))
        .hasMessageContaining("unexpected text after the form");
    assertThatThrownBy(() -> EdnReader.readOne("  "))
        .hasMessageContaining("no EDN form");
  }

  private static List<Object> readAll(String text) {
    EdnReader reader = new EdnReader(text);
    List<Object> forms = new ArrayList<>();
    while (reader.hasNext()) {
      forms.add(reader.next());
    }
    return forms;
  }
}
