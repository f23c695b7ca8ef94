package io.caravel.store;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of applying one mutation.
 *
 * @param position the log position the mutation was applied at
 * @param revision the store's revision after the mutation
 * @param result the mutation's result: one of the result records, {@link MutationResult.Rejected} or
 *               {@link MutationResult.AlreadyApplied}
 * @param events the changes of the revision this mutation made, in sub-revision order, each with its
 *               previous version; empty when it made no revision
 */
public record ApplyResult(LogPosition position, long revision, MutationResult result, List<Event> events) {
    public ApplyResult {
        Objects.requireNonNull(position, "position == null");
        Objects.requireNonNull(result, "result == null");
        events = List.copyOf(events);
    }

    public boolean isRejected() {
        return result instanceof MutationResult.Rejected;
    }

    /**
     * The result as the given type, or the rejection's error thrown as a {@link KvException}.
     *
     * @throws IllegalStateException when the position was already applied or the result has another type
     */
    public <T extends MutationResult> T resultAs(Class<T> type) {
        if (result instanceof MutationResult.Rejected r) {
            throw r.error().exception();
        }
        if (!type.isInstance(result)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + " but the result is " + result);
        }
        return type.cast(result);
    }
}
