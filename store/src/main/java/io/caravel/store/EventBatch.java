package io.caravel.store;

import java.util.List;

/**
 * A slice of the store's history, for watchers catching up.
 *
 * @param events the events in (revision, sub-revision) order; a revision is never split across batches
 * @param nextRevision the first revision not covered by this batch: read on from there
 * @param currentRevision the store's revision when the batch was read; the history is complete up to it
 *                        when {@code nextRevision > currentRevision}
 */
public record EventBatch(List<Event> events, long nextRevision, long currentRevision) {
    public EventBatch {
        events = List.copyOf(events);
    }

    /** True when the batch reached the store's current revision. */
    public boolean reachedCurrent() {
        return nextRevision > currentRevision;
    }
}
