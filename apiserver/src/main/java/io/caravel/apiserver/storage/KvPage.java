package io.caravel.apiserver.storage;

import java.util.List;

/**
 * One page of a {@link KvClient#list} range read.
 *
 * @param items    the key-values in ascending key order, at most the limit asked for
 * @param revision the revision the page was read at (etcd's {@code header.revision} for a read of the latest
 *                 revision, the requested revision otherwise)
 * @param more     whether keys after the last item remain in the range at that revision
 * @param count    the number of keys in the range from the start key on, at that revision (etcd's {@code count})
 */
public record KvPage(List<KeyValue> items, long revision, boolean more, long count) {
    public KvPage {
        items = List.copyOf(items);
    }
}
