package io.caravel.store;

/**
 * A point in the store's history, as etcd's {@code revision.go}: {@code main} is the cluster-wide
 * revision of a write request, {@code sub} numbers the changes inside it (a txn that writes three
 * keys makes sub-revisions 0, 1 and 2 of one main revision). Ordered by main, then sub.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {
    @Override
    public int compareTo(Revision o) {
        int c = Long.compare(main, o.main);
        return c != 0 ? c : Long.compare(sub, o.sub);
    }
}
