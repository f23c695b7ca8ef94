package io.caravel.store;

import java.util.List;

/**
 * etcd's {@code DeleteRangeResponse}.
 *
 * @param revision the main revision of the delete; when nothing was deleted no revision was made and this
 *                 is the current revision
 * @param deleted how many keys were deleted
 * @param prevKvs the deleted versions, in key order, when asked for
 */
public record DeleteRangeResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult, MutationResult {
    public DeleteRangeResult {
        prevKvs = List.copyOf(prevKvs);
    }
}
