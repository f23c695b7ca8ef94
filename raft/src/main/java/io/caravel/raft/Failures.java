package io.caravel.raft;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for the failures of futures. Stateless. */
final class Failures {
    private Failures() {
    }

    /** The failure inside {@link CompletionException} and {@link ExecutionException} wrappers (those without a cause stay). */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
