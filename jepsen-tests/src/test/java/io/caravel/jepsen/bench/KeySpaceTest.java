package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeySpaceTest {

  @Test
  void everyKeyHasTheKeySizeAndKeysSortInIndexOrder() {
    KeySpace k = new KeySpace(100_000, 32, 256);
    assertThat(k.size()).isEqualTo(100_000);
    assertThat(k.key(0).toString()).isEqualTo("bench/00000000000000000000000000");
    assertThat(k.key(99_999).toString()).hasSize(32).endsWith("99999").startsWith("bench/");
    assertThat(k.key(41).toString().compareTo(k.key(42).toString())).isNegative();
    assertThat(k.value().size()).isEqualTo(256);
    // too short for the prefix: digits only
    assertThat(KeySpace.keyText(7, 100_000, 8)).isEqualTo("00000007");
    assertThatThrownBy(() -> KeySpace.keyText(7, 100_000, 4)).hasMessageContaining("cannot number");
  }

  @Test
  void watchValuesCarryTheirSequence() {
    KeySpace k = new KeySpace(10, 32, 64);
    assertThat(KeySpace.sequenceOf(k.valueWithSequence(123_456_789L))).isEqualTo(123_456_789L);
    assertThat(k.valueWithSequence(1).size()).isEqualTo(64);
    assertThat(LoadGenerator.watchKey(32)).hasSize(32);
    assertThat(LoadGenerator.watchKey(8)).hasSize(8);
  }
}
