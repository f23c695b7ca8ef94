package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.FieldSelector;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.Tables;
import io.caravel.apiserver.storage.StoredObject;
import io.caravel.apiserver.storage.WatchCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Watch streams ({@code ?watch=true}) served from the resource's {@link WatchCache}: one compact JSON event per
 * line over a chunked {@code application/json} response (or one event per message over a WebSocket, which fabric8
 * tries first), ADDED / MODIFIED / DELETED with label and field selector transitions, BOOKMARK with
 * {@code allowWatchBookmarks}, ERROR with a 410 Status for a too old resourceVersion, synthetic ADDED events for a
 * watch without resourceVersion or with 0, the initial-events-end bookmark of {@code sendInitialEvents}, and
 * {@code timeoutSeconds}. Events are serialised on the cache's thread and written on the request's context.
 */
final class WatchHandler {
    private WatchHandler() {
    }

    /** Where a watch's lines go: an HTTP chunked response or a WebSocket. */
    private interface Out {
        void write(Buffer line);

        /** Writes several event lines at once (one chunk over HTTP; one message each over a WebSocket). */
        void writeAll(List<Buffer> lines);

        /** Ends the stream; the future completes once the end is written (or the connection is gone). */
        Future<Void> end();

        /** {@code r} runs when the stream ends or the connection closes (possibly more than once). */
        void onClose(Runnable r);
    }

    static void watch(RoutingContext rc, ResourceHandler.Target t, WatchCache cache, ApiServerOptions options,
                      Shutdown shutdown) {
        MultiMap p = rc.request().params();
        ResourceType type = t.type();
        Http.Accept accept = Http.Accept.of(rc.request().getHeader("Accept"));
        Predicate<StoredObject> selectors = ResourceHandler.filter(type, p);
        String nsPrefix = type.keyPrefix(t.namespace());
        Predicate<StoredObject> filter = o -> o.key().startsWith(nsPrefix) && selectors.test(o);
        String rv = p.get("resourceVersion");
        boolean bookmarks = "true".equals(p.get("allowWatchBookmarks"));
        boolean initialEvents = "true".equals(p.get("sendInitialEvents"));
        if (initialEvents && !"NotOlderThan".equals(p.get("resourceVersionMatch"))) {
            throw ApiException.invalid(type, "", java.util.List.of(ApiException.Cause.forbidden("resourceVersionMatch",
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")));
        }
        long from;
        if (rv == null || rv.isEmpty() || rv.equals("0") || initialEvents) {
            from = -1;
        } else {
            from = ResourceHandler.parseRv(rv);
        }
        long timeoutMillis = options.maxWatchTimeout().toMillis();
        String ts = p.get("timeoutSeconds");
        if (ts != null && !ts.isEmpty()) {
            try {
                timeoutMillis = Math.min(timeoutMillis, Math.max(1, Long.parseLong(ts)) * 1000);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds: Invalid value: \"" + ts + "\": must be an integer");
            }
        }
        FieldSelector.parse(p.get("fieldSelector"), type);
        Context ctx = rc.vertx().getOrCreateContext();
        long timeout = timeoutMillis;
        String upgrade = rc.request().getHeader("Upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            rc.request().toWebSocket().onSuccess(ws -> start(ctx, rc, ws(ws), cache, type, filter, from, bookmarks,
                    initialEvents, accept.table(), timeout, options, p.get("includeObject"), shutdown))
                    .onFailure(e -> Http.fail(rc, ApiException.badRequest("websocket upgrade failed: " + e.getMessage())));
            return;
        }
        HttpServerResponse r = rc.response();
        r.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-cache, private");
        // send the headers now: clients wait for them before they consider the watch started
        r.write(Buffer.buffer());
        start(ctx, rc, http(r), cache, type, filter, from, bookmarks, initialEvents, accept.table(), timeout, options,
                p.get("includeObject"), shutdown);
    }

    private static Out http(HttpServerResponse r) {
        return new Out() {
            @Override
            public void write(Buffer line) {
                if (!r.ended() && !r.closed()) {
                    r.write(line);
                }
            }

            @Override
            public void writeAll(List<Buffer> lines) {
                if (lines.size() == 1) {
                    write(lines.get(0));
                    return;
                }
                int size = 0;
                for (Buffer b : lines) {
                    size += b.length();
                }
                Buffer all = Buffer.buffer(size);
                for (Buffer b : lines) {
                    all.appendBuffer(b);
                }
                write(all);
            }

            @Override
            public Future<Void> end() {
                if (!r.ended() && !r.closed()) {
                    return r.end();
                }
                return Future.succeededFuture();
            }

            @Override
            public void onClose(Runnable run) {
                r.closeHandler(v -> run.run());
                r.endHandler(v -> run.run());
            }
        };
    }

