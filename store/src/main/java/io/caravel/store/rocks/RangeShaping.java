package io.caravel.store.rocks;

import io.caravel.store.KeyValue;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeRequest.SortOrder;
import io.caravel.store.RangeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's post-processing of a range ({@code server/etcdserver/txn/range.go}): revision filters, sort,
 * limit with {@code more}, keys-only. Stateless.
 */
final class RangeShaping {
    private RangeShaping() {
    }

    static RangeResult shape(RangeRequest r, StoreReader.Scan scan, long headerRevision) {
        if (r.countOnly()) {
            return new RangeResult(List.of(), false, scan.count(), headerRevision);
        }
        List<KeyValue> kvs = scan.kvs();
        if (r.hasRevisionFilters()) {
            List<KeyValue> kept = new ArrayList<>(kvs.size());
            for (KeyValue kv : kvs) {
                if (r.maxModRevision() != 0 && kv.modRevision() > r.maxModRevision()) {
                    continue;
                }
                if (r.minModRevision() != 0 && kv.modRevision() < r.minModRevision()) {
                    continue;
                }
                if (r.maxCreateRevision() != 0 && kv.createRevision() > r.maxCreateRevision()) {
                    continue;
                }
                if (r.minCreateRevision() != 0 && kv.createRevision() < r.minCreateRevision()) {
                    continue;
                }
                kept.add(kv);
            }
            kvs = kept;
        }
        SortOrder order = r.sortOrder();
        if (r.sortTarget() != RangeRequest.SortTarget.KEY && order == SortOrder.NONE) {
            order = SortOrder.ASCEND;
        } else if (r.sortTarget() == RangeRequest.SortTarget.KEY && order == SortOrder.ASCEND) {
            order = SortOrder.NONE; // the scan is already in ascending key order
        }
        if (order != SortOrder.NONE) {
            Comparator<KeyValue> c = comparator(r.sortTarget());
            // A stable sort of the key-ordered scan: ties keep ascending key order in both directions,
            // as etcd returns them (Go's sort.Sort is an insertion sort, hence stable, for small
            // ranges), and every replica returns the same order.
            kvs = new ArrayList<>(kvs);
            kvs.sort(order == SortOrder.DESCEND ? c.reversed() : c);
        }
        boolean more = false;
        if (r.limit() > 0 && kvs.size() > r.limit()) {
            kvs = kvs.subList(0, (int) r.limit());
            more = true;
        }
        if (r.keysOnly()) {
            List<KeyValue> stripped = new ArrayList<>(kvs.size());
            for (KeyValue kv : kvs) {
                stripped.add(kv.withoutValue());
            }
            kvs = stripped;
        }
        return new RangeResult(kvs, more, scan.count(), headerRevision);
    }

    /** Compares by the sort target only; List.sort is stable, so the scan's key order breaks ties. */
    private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
        return switch (target) {
            case KEY -> Comparator.comparing(KeyValue::key);
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> Comparator.comparing(KeyValue::value);
        };
    }
}
