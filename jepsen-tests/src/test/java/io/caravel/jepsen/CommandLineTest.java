package io.caravel.jepsen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void flagsTakeValuesInlineOrFromTheNextArgumentAndBareWordsStayWhole() {
    CommandLine cli = new CommandLine(List.of("run", "--nodes=5", "--seed", "7", "--no-build", "file=x.edn", "--a=b=c"), 1);
    assertThat(cli.next()).isTrue();
    assertThat(cli.name()).isEqualTo("--nodes");
    assertThat(cli.value()).isEqualTo("5");
    assertThat(cli.next()).isTrue();
    assertThat(cli.name()).isEqualTo("--seed");
    assertThat(cli.value()).isEqualTo("7"); // consumed: the walk goes on after it
    assertThat(cli.next()).isTrue();
    assertThat(cli.name()).isEqualTo("--no-build");
    assertThat(cli.next()).isTrue();
    assertThat(cli.name()).isEqualTo("file=x.edn"); // not a flag: '=' splits only --name=value
    assertThat(cli.arg()).isEqualTo("file=x.edn");
    assertThat(cli.next()).isTrue();
    assertThat(cli.name()).isEqualTo("--a");
    assertThat(cli.value()).isEqualTo("b=c"); // split at the first '='
    assertThat(cli.next()).isFalse();
  }

  @Test
  void aFlagWithoutItsValueIsRefusedWithItsName() {
    CommandLine cli = new CommandLine(List.of("--seed"), 0);
    assertThat(cli.next()).isTrue();
    assertThatThrownBy(cli::value).isInstanceOf(IllegalArgumentException.class).hasMessage("--seed needs a value");
  }
}
