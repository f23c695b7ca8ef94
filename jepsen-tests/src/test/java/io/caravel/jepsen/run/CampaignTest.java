package io.caravel.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignTest {

  @Test
  void violationsOutrankUnknownsWhichOutrankLiveness() {
    assertThat(Campaign.worse(0, 3)).isEqualTo(3);
    assertThat(Campaign.worse(3, 2)).isEqualTo(2);
    assertThat(Campaign.worse(2, 1)).isEqualTo(1);
    assertThat(Campaign.worse(1, 0)).isEqualTo(1);
    assertThat(Campaign.worse(0, 0)).isZero();
  }

  @Test
  void everyPlanLineParses() {
    for (List<String> plan : List.of(Campaign.CI, Campaign.FULL)) {
      for (String line : plan) {
        RunCommand.parse(List.of(line.split("\\s+")));
      }
    }
    assertThat(Campaign.FULL).hasSizeGreaterThanOrEqualTo(20);
    assertThat(Campaign.FULL.stream().filter(l -> l.contains("--db etcd"))).isNotEmpty();
    assertThat(Campaign.FULL.stream().filter(l -> l.contains("--nodes 5"))).isNotEmpty();
    assertThat(Campaign.FULL.stream().filter(l -> l.contains("unsafe"))).isNotEmpty();
  }

  @Test
  void badFlagsAreUsageErrors() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    assertThat(Campaign.main(List.of("--bogus"), new java.io.PrintStream(out), new java.io.PrintStream(err))).isEqualTo(64);
    assertThat(Campaign.main(List.of(), new java.io.PrintStream(out), new java.io.PrintStream(err))).isEqualTo(64);
    assertThat(err.toString()).contains("usage: caravel-jepsen campaign");
  }
}
