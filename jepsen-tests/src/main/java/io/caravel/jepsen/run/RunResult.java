package io.caravel.jepsen.run;

import java.nio.file.Path;

/**
 * The outcome of one run.
 *
 * @param dir the run directory
 * @param check the checker's summary
 * @param live whether the cluster served the final operations after healing
 * @param exitCode 0 valid and live, 1 safety violation, 2 unknown, 3 valid but not live after healing
 * @param results the contents of results.json
 */
public record RunResult(Path dir, CheckSummary check, boolean live, int exitCode, java.util.Map<String, Object> results) {

  /** The exit code for a verdict and liveness. */
  public static int exitCode(CheckSummary.Validity validity, boolean live) {
    return switch (validity) {
      case INVALID -> 1;
      case UNKNOWN -> 2;
      case VALID -> live ? 0 : 3;
    };
  }
}