    private static Out ws(ServerWebSocket ws) {
        return new Out() {
            @Override
            public void write(Buffer line) {
                if (!ws.isClosed()) {
                    // one event per message, without the line's newline
                    ws.writeTextMessage(line.getString(0, line.length() - 1, "UTF-8"));
                }
            }

            @Override
            public void writeAll(List<Buffer> lines) {
                lines.forEach(this::write);
            }

            @Override
            public Future<Void> end() {
                if (!ws.isClosed()) {
                    return ws.close();
                }
                return Future.succeededFuture();
            }

            @Override
            public void onClose(Runnable run) {
                ws.closeHandler(v -> run.run());
            }
        };
    }

    private static void start(Context ctx, RoutingContext rc, Out out, WatchCache cache, ResourceType type,
                              Predicate<StoredObject> filter, long from, boolean bookmarks, boolean initialEvents,
                              boolean table, long timeoutMillis, ApiServerOptions options, String includeObject,
                              Shutdown shutdown) {
        if (!shutdown.tryOpenWatch()) {
            // passed the router's check just before the shutdown began: end it cleanly, the client re-watches
            out.end();
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger pending = new AtomicInteger();
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable ended = () -> {
            if (counted.compareAndSet(true, false)) {
                shutdown.watchEnded();
            }
        };
        Sink sink = new Sink(ctx, out, type, filter, bookmarks, initialEvents, table, options, includeObject, done, pending);
        WatchCache.Registration reg = cache.watch(from, type.keyPrefix(), sink);
        long timer = rc.vertx().setTimer(timeoutMillis, id -> sink.finish());
        out.onClose(() -> {
            done.set(true);
            reg.cancel();
            rc.vertx().cancelTimer(timer);
            ended.run();
        });
        sink.onFinish = () -> {
            reg.cancel();
            rc.vertx().cancelTimer(timer);
        };
        sink.onEnded = ended;
    }

    /** One watcher: filters and serialises on the cache thread, writes on the request's context. */
    private static final class Sink implements WatchCache.Sink {
        private final Context ctx;
        private final Out out;
        private final ResourceType type;
        private final Predicate<StoredObject> filter;
        private final boolean bookmarks;
        private final boolean initialEvents;
        private final boolean table;
        private final ApiServerOptions options;
        private final String includeObject;
        private final AtomicBoolean done;
        private final AtomicInteger pending;
        private boolean columnsSent;
        /** Lines waiting for the request's context (guarded by itself). */
        private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
        private boolean drainScheduled;
        volatile Runnable onFinish = () -> { };
        volatile Runnable onEnded = () -> { };

        Sink(Context ctx, Out out, ResourceType type, Predicate<StoredObject> filter, boolean bookmarks,
             boolean initialEvents, boolean table, ApiServerOptions options, String includeObject, AtomicBoolean done,
             AtomicInteger pending) {
            this.ctx = ctx;
            this.out = out;
            this.type = type;
            this.filter = filter;
            this.bookmarks = bookmarks;
            this.initialEvents = initialEvents;
            this.table = table;
            this.options = options;
            this.includeObject = includeObject;
            this.done = done;
            this.pending = pending;
        }

        @Override
        public void event(WatchCache.Event e) {
            if (done.get()) {
                return;
            }
            boolean now = filter.test(e.object());
            boolean before = e.prev() != null && filter.test(e.prev());
            String kind;
            switch (e.type()) {
                case ADDED -> {
                    if (!now) {
                        return;
                    }
                    kind = "ADDED";
                }
                case DELETED -> {
                    if (!before && !now) {
                        return;
                    }
                    kind = "DELETED";
                }
                default -> {
                    if (now && before) {
                        kind = "MODIFIED";
                    } else if (now) {
                        kind = "ADDED";
                    } else if (before) {
                        kind = "DELETED";
                    } else {
                        return;
                    }
                }
            }
            if (!table) {
                send(LineMemo.line(e, kind));
                return;
            }
            Buffer line = Buffer.buffer(e.object().json().length + 40);
            line.appendString("{\"type\":\"").appendString(kind).appendString("\",\"object\":");
            {
                ObjectNode t = Json.object().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
                t.putObject("metadata").put("resourceVersion", Long.toString(e.revision()));
                if (!columnsSent) {
                    t.set("columnDefinitions", Tables.columnDefinitions(type));
                    columnsSent = true;
                } else {
                    t.putArray("columnDefinitions");
                }
                t.putArray("rows").add(Tables.row(type, e.object().object(), options.clock().instant(), includeObject));
                line.appendBytes(Json.bytes(t));
            }
            line.appendString("}\n");
            send(line);
        }

        /**
         * Queues a line for the request's context. One task drains whatever is queued by the time it runs, in
         * one write: a watcher that falls behind (a burst of events, a busy event loop) catches up with fewer
         * tasks and fewer system calls instead of one of each per event.
         */
        private void send(Buffer line) {
            if (pending.incrementAndGet() > options.maxPendingWatchEvents()) {
                // a consumer this far behind is cut off; it re-watches from its last resourceVersion
                finish();
                return;
            }
            boolean schedule;
            synchronized (queue) {
                queue.add(line);
                schedule = !drainScheduled;
                drainScheduled = true;
            }
            if (schedule) {
                ctx.runOnContext(v -> drain());
            }
        }

        private void drain() {
            List<Buffer> lines;
            synchronized (queue) {
                lines = new ArrayList<>(queue);
                queue.clear();
                drainScheduled = false;
            }
            pending.addAndGet(-lines.size());
            if (!done.get() && !lines.isEmpty()) {
                out.writeAll(lines);
            }
        }

        private Buffer bookmarkLine(long revision, boolean initialEnd) {
            ObjectNode o = Json.object().put("kind", type.kind()).put("apiVersion", type.apiVersion());
            ObjectNode m = o.putObject("metadata").put("resourceVersion", Long.toString(revision));
            if (initialEnd) {
                m.putObject("annotations").put("k8s.io/initial-events-end", "true");
            }
            ObjectNode ev = Json.object().put("type", "BOOKMARK");
            ev.set("object", o);
            return Buffer.buffer(Json.string(ev) + "\n");
        }

        @Override
        public void bookmark(long revision) {
            if (bookmarks && !done.get()) {
                send(bookmarkLine(revision, false));
            }
        }

        @Override
        public void initialEventsEnd(long revision) {
            if (initialEvents && bookmarks && !done.get()) {
                send(bookmarkLine(revision, true));
            }
        }

        @Override
        public void closed(ApiException error) {
            if (error != null) {
                ObjectNode ev = Json.object().put("type", "ERROR");
                ev.set("object", error.toStatus());
                Buffer line = Buffer.buffer((Json.string(ev) + "\n").getBytes(StandardCharsets.UTF_8));
                ctx.runOnContext(v -> {
                    if (!done.get()) {
                        out.write(line);
                    }
                    finish();
                });
                return;
            }
            finish();
        }

        void finish() {
            ctx.runOnContext(v -> {
                if (done.compareAndSet(false, true)) {
                    onFinish.run();
                    out.end().onComplete(r -> onEnded.run());
                }
            });
        }
    }

    /**
     * The serialised line of the event the cache thread is handing out, per kind: every watcher of a resource gets
     * the same bytes, so the line is built once per event (not once per watcher) and the same buffer is written to
     * every stream. Confined to the calling (cache) thread; non-Table watches only.
     */
    private static final class LineMemo {
        private static final ThreadLocal<LineMemo> CURRENT = ThreadLocal.withInitial(LineMemo::new);
        private static final String[] KINDS = {"ADDED", "MODIFIED", "DELETED"};

        private WatchCache.Event event;
        private final Buffer[] lines = new Buffer[KINDS.length];

        static Buffer line(WatchCache.Event e, String kind) {
            LineMemo m = CURRENT.get();
            if (m.event != e) {
                m.event = e;
                Arrays.fill(m.lines, null);
            }
            int k = kind.equals("ADDED") ? 0 : kind.equals("MODIFIED") ? 1 : 2;
            Buffer b = m.lines[k];
            if (b == null) {
                byte[] json = e.object().json();
                b = Buffer.buffer(json.length + 40).appendString("{\"type\":\"").appendString(KINDS[k])
                        .appendString("\",\"object\":").appendBytes(json).appendString("}\n");
                m.lines[k] = b;
            }
            return b;
        }
    }
}
