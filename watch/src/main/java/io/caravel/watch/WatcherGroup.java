package io.caravel.watch;

import io.caravel.store.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A set of watchers indexed for matching events by key (etcd's {@code watcherGroup}): single-key watchers
 * in a hash map (one lookup per event), range watchers in a list scanned per event. etcd keeps ranges
 * in an interval tree; a list is simpler and as fast for the few range watchers a node typically has
 * (controllers watch a handful of prefixes, while single-key watchers are the ones that come by the
 * thousand). Not thread-safe: guarded by the hub's lock.
 */
final class WatcherGroup {
    /** Key to a {@link Watcher} or, when several watch the same key, an {@code ArrayList<Watcher>}. */
    private final HashMap<Bytes, Object> byKey = new HashMap<>();
    private final ArrayList<Watcher> ranges = new ArrayList<>();
    /** Whether range watchers record their index ({@link Watcher#slot}), for {@link #remove}. */
    private final boolean removable;
    private int size;

    /** A group watchers can be removed from one by one (the synced group). */
    WatcherGroup() {
        this(true);
    }

    /**
     * @param removable false for a throw-away index of watchers that belong to another group meanwhile:
     *                  it leaves {@link Watcher#slot} alone and supports no {@link #remove}
     */
    WatcherGroup(boolean removable) {
        this.removable = removable;
    }

    int size() {
        return size;
    }

    void add(Watcher w) {
        if (w.isSingleKey()) {
            byKey.merge(w.key(), w, WatcherGroup::join);
        } else {
            if (removable) {
                w.slot = ranges.size();
            }
            ranges.add(w);
        }
        size++;
    }

    @SuppressWarnings("unchecked")
    private static Object join(Object existing, Object added) {
        if (existing instanceof Watcher one) {
            ArrayList<Watcher> list = new ArrayList<>(2);
            list.add(one);
            list.add((Watcher) added);
            return list;
        }
        ((ArrayList<Watcher>) existing).add((Watcher) added);
        return existing;
    }

    /** Removes {@code w}; it must be in the group. */
    @SuppressWarnings("unchecked")
    void remove(Watcher w) {
        if (!removable) {
            throw new IllegalStateException("this group supports no removal");
        }
        if (w.isSingleKey()) {
            Object v = byKey.get(w.key());
            if (v == w) {
                byKey.remove(w.key());
            } else if (v instanceof ArrayList<?> list) {
                ArrayList<Watcher> watchers = (ArrayList<Watcher>) list;
                removeIdentity(watchers, w);
                if (watchers.size() == 1) {
                    byKey.put(w.key(), watchers.get(0));
                }
            } else {
                throw new IllegalStateException("not in the group: " + w);
            }
        } else {
            int i = w.slot;
            if (i < 0 || i >= ranges.size() || ranges.get(i) != w) {
                throw new IllegalStateException("not in the group: " + w);
            }
            Watcher last = ranges.remove(ranges.size() - 1);
            if (last != w) {
                ranges.set(i, last);
                last.slot = i;
            }
            w.slot = -1;
        }
        size--;
    }

    private static void removeIdentity(List<Watcher> list, Watcher w) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == w) {
                list.remove(i);
                return;
            }
        }
        throw new IllegalStateException("not in the group: " + w);
    }

    /** Adds to {@code out} every watcher whose range holds {@code key}. */
    @SuppressWarnings("unchecked")
    void collectMatching(Bytes key, List<Watcher> out) {
        Object v = byKey.get(key);
        if (v instanceof Watcher w) {
            out.add(w);
        } else if (v != null) {
            out.addAll((ArrayList<Watcher>) v);
        }
        for (int i = 0, n = ranges.size(); i < n; i++) {
            Watcher w = ranges.get(i);
            if (w.range.contains(key)) {
                out.add(w);
            }
        }
    }

    /** Removes every watcher, calling {@code action} on each. */
    @SuppressWarnings("unchecked")
    void drain(Consumer<Watcher> action) {
        for (Map.Entry<Bytes, Object> e : byKey.entrySet()) {
            if (e.getValue() instanceof Watcher w) {
                action.accept(w);
            } else {
                for (Watcher w : (ArrayList<Watcher>) e.getValue()) {
                    action.accept(w);
                }
            }
        }
        for (Watcher w : ranges) {
            if (removable) {
                w.slot = -1;
            }
            action.accept(w);
        }
        byKey.clear();
        ranges.clear();
        ranges.trimToSize();
        size = 0;
    }
}
