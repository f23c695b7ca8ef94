package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
    // a command name with spaces and parentheses, as /proc allows
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 42 0 100 0 0";
    assertThat(ProcStats.cpuTicks(stat)).isEqualTo(1750);
  }

  @Test
  void statusFieldsInKilobytes() {
    String status = "Name:\tetcd\nVmHWM:\t   81234 kB\nVmRSS:\t   70000 kB\nThreads:\t12\n";
    assertThat(ProcStats.statusKb(status, "VmRSS")).hasValue(70_000);
    assertThat(ProcStats.statusKb(status, "VmHWM")).hasValue(81_234);
    assertThat(ProcStats.statusKb(status, "VmSwap")).isEmpty();
  }

  @Test
  void thisProcessCanBeSampled() {
    ProcStats.Sample s = ProcStats.sample(ProcessHandle.current().pid());
    assertThat(s).isNotNull();
    assertThat(s.rssBytes()).isPositive();
    assertThat(s.peakRssBytes()).isGreaterThanOrEqualTo(s.rssBytes());
    assertThat(ProcStats.sample(Long.MAX_VALUE)).isNull();
    assertThat(io.caravel.jepsen.run.Runner.loadAverage()).matches("[0-9.]+ [0-9.]+ [0-9.]+");
  }
}
