package io.caravel.jepsen.run;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A checker's answer about one run's history.
 *
 * @param checker the checker's name, e.g. {@code linearizability (cas-register)}
 * @param validity the verdict
 * @param anomalies names of the anomalies found (e.g. {@code G-single}, {@code stale-read}); empty when valid
 * @param text a human-readable explanation (several lines)
 * @param details machine-readable details for {@code results.json}
 * @param highlight history event indices (0-based lines) that form the smallest failing window, for the report
 */
public record CheckSummary(String checker, Validity validity, List<String> anomalies, String text,
    Map<String, Object> details, List<Integer> highlight) {

  /** @throws NullPointerException for null parts */
  public CheckSummary {
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(validity, "validity");
    anomalies = List.copyOf(anomalies);
    Objects.requireNonNull(text, "text");
    details = Map.copyOf(details);
    highlight = List.copyOf(highlight);
  }

  /** A verdict. */
  public enum Validity {
    /** No violation. */
    VALID,
    /** A safety violation. */
    INVALID,
    /** The checker could not decide. */
    UNKNOWN;

    /** Combines two verdicts: INVALID wins, then UNKNOWN. */
    public Validity and(Validity other) {
      if (this == INVALID || other == INVALID) {
        return INVALID;
      }
      return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : VALID;
    }
  }
}
