package io.caravel.jepsen.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.HistoryText;
import io.caravel.jepsen.history.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {

  /** The single operation of a one-operation history. */
  private static Operation op(HistoryText h) {
    List<Operation> ops = h.history().operations();
    assertThat(ops).hasSize(1);
    return ops.get(0);
  }

  private static Operation ok(String f, Object in, Object out) {
    return op(new HistoryText().invoke(0, f, in).ok(0, f, out));
  }

  private static Operation info(String f, Object in) {
    return op(new HistoryText().invoke(0, f, in).info(0, f, in));
  }

  private static Operation kv(String f, Object in, Object out) {
    return op(new HistoryText().op(0, "invoke", f, "k", in).op(0, "ok", f, "k", out));
  }

  @Test
  void lookupByName() {
    assertThat(Models.byName("register")).containsSame(RegisterModel.INSTANCE);
    assertThat(Models.byName("cas-register")).containsSame(CasRegisterModel.INSTANCE);
    assertThat(Models.byName("kv")).containsSame(KvModel.INSTANCE);
    assertThat(Models.byName("mutex")).isEmpty();
    assertThat(Models.names()).isEqualTo("register|cas-register|kv");
  }

  @Test
  void registerReadsMustMatchAndWritesSet() {
    RegisterModel m = RegisterModel.INSTANCE;
    RegisterModel.Value nil = m.initialState();
    assertThat(nil.value()).isNull();
    assertThat(m.step(nil, ok("read", null, null))).isEqualTo(nil);
    assertThat(m.step(nil, ok("read", null, 1L))).isNull();
    RegisterModel.Value one = m.step(nil, ok("write", 1L, 1L));
    assertThat(one).isEqualTo(new RegisterModel.Value(1L));
    assertThat(m.step(one, ok("read", null, 1L))).isEqualTo(one);
    assertThat(m.step(one, ok("read", null, null))).as("nil means unwritten, not unknown").isNull();
    assertThat(m.step(one, info("write", 2L))).isEqualTo(new RegisterModel.Value(2L));
    assertThat(m.isReadOnly(ok("read", null, 1L))).isTrue();
    assertThat(m.isReadOnly(ok("write", 1L, 1L))).isFalse();
    assertThat(m.validate(ok("cas", List.of(1L, 2L), List.of(1L, 2L)))).contains("no operation :cas");
    assertThat(m.describeState(one)).isEqualTo("1");
  }

  @Test
  void casRegisterComparesAndSets() {
    CasRegisterModel m = CasRegisterModel.INSTANCE;
    RegisterModel.Value zero = m.step(m.initialState(), ok("write", 0L, 0L));
    Operation cas01 = ok("cas", List.of(0L, 1L), List.of(0L, 1L));
    assertThat(m.validate(cas01)).isNull();
    assertThat(m.step(zero, cas01)).isEqualTo(new RegisterModel.Value(1L));
    assertThat(m.step(zero, ok("cas", List.of(5L, 6L), List.of(5L, 6L)))).as("an ok cas must match").isNull();
    assertThat(m.step(zero, info("cas", List.of(0L, 7L)))).isEqualTo(new RegisterModel.Value(7L));
    assertThat(m.step(zero, info("cas", List.of(3L, 7L)))).as("cannot take effect").isNull();
    assertThat(m.step(m.initialState(), ok("cas", java.util.Arrays.asList(null, 1L), null)))
        .as("cas from nil").isEqualTo(new RegisterModel.Value(1L));
    assertThat(m.validate(ok("cas", 3L, 3L))).contains("[expected new]");
    assertThat(m.validate(ok("cas", List.of(1L), List.of(1L)))).contains("[expected new]");
    assertThat(m.validate(ok("incr", 1L, 1L))).contains(":read, :write or :cas");
  }

  @Test
  void kvGetsPutsAndAppendsStrings() {
    KvModel m = KvModel.INSTANCE;
    String empty = m.initialState();
    assertThat(empty).isEmpty();
    assertThat(m.step(empty, kv("get", null, ""))).isEqualTo("");
    assertThat(m.step(empty, kv("get", null, null))).as("nil reads as \"\"").isEqualTo("");
    String a = m.step(empty, kv("append", "x 0 0 y", "x 0 0 y"));
    assertThat(a).isEqualTo("x 0 0 y");
    String ab = m.step(a, kv("append", "x 0 1 y", "x 0 1 y"));
    assertThat(ab).isEqualTo("x 0 0 yx 0 1 y");
    assertThat(m.step(ab, kv("get", null, "x 0 0 yx 0 1 y"))).isEqualTo(ab);
    assertThat(m.step(ab, kv("get", null, "x 0 0 y"))).isNull();
    assertThat(m.step(ab, kv("put", "z", "z"))).isEqualTo("z");
    assertThat(m.partitionKey(kv("put", "z", "z"))).isEqualTo("k");
    assertThat(m.validate(ok("get", null, ""))).contains("needs a :key");
    assertThat(m.validate(kv("put", 3L, 3L))).contains("needs a string value");
    assertThat(m.validate(kv("read", null, ""))).contains("no operation :read");
    assertThat(m.describeState("a\"b")).isEqualTo("\"a\\\"b\"");
  }
}
