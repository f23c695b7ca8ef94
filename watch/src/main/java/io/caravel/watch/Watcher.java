package io.caravel.watch;

import io.caravel.store.Bytes;
import io.caravel.store.Event;
import io.caravel.store.KeyRange;
import java.util.List;

/**
 * One watcher (etcd's {@code mvcc.watcher}). Kept small on purpose, since a node may hold tens of
 * thousands of idle ones: no collection of its own, flags in one byte. Every mutable field is guarded by
 * the hub's lock.
 */
final class Watcher {
    static final byte PREV_KV = 1;
    static final byte NO_PUT = 2;
    static final byte NO_DELETE = 4;
    static final byte PROGRESS_NOTIFY = 8;
    static final byte FRAGMENT = 16;

    /** In the synced group: fed by dispatch. */
    static final byte SYNCED = 0;
    /** In the unsynced set: fed from history by the hub's thread. */
    static final byte UNSYNCED = 1;
    /** Canceled, compacted or closed: in no group, fed by nothing. */
    static final byte GONE = 2;

    final long id;
    final CatchUpWatchHub.HubStream stream;
    final KeyRange range;
    final byte flags;

    /**
     * The lowest revision not yet queued for this watcher. While synced, the watcher has everything up to
     * the hub's last dispatched revision, so its next revision is really max(this, lastDispatched + 1);
     * the field is kept exact only when it is higher (a start revision in the future) and while unsynced.
     * Dispatch and catch-up skip events below it: that is what makes a revision never delivered twice.
     */
    long nextRevision;
    byte state;
    /** Got an event since the last progress tick (etcd elides the next progress notification then). */
    boolean eventsSinceTick;
    /** Index in {@link WatcherGroup}'s range list while synced on a range; -1 otherwise. */
    int slot = -1;
    /** Events gathered for this watcher during one dispatch or catch-up pass; null outside of one. */
    List<Event> pending;

    Watcher(long id, CatchUpWatchHub.HubStream stream, KeyRange range, byte flags, long nextRevision) {
        this.id = id;
        this.stream = stream;
        this.range = range;
        this.flags = flags;
        this.nextRevision = nextRevision;
    }

    boolean has(byte flag) {
        return (flags & flag) != 0;
    }

    /** True when the event passes the watcher's filters (NOPUT / NODELETE). */
    boolean accepts(Event e) {
        return e.type() == Event.Type.PUT ? !has(NO_PUT) : !has(NO_DELETE);
    }

    /** The event as this watcher gets it: with its prevKv only when asked for. */
    Event shape(Event e) {
        return has(PREV_KV) ? e : e.withoutPrevKv();
    }

    boolean isSingleKey() {
        return range.isSingleKey();
    }

    Bytes key() {
        return range.key();
    }

    @Override
    public String toString() {
        return "Watcher{id=" + id + ", range=" + range + ", next=" + nextRevision + ", state=" + state + "}";
    }
}
