package io.caravel.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.Defaults;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.Meta;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.ResourceTypes;
import io.caravel.apiserver.resource.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Kubernetes object semantics over a {@link KvClient}, as kube-apiserver's generic registry and etcd3 storage
 * give them: objects at {@code /registry/<resource>/<namespace>/<name>}, resourceVersion = the key's mod revision
 * (never stored in the value), create as a txn on {@code create_revision == 0}, updates as a compare on
 * {@code mod_revision} (a stale resourceVersion is a 409 Conflict; without one the update is retried on the latest
 * object), uid / creationTimestamp / generation maintained by the server, deletion through deletionTimestamp and
 * finalizers, namespaces that must exist and whose deletion removes their contents.
 *
 * <p>Stateless apart from the client: any number of API servers may share one store. Thread-safe. Every method
 * returns a future completed on a client thread; failures are {@link ApiException}s.
 */
public final class ObjectStore {
    /** kube-apiserver's bound on internal retries of an update without a resourceVersion precondition. */
    private static final int MAX_RETRIES = 16;
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final KvClient kv;
    private final Clock clock;
    private volatile WatchCache namespaces;

    public ObjectStore(KvClient kv, Clock clock) {
        this.kv = Objects.requireNonNull(kv, "kv == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /**
     * Lets creates check their namespace in the namespaces' watch cache first (as kube's NamespaceLifecycle
     * admission does with its informer), reading the store only when the cache does not have it (yet).
     */
    public void useNamespaceCache(WatchCache cache) {
        this.namespaces = cache;
    }

    public KvClient kv() {
        return kv;
    }

    /** Maps a store failure to a Kubernetes error. */
    public static Throwable translate(Throwable t) {
        Throwable e = t;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ApiException) {
            return e;
        }
        if (e instanceof KvException.Unavailable) {
            return ApiException.unavailable("the store is unavailable: " + e.getMessage());
        }
        if (e instanceof KvException.Compacted) {
            return ApiException.expired("The resourceVersion for the provided list is too old.");
        }
        if (e instanceof KvException) {
            return ApiException.internal(e.getMessage());
        }
        return ApiException.internal(String.valueOf(e));
    }

