package io.caravel.jepsen.checker;

import java.nio.file.Path;

/** Lets tests in other packages find the Porcupine kv reference folder. */
public final class PorcupineKvReferenceAccess {

  private PorcupineKvReferenceAccess() {}

  /** The folder holding the six Porcupine kv histories and EXPECTED.md. */
  public static Path referenceDir() {
    return PorcupineKvReferenceTest.referenceDir();
  }
}
