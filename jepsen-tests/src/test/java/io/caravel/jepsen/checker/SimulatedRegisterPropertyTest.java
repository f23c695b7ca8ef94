package io.caravel.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.jepsen.HistoryText;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.model.CasRegisterModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Histories recorded from a simulated, truly linearizable cas-register (one atomic register per
 * key, operations taking effect at a random moment inside their interval, with crashes giving
 * {@code :info}, rejections and failed cas giving {@code :fail}, and requests still in flight after
 * a crash taking effect later or never) must be judged linearizable; changing one {@code :ok} read
 * to a value nobody ever wrote must make them not linearizable.
 */
class SimulatedRegisterPropertyTest {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckOptions.defaults().withTimeout(Duration.ofSeconds(20)));

  /** A value never written by the simulation. */
  private static final long NEVER_WRITTEN = 99L;

  @Property(tries = 300)
  void simulatedHistoriesAreLinearizable(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int processes,
      @ForAll @IntRange(min = 0, max = 120) int steps, @ForAll boolean keyed) {
    Simulation sim = new Simulation(new Random(seed), processes, keyed);
    sim.run(steps);
    History history = sim.history.history();
    CheckResult result = CHECKER.check(CasRegisterModel.INSTANCE, history);
    assertThat(result.verdict()).as(sim.history.edn()).isEqualTo(Verdict.LINEARIZABLE);
    LinearizabilityCheckerTest.assertValidLinearization(CasRegisterModel.INSTANCE, history, result);
  }

  @Property(tries = 300)
  void aReadOfAValueNeverWrittenIsCaught(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int processes,
      @ForAll @IntRange(min = 1, max = 120) int steps, @ForAll boolean keyed) {
    Simulation sim = new Simulation(new Random(seed), processes, keyed);
    sim.run(steps);
    Assume.that(!sim.okReadLines.isEmpty());
    int victim = sim.okReadLines.get(new Random(seed ^ 0x5DEECE66DL).nextInt(sim.okReadLines.size()));
    String mutated = mutateLine(sim.history.edn(), victim);
    CheckResult result = CHECKER.check(CasRegisterModel.INSTANCE, io.caravel.jepsen.history.HistoryParser.parse(mutated));
    assertThat(result.verdict()).as(mutated).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  /** Replaces the :value of the given (1-based) line, an :ok read, with a value never written. */
  private static String mutateLine(String edn, int line) {
    String[] lines = edn.split("\n", -1);
    String l = lines[line - 1];
    int at = l.lastIndexOf(":value ");
    lines[line - 1] = l.substring(0, at) + ":value " + NEVER_WRITTEN + "}";
    return String.join("\n", lines);
  }

  /** A discrete-event simulation of clients of an atomic cas-register. */
  private static final class Simulation {
    final Random random;
    final int concurrency;
    final boolean keyed;
    final HistoryText history = new HistoryText();
    final List<Integer> okReadLines = new ArrayList<>();
    final Map<Object, Long> registers = new HashMap<>();
    final Client[] clients;
    /** Requests whose client crashed before they took effect; they may still take effect. */
    final List<Request> inFlight = new ArrayList<>();
    int lines;

    Simulation(Random random, int concurrency, boolean keyed) {
      this.random = random;
      this.concurrency = concurrency;
      this.keyed = keyed;
      this.clients = new Client[concurrency];
      for (int i = 0; i < concurrency; i++) {
        clients[i] = new Client(i);
      }
    }

    void run(int steps) {
      for (int s = 0; s < steps; s++) {
        if (!inFlight.isEmpty() && random.nextInt(6) == 0) {
          Request r = inFlight.remove(random.nextInt(inFlight.size()));
          if (random.nextBoolean()) {
            apply(r); // a crashed client's request takes effect late, or is lost
          }
          continue;
        }
        step(clients[random.nextInt(concurrency)]);
      }
    }

    private void step(Client c) {
      if (c.request == null) {
        c.request = newRequest();
        emit(c.process, "invoke", c.request, c.request.argument());
        return;
      }
      Request r = c.request;
      if (!r.applied) {
        int roll = random.nextInt(10);
        if (roll == 0) { // rejected before execution: no effect
          emit(c.process, "fail", r, r.argument());
          c.request = null;
        } else if (roll == 1) { // timed out; the request may still take effect
          emit(c.process, "info", r, r.argument());
          inFlight.add(r);
          c.crash(concurrency);
        } else {
          apply(r);
        }
        return;
      }
      if (random.nextInt(12) == 0) { // took effect, but the reply was lost
        emit(c.process, "info", r, r.argument());
        c.crash(concurrency);
        return;
      }
      switch (r.f) {
        case "read" -> {
          emit(c.process, "ok", r, r.result);
          okReadLines.add(lines);
        }
        case "write" -> emit(c.process, "ok", r, r.value);
        default -> emit(c.process, r.casSucceeded ? "ok" : "fail", r, r.argument());
      }
      c.request = null;
    }

    private Request newRequest() {
      Object key = keyed ? (Object) (long) random.nextInt(3) : null;
      return switch (random.nextInt(3)) {
        case 0 -> new Request("read", key, 0, 0);
        case 1 -> new Request("write", key, random.nextInt(5), 0);
        default -> new Request("cas", key, random.nextInt(5), random.nextInt(5));
      };
    }

    private void apply(Request r) {
      Long current = registers.get(r.key);
      switch (r.f) {
        case "read" -> r.result = current;
        case "write" -> registers.put(r.key, r.value);
        default -> {
          r.casSucceeded = Objects.equals(current, r.value);
          if (r.casSucceeded) {
            registers.put(r.key, r.newValue);
          }
        }
      }
      r.applied = true;
    }

    private void emit(long process, String type, Request r, Object value) {
      history.op(process, type, r.f, r.key, value);
      lines++;
    }
  }

  private static final class Client {
    long process;
    Request request;

    Client(long process) {
      this.process = process;
    }

    /** Jepsen retires a process after :info; the worker continues under a new process id. */
    void crash(int concurrency) {
      process += concurrency;
      request = null;
    }
  }

  private static final class Request {
    final String f;
    final Object key;
    final long value;
    final long newValue;
    boolean applied;
    boolean casSucceeded;
    Long result;

    Request(String f, Object key, long value, long newValue) {
      this.f = f;
      this.key = key;
      this.value = value;
      this.newValue = newValue;
    }

    Object argument() {
      return switch (f) {
        case "read" -> null;
        case "write" -> value;
        default -> HistoryText.pair(value, newValue);
      };
    }
  }
}