    private static <T> CompletableFuture<T> translated(CompletableFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(translate(e));
            } else {
                out.complete(v);
            }
        });
        return out;
    }

    /**
     * The object just written, as {@link StoredObject#decode} would read it back (the stored bytes are
     * {@link #encode}{@code (obj)}), without parsing them again: {@code obj} with its resourceVersion set.
     */
    private static StoredObject written(String key, ObjectNode obj, long modRevision) {
        ObjectNode meta = Meta.metadata(obj);
        meta.remove("selfLink");
        // last in metadata, where decode puts it
        meta.remove("resourceVersion");
        meta.put("resourceVersion", Long.toString(modRevision));
        return new StoredObject(key, obj, modRevision);
    }

    static byte[] encode(ObjectNode obj) {
        ObjectNode copy = obj.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode m) {
            m.remove("resourceVersion");
            m.remove("selfLink");
        }
        return Json.bytes(copy);
    }

    // ------------------------------------------------------------------ reads

    /** The object, or a 404. */
    public CompletableFuture<StoredObject> get(ResourceType type, String namespace, String name) {
        return translated(kv.get(type.key(namespace, name))).thenApply(o -> o.map(StoredObject::decode)
                .orElseThrow(() -> ApiException.notFound(type, name)));
    }

    /** The object, if it exists. */
    public CompletableFuture<Optional<StoredObject>> find(ResourceType type, String namespace, String name) {
        return translated(kv.get(type.key(namespace, name))).thenApply(o -> o.map(StoredObject::decode));
    }

    /** A continue token: the list's revision and the next key relative to the resource prefix. */
    public static String continueToken(ResourceType type, long revision, String nextKey) {
        ObjectNode t = Json.object().put("v", "meta.k8s.io/v1").put("rv", revision)
                .put("start", nextKey.substring(type.keyPrefix().length()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(t));
    }

    /** Decoded continue token: revision and absolute start key. */
    public record Continue(long revision, String startKey) {
    }

    public static Continue parseContinue(ResourceType type, String token) {
        try {
            JsonNode t = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_')
                    .replace("=", "")));
            if (!"meta.k8s.io/v1".equals(t.path("v").asText()) || t.path("rv").asLong() <= 0) {
                throw new IllegalArgumentException("bad version");
            }
            return new Continue(t.path("rv").asLong(), type.keyPrefix() + t.path("start").asText());
        } catch (Exception e) {
            throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }

    /**
     * Lists from the store at {@code revision} (0 = latest, linearizable), starting at {@code startKey} when
     * continuing, returning at most {@code limit} matching objects (0 = all) and a continue token when more remain.
     * Pages through the store as kube's etcd3 storage does, so that selective filters still fill a page.
     */
    public CompletableFuture<ListResult> list(ResourceType type, String namespace, long revision, int limit,
                                              String startKey, Predicate<StoredObject> filter, boolean filtered) {
        String prefix = type.keyPrefix(namespace);
        CompletableFuture<ListResult> out = new CompletableFuture<>();
        listPage(type, prefix, revision, limit, startKey, filter, filtered, new ArrayList<>(), out);
        return out;
    }

    private void listPage(ResourceType type, String prefix, long revision, int limit, String start,
                          Predicate<StoredObject> filter, boolean filtered, List<StoredObject> acc,
                          CompletableFuture<ListResult> out) {
        // A list without a limit is still read in pages at one revision (KvClient.PAGE_LIMIT).
        int want = limit <= 0 ? KvClient.PAGE_LIMIT
                : Math.max(limit - acc.size(), filtered ? Math.min(limit * 2, KvClient.PAGE_LIMIT) : 0);
        kv.list(prefix, revision, want, start).whenComplete((page, err) -> {
            if (err != null) {
                out.completeExceptionally(translate(err));
                return;
            }
            try {
                List<KeyValue> items = page.items();
                for (int i = 0; i < items.size(); i++) {
                    StoredObject o = StoredObject.decode(items.get(i));
                    if (filter.test(o)) {
                        acc.add(o);
                        if (limit > 0 && acc.size() >= limit) {
                            boolean more = i < items.size() - 1 || page.more();
                            String token = more ? continueToken(type, page.revision(), items.get(i).key() + "\0") : null;
                            Long remaining = more && !filtered ? page.count() - (i + 1) : null;
                            out.complete(new ListResult(acc, page.revision(), token, remaining));
                            return;
                        }
                    }
                }
                if (page.more() && !items.isEmpty()) {
                    listPage(type, prefix, page.revision(), limit, items.get(items.size() - 1).key() + "\0", filter,
                            filtered, acc, out);
                } else {
                    out.complete(new ListResult(acc, page.revision(), null, null));
                }
            } catch (RuntimeException e) {
                out.completeExceptionally(translate(e));
            }
        });
    }

    // ------------------------------------------------------------------ writes

    private static String randomSuffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(NAME_CHARS.charAt(ThreadLocalRandom.current().nextInt(NAME_CHARS.length())));
        }
        return b.toString();
    }

    /**
     * Creates {@code obj} (already checked against the request path): name generation, server-set metadata,
     * defaulting, validation, the namespace check, then a txn on {@code create_revision == 0}. {@code obj} is
     * consumed: the returned object holds that very tree (no re-parse), so the caller must not modify it afterwards.
     */
    public CompletableFuture<StoredObject> create(ResourceType type, String namespace, ObjectNode obj) {
        try {
            ObjectNode meta = Meta.metadata(obj);
            String name = Meta.name(obj);
            if ((name == null || name.isEmpty()) && meta.hasNonNull("generateName")) {
                meta.put("name", meta.get("generateName").asText() + randomSuffix());
            }
            if (type.namespaced()) {
                meta.put("namespace", namespace);
            } else {
                meta.remove("namespace");
            }
            String uid = UUID.randomUUID().toString();
            meta.put("uid", uid);
            meta.put("creationTimestamp", Meta.timestamp(clock.instant()));
            meta.remove("resourceVersion");
            meta.remove("deletionTimestamp");
            meta.remove("deletionGracePeriodSeconds");
            meta.remove("selfLink");
            if (type.bumpsGeneration()) {
                meta.put("generation", 1);
            } else {
                meta.remove("generation");
            }
            Defaults.apply(type, obj);
            Defaults.prepareForCreate(type, obj, uid);
            Validation.validate(type, obj);
            String key = type.key(namespace, Meta.name(obj));
            byte[] bytes = encode(obj);
            CompletableFuture<Void> nsCheck = type.namespaced() ? checkNamespace(type, namespace, Meta.name(obj))
                    : CompletableFuture.completedFuture(null);
            return nsCheck.thenCompose(v -> translated(kv.create(key, bytes))).thenApply(r -> {
                if (!r.succeeded()) {
                    throw ApiException.alreadyExists(type, Meta.name(obj));
                }
                return written(key, obj, r.kv().modRevision());
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    /**
     * The namespace must exist and not be terminating. An active namespace in the watch cache is enough (a store
     * read would cost a linearizable round trip per create); a namespace the cache does not have, or has as
     * terminating, is read from the store. As in kube, a create racing with the namespace's deletion may still
     * land: the namespace's finalization deletes it.
     *
     * <p>Executor: none of its own. The check, and the create after it, go on in the caller's thread (a request's
     * event loop, where every other write starts too) or, after a store read, in the client thread that completed
     * the read (as update's retries do). Never in the namespaces' watch-cache thread: that single thread delivers
     * every namespace watcher's events, and the create's continuation issues the store write (an in-process client
     * does that work in the calling thread), so a slow or blocking write there would stall them all. Hence
     * {@link WatchCache#get} is a plain read answered in the calling thread (as kube's NamespaceLifecycle reads
     * its informer's lister), not a task queued on the cache thread whose future completes there.
     */
    private CompletableFuture<Void> checkNamespace(ResourceType type, String namespace, String name) {
        String key = ResourceTypes.NAMESPACES.key(null, namespace);
        WatchCache cache = namespaces;
        Optional<StoredObject> cached = cache == null ? Optional.empty() : cache.get(key);
        if (cached.isPresent() && !Meta.deleting(cached.get().object())) {
            return CompletableFuture.completedFuture(null);
        }
        return translated(kv.get(key)).thenApply(ns -> {
            if (ns.isEmpty()) {
                throw ApiException.notFound(ResourceTypes.NAMESPACES, namespace);
            }
            if (Meta.deleting(StoredObject.decode(ns.get()).object())) {
                throw ApiException.forbidden(type, name, "unable to create new content in namespace " + namespace
                        + " because it is being terminated");
            }
            return null;
        });
    }

    /** What an update wants done with the current object. */
    @FunctionalInterface
    public interface Mutation {
        /**
         * The new object computed from a private copy of the current one. A {@code metadata.resourceVersion} in the
         * result that differs from the current one is a precondition: the update fails with 409 Conflict.
         */
        ObjectNode apply(ObjectNode current);
    }

    /**
     * A guaranteed update (kube's {@code GuaranteedUpdate}): reads the latest object, applies {@code mutation},
     * keeps server-owned metadata, defaults and validates, and writes with a compare on the read's mod revision;
     * a lost race is retried on the new object unless the caller pinned a resourceVersion. An unchanged object is
     * not written. An object being deleted whose last finalizer is removed is deleted. The returned object holds
     * the tree {@code mutation} produced (no re-parse): the mutation must not keep and modify it.
     *
     * @param statusOnly true for the {@code /status} subresource (only status is taken from the mutation's result)
     */
    public CompletableFuture<StoredObject> update(ResourceType type, String namespace, String name, boolean statusOnly,
                                                  Mutation mutation) {
        return retryingLostRaces(type, name, () -> updateAttempt(type, namespace, name, statusOnly, mutation));
    }

    /**
     * Runs {@code attempt} until it has a result: an attempt that completes with null lost a compare-and-swap race
     * and is run again (it reads the latest object itself), up to {@link #MAX_RETRIES} attempts in all, after which
     * the write fails with 409 ("the object has been modified"). Failures end it at once, translated.
     */
    private static <T> CompletableFuture<T> retryingLostRaces(ResourceType type, String name,
                                                              Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> out = new CompletableFuture<>();
        retry(type, name, attempt, 0, out);
        return out;
    }

    private static <T> void retry(ResourceType type, String name, Supplier<CompletableFuture<T>> attempt, int done,
                                  CompletableFuture<T> out) {
        attempt.get().whenComplete((res, err) -> {
            if (err != null) {
                out.completeExceptionally(translate(err));
            } else if (res != null) {
                out.complete(res);
            } else if (done + 1 >= MAX_RETRIES) {
                out.completeExceptionally(ApiException.modified(type, name));
            } else {
                retry(type, name, attempt, done + 1, out);
            }
        });
    }

    /** One read-modify-write of an update; null when the write lost a race. */
    private CompletableFuture<StoredObject> updateAttempt(ResourceType type, String namespace, String name,
                                                          boolean statusOnly, Mutation mutation) {
        String key = type.key(namespace, name);
        return kv.get(key).thenCompose(cur -> {
            if (cur.isEmpty()) {
                throw ApiException.notFound(type, name);
            }
            StoredObject current = StoredObject.decode(cur.get());
            ObjectNode proposed = mutation.apply(current.copy());
            String wantRv = Meta.resourceVersion(proposed);
            boolean pinned = wantRv != null && !wantRv.isEmpty();
            if (pinned && !wantRv.equals(Long.toString(current.modRevision()))) {
                throw ApiException.modified(type, name);
            }
            ObjectNode next = merge(type, current.object(), proposed, statusOnly, namespace, name);
            if (next.equals(current.object())) {
                return CompletableFuture.completedFuture(current);
            }
            boolean finalize = Meta.deleting(next) && !Meta.hasFinalizers(next);
            CompletableFuture<WriteResult> write = finalize ? kv.delete(key, current.modRevision())
                    : kv.update(key, encode(next), current.modRevision());
            return write.thenApply(r -> {
                if (r.succeeded()) {
                    return finalize ? current.atRevision(r.revision()) : written(key, next, r.kv().modRevision());
                }
                if (pinned) {
                    throw ApiException.modified(type, name);
                }
                if (r.kv() == null) {
                    throw ApiException.notFound(type, name);
                }
                return null; // lost a race: retry
            });
        });
    }

    /** The object to store: the proposal with server-owned fields restored (kube's PrepareForUpdate). */
    private static ObjectNode merge(ResourceType type, ObjectNode current, ObjectNode proposed, boolean statusOnly,
                                    String namespace, String name) {
        ObjectNode next;
        if (statusOnly) {
            next = current.deepCopy();
            if (proposed.has("status")) {
                next.set("status", proposed.get("status"));
            } else {
                next.remove("status");
            }
        } else {
            next = proposed;
            if (type.hasStatus()) {
                if (current.has("status")) {
                    next.set("status", current.get("status"));
                } else {
                    next.remove("status");
                }
            }
        }
        ObjectNode meta = Meta.metadata(next);
        ObjectNode curMeta = (ObjectNode) current.get("metadata");
        String proposedName = Meta.name(next);
        if (proposedName != null && !proposedName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + proposedName + ") does not match the name on the URL (" + name + ")");
        }
        String proposedNs = Meta.namespace(next);
        if (type.namespaced() && proposedNs != null && !proposedNs.isEmpty() && !proposedNs.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta.put("name", name);
        if (type.namespaced()) {
            meta.put("namespace", namespace);
        }
        for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
            if (curMeta.has(f)) {
                meta.set(f, curMeta.get(f));
            } else {
                meta.remove(f);
            }
        }
        meta.remove("resourceVersion");
        meta.remove("selfLink");
        meta.remove("generateName");
        if (curMeta.has("generateName")) {
            meta.set("generateName", curMeta.get("generateName"));
        }
        if (Meta.deleting(current)) {
            // no new finalizers once deletion has started
            ArrayNode fin = meta.get("finalizers") instanceof ArrayNode a ? a : null;
            if (fin != null) {
                List<String> before = new ArrayList<>();
                curMeta.path("finalizers").forEach(f -> before.add(f.asText()));
                for (JsonNode f : fin) {
                    if (!before.contains(f.asText())) {
                        throw ApiException.invalid(type, name, List.of(ApiException.Cause.forbidden("metadata.finalizers",
                                "no new finalizers can be added if the object is being deleted, found new finalizers [\"" + f.asText() + "\"]")));
                    }
                }
            }
        }
        if (!statusOnly) {
            Defaults.apply(type, next);
        }
        Validation.validate(type, next);
        if (type.bumpsGeneration() && !statusOnly && specChanged(current, next)) {
            meta.put("generation", curMeta.path("generation").asLong(0) + 1);
        }
        ObjectNode cmp = current.deepCopy();
        Meta.metadata(cmp).remove("resourceVersion");
        if (next.equals(cmp)) {
            return current;
        }
        return next;
    }

    /** Anything outside metadata and status changed (the rule of the generation counter). */
    private static boolean specChanged(ObjectNode a, ObjectNode b) {
        ObjectNode x = a.deepCopy();
        ObjectNode y = b.deepCopy();
        for (ObjectNode o : List.of(x, y)) {
            o.remove("metadata");
            o.remove("status");
        }
        return !x.equals(y);
    }

    /** DeleteOptions the store acts on. */
    public record DeleteOptions(String preconditionUid, String preconditionResourceVersion, String propagationPolicy) {
        public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null);
    }

    /**
     * Deletes an object: checks the preconditions (409 on mismatch); an object with finalizers (including those a
     * propagation policy adds: {@code orphan}, {@code foregroundDeletion}) gets a deletionTimestamp and stays until
     * they are removed; a namespace moves to Terminating and its contents are deleted. Completes with the object's
     * last state (with deletionTimestamp when it is not gone yet) and whether it is gone.
     */
    public CompletableFuture<Deleted> delete(ResourceType type, String namespace, String name, DeleteOptions opts) {
        return retryingLostRaces(type, name, () -> deleteAttempt(type, namespace, name, opts));
    }

    /** The outcome of a delete request. */
    public record Deleted(StoredObject object, boolean gone) {
    }

    /** One read-modify-write of a delete; null when the write lost a race. */
    private CompletableFuture<Deleted> deleteAttempt(ResourceType type, String namespace, String name,
                                                     DeleteOptions opts) {
        String key = type.key(namespace, name);
        return kv.get(key).thenCompose(cur -> {
            if (cur.isEmpty()) {
                throw ApiException.notFound(type, name);
            }
            StoredObject current = StoredObject.decode(cur.get());
            String uid = Meta.uid(current.object());
            if (opts.preconditionUid() != null && !opts.preconditionUid().equals(uid)) {
                throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
                        + opts.preconditionUid() + ", UID in object meta: " + uid);
            }
            if (opts.preconditionResourceVersion() != null
                    && !opts.preconditionResourceVersion().equals(Long.toString(current.modRevision()))) {
                throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                        + opts.preconditionResourceVersion() + ", ResourceVersion in object meta: " + current.modRevision());
            }
            ObjectNode next = current.copy();
            ObjectNode meta = Meta.metadata(next);
            meta.remove("resourceVersion");
            String policy = opts.propagationPolicy();
            if (policy != null && !List.of("Orphan", "Background", "Foreground").contains(policy)) {
                throw ApiException.invalid(type, name, List.of(ApiException.Cause.notSupported("propagationPolicy",
                        policy, List.of("Foreground", "Background", "Orphan"))));
            }
            if ("Foreground".equals(policy) || "Orphan".equals(policy)) {
                String f = "Foreground".equals(policy) ? "foregroundDeletion" : "orphan";
                ArrayNode fin = meta.get("finalizers") instanceof ArrayNode a ? a : meta.putArray("finalizers");
                boolean present = false;
                for (JsonNode x : fin) {
                    present |= x.asText().equals(f);
                }
                if (!present) {
                    fin.add(f);
                }
            }
            boolean namespace0 = type == ResourceTypes.NAMESPACES;
            if (namespace0) {
                next.withObject("/status").put("phase", "Terminating");
            }
            boolean keep = Meta.hasFinalizers(next) || (namespace0 && next.path("spec").path("finalizers").size() > 0);
            if (!keep) {
                return kv.delete(key, current.modRevision()).thenApply(r -> {
                    if (r.succeeded()) {
                        return new Deleted(current.atRevision(r.revision()), true);
                    }
                    if (r.kv() == null) {
                        throw ApiException.notFound(type, name);
                    }
                    return null;
                });
            }
            if (!meta.hasNonNull("deletionTimestamp")) {
                meta.put("deletionTimestamp", Meta.timestamp(clock.instant()));
                meta.put("deletionGracePeriodSeconds", 0);
            }
            if (next.equals(withoutRv(current.object()))) {
                return CompletableFuture.completedFuture(new Deleted(current, false));
            }
            return kv.update(key, encode(next), current.modRevision()).thenApply(r -> {
                if (r.succeeded()) {
                    return new Deleted(StoredObject.decode(r.kv()), false);
                }
                if (r.kv() == null) {
                    throw ApiException.notFound(type, name);
                }
                return null;
            });
        });
    }

    private static ObjectNode withoutRv(ObjectNode o) {
        ObjectNode c = o.deepCopy();
        Meta.metadata(c).remove("resourceVersion");
        return c;
    }

    /**
     * The namespace lifecycle step kube's namespace controller does: deletes every namespaced object in a
     * Terminating namespace (objects with finalizers get a deletionTimestamp and are waited for by a later run),
     * then removes the namespace's {@code kubernetes} finalizer, which deletes it. Idempotent; safe to run from
     * several API servers at once.
     */
    public CompletableFuture<Boolean> finalizeNamespace(String namespace) {
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (ResourceType t : ResourceTypes.ALL) {
            if (!t.namespaced()) {
                continue;
            }
            deletions.add(list(t, namespace, 0, 0, null, o -> true, false).thenCompose(l -> {
                List<CompletableFuture<Deleted>> ds = new ArrayList<>();
                for (StoredObject o : l.items()) {
                    ds.add(delete(t, namespace, Meta.name(o.object()), DeleteOptions.DEFAULT)
                            .exceptionally(e -> null));
                }
                return CompletableFuture.allOf(ds.toArray(CompletableFuture[]::new));
            }));
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<CompletableFuture<ListResult>> remaining = new ArrayList<>();
            for (ResourceType t : ResourceTypes.ALL) {
                if (t.namespaced()) {
                    remaining.add(list(t, namespace, 0, 1, null, o -> true, false));
                }
            }
            return CompletableFuture.allOf(remaining.toArray(CompletableFuture[]::new)).thenApply(x ->
                    remaining.stream().allMatch(f -> f.join().items().isEmpty()));
        }).thenCompose(empty -> {
            if (!empty) {
                return CompletableFuture.completedFuture(false);
            }
            return update(ResourceTypes.NAMESPACES, null, namespace, false, cur -> {
                if (cur.get("spec") instanceof ObjectNode spec) {
                    spec.remove("finalizers");
                }
                return cur;
            }).handle((o, e) -> {
                if (e == null || (translate(e) instanceof ApiException ae && ae.code() == 404)) {
                    return true;
                }
                throw new CompletionException(translate(e));
            }).thenCompose(done -> deleteEmptyNamespace(namespace));
        });
    }

    private CompletableFuture<Boolean> deleteEmptyNamespace(String namespace) {
        return find(ResourceTypes.NAMESPACES, null, namespace).thenCompose(o -> {
            if (o.isEmpty()) {
                return CompletableFuture.completedFuture(true);
            }
            ObjectNode ns = o.get().object();
            if (Meta.deleting(ns) && ns.path("spec").path("finalizers").isEmpty() && !Meta.hasFinalizers(ns)) {
                return translated(kv.delete(ResourceTypes.NAMESPACES.key(null, namespace), o.get().modRevision()))
                        .thenApply(WriteResult::succeeded);
            }
            return CompletableFuture.completedFuture(false);
        });
    }

    /** Creates the namespaces every cluster has (default, kube-system, kube-public, kube-node-lease) if missing. */
    public CompletableFuture<Void> ensureSystemNamespaces() {
        List<CompletableFuture<?>> fs = new ArrayList<>();
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            ObjectNode o = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
            o.putObject("metadata").put("name", ns);
            fs.add(create(ResourceTypes.NAMESPACES, null, o).handle((x, e) -> null));
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Applies {@code f} to the object's copy; for handlers that compute a new object from the stored one. */
    public static Function<ObjectNode, ObjectNode> identity() {
        return o -> o;
    }
}
