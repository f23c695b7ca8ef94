package io.caravel.jepsen;

import io.caravel.jepsen.checker.CheckResult;
import io.caravel.jepsen.checker.Counterexample;
import io.caravel.jepsen.checker.PartitionResult;
import io.caravel.jepsen.checker.Verdict;
import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.model.Model;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link CheckResult} as text: a one-line verdict, then (for a violation or an unknown
 * result, or always with {@code verbose}) a short explanation.
 *
 * <p>For a violation the explanation names the partition, the length of the longest linearizable
 * prefix the search found and the state after it, the operation that could not be linearized next,
 * the candidates that were tried, and the window of history lines involved.
 */
public final class Report {

  /** How many operations of a list are printed before "... and N more". */
  private static final int LIST_LIMIT = 8;

  /** Values and states longer than this are abbreviated (kv strings grow long). */
  private static final int VALUE_CHARS = 80;

  private Report() {}

  /**
   * Renders a result.
   *
   * @param result the check's result
   * @param model the model it was checked against (to describe states)
   * @param source what was checked, e.g. the file name, printed first
   * @param verbose whether to list every partition and the whole prefix of a violation
   * @return the text, ending with a newline; its first line is the verdict
   */
  public static String render(CheckResult result, Model<?> model, String source, boolean verbose) {
    StringBuilder sb = new StringBuilder();
    sb.append(source).append(": ").append(result.verdict().label())
        .append(String.format(Locale.ROOT, " (model %s, %d %s, %d operations checked, %.2f s)%n",
            result.model(), result.partitions().size(),
            result.partitions().size() == 1 ? "partition" : "partitions",
            result.operations(), result.elapsed().toNanos() / 1e9));
    if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
      PartitionResult bad = result.firstViolation().orElseThrow();
      explainViolation(sb, bad, model, verbose);
      long others = result.partitions().stream()
          .filter(p -> p != bad && p.verdict() == Verdict.NOT_LINEARIZABLE).count();
      if (others > 0) {
        sb.append("  ").append(others).append(" other partition(s) are not linearizable either.\n");
      }
    }
    if (result.verdict() == Verdict.UNKNOWN) {
      sb.append("  No violation found, but the search did not finish:\n");
    }
    for (PartitionResult p : result.partitions()) {
      boolean show = verbose || (result.verdict() == Verdict.UNKNOWN && p.verdict() == Verdict.UNKNOWN);
      if (show) {
        sb.append(String.format(Locale.ROOT, "  %s: %s, %d operations, %.3f s%s%n",
            partitionName(p), p.verdict().label(), p.operations(), p.elapsed().toNanos() / 1e9,
            p.reason().isEmpty() ? "" : " (" + p.reason() + ")"));
      }
    }
    return sb.toString();
  }

  private static void explainViolation(StringBuilder sb, PartitionResult p, Model<?> model, boolean verbose) {
    Counterexample c = p.counterexample();
    sb.append("  ").append(capitalize(partitionName(p))).append(" (").append(p.operations())
        .append(" operations) has no linearization.\n");
    sb.append("  The longest linearizable prefix found has ").append(c.longestPrefix().size())
        .append(" operation(s) and leaves the state ").append(describeState(model, c.stateAfterPrefix()))
        .append(".\n");
    if (verbose) {
      int i = 1;
      for (Counterexample.Step step : c.longestPrefix()) {
        sb.append("    ").append(i++).append(". ").append(step.op().toString(VALUE_CHARS)).append("  ⇒ ")
            .append(describeState(model, step.stateAfter())).append('\n');
      }
    }
    Operation blocking = c.blocking();
    sb.append("  Then ").append(blocking.toString(VALUE_CHARS))
        .append(" must take effect before it completes, but cannot.\n");
    appendOps(sb, "    illegal in that state", c.illegalCandidates());
    appendOps(sb, "    legal, but every continuation fails", c.exhaustedCandidates());
    sb.append("  Failing window: lines ").append(c.windowFirstLine()).append('–')
        .append(c.windowLastLine()).append(".\n");
  }

  private static void appendOps(StringBuilder sb, String title, List<Operation> ops) {
    if (ops.isEmpty()) {
      return;
    }
    sb.append(title).append(":\n");
    for (int i = 0; i < ops.size() && i < LIST_LIMIT; i++) {
      sb.append("      ").append(ops.get(i).toString(VALUE_CHARS)).append('\n');
    }
    if (ops.size() > LIST_LIMIT) {
      sb.append("      ... and ").append(ops.size() - LIST_LIMIT).append(" more\n");
    }
  }

  private static String partitionName(PartitionResult p) {
    return p.key() == null ? "the history" : "partition key " + Edn.print(p.key());
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  @SuppressWarnings("unchecked")
  private static <S> String describeState(Model<S> model, Object state) {
    String text = model.describeState((S) state);
    if (text.length() <= VALUE_CHARS) {
      return text;
    }
    int tail = (VALUE_CHARS - 3) / 3;
    return text.substring(0, VALUE_CHARS - 3 - tail) + " … " + text.substring(text.length() - tail);
  }
}
