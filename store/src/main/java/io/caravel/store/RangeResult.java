package io.caravel.store;

import java.util.List;

/**
 * etcd's {@code RangeResponse}.
 *
 * @param kvs the kvs, in the requested order, at most {@code limit} of them (empty for count-only)
 * @param more true when {@code limit} left some kvs out
 * @param count the number of keys in the range at the read revision, regardless of limit and filters
 * @param revision the store's current revision when the read was served (etcd's header revision,
 *                 also for reads of a past revision)
 */
public record RangeResult(List<KeyValue> kvs, boolean more, long count, long revision) implements OpResult {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
