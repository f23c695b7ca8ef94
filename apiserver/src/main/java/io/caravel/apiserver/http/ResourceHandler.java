package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.FieldSelector;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.LabelSelector;
import io.caravel.apiserver.resource.Meta;
import io.caravel.apiserver.resource.Patches;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.ResourceTypes;
import io.caravel.apiserver.resource.Tables;
import io.caravel.apiserver.storage.KvException;
import io.caravel.apiserver.storage.ListResult;
import io.caravel.apiserver.storage.ObjectStore;
import io.caravel.apiserver.storage.StoredObject;
import io.caravel.apiserver.storage.WatchCache;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * The REST handler of every resource path ({@code /api/v1/...}, {@code /apis/<group>/<version>/...}): get, list,
 * watch, create, update, patch, delete and deletecollection, and the status, scale and binding subresources.
 * Runs on the event loop; store work is asynchronous and results are rendered off the loop.
 */
final class ResourceHandler implements Handler<RoutingContext> {
    private final ObjectStore store;
    private final Map<ResourceType, WatchCache> caches;
    private final ApiServerOptions options;
    private final Shutdown shutdown;

    ResourceHandler(ObjectStore store, Map<ResourceType, WatchCache> caches, ApiServerOptions options, Shutdown shutdown) {
        this.store = store;
        this.caches = caches;
        this.options = options;
        this.shutdown = shutdown;
    }

    /** A parsed resource path. */
    record Target(ResourceType type, String namespace, String name, String sub) {
    }

    /** Parses {@code path}; null when it names no served resource. */
    static Target parse(String path) {
        List<String> seg = new ArrayList<>(Arrays.asList(path.split("/")));
        seg.removeIf(String::isEmpty);
        String group;
        String version;
        List<String> rest;
        if (seg.size() >= 3 && seg.get(0).equals("api")) {
            group = "";
            version = seg.get(1);
            rest = seg.subList(2, seg.size());
        } else if (seg.size() >= 4 && seg.get(0).equals("apis")) {
            group = seg.get(1);
            version = seg.get(2);
            rest = seg.subList(3, seg.size());
        } else {
            return null;
        }
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            ResourceType t = ResourceTypes.find(group, version, rest.get(2)).orElse(null);
            if (t != null && t.namespaced()) {
                namespace = rest.get(1);
                rest = rest.subList(2, rest.size());
            }
        }
        ResourceType type = ResourceTypes.find(group, version, rest.get(0)).orElse(null);
        if (type == null || rest.size() > 3) {
            return null;
        }
        String name = rest.size() >= 2 ? rest.get(1) : null;
        String sub = rest.size() == 3 ? rest.get(2) : null;
        if (type.namespaced() && namespace == null && name != null) {
            return null;
        }
        return new Target(type, namespace, name, sub);
    }

    @Override
    public void handle(RoutingContext rc) {
        try {
            Target t = parse(rc.normalizedPath());
            if (t == null) {
                throw new ApiException(404, "NotFound", "the server could not find the requested resource", null);
            }
            if (t.sub() != null && !t.type().subresources().contains(t.sub())) {
                throw new ApiException(404, "NotFound", "the server could not find the requested resource", null);
            }
            HttpMethod m = rc.request().method();
            if (m == HttpMethod.GET) {
                if (t.name() == null) {
                    if (isWatch(rc.request().params())) {
                        WatchHandler.watch(rc, t, caches.get(t.type()), options, shutdown);
                    } else {
                        list(rc, t);
                    }
                } else {
                    get(rc, t);
                }
            } else if (m == HttpMethod.POST) {
                if (t.name() == null) {
                    create(rc, t);
                } else if ("binding".equals(t.sub())) {
                    binding(rc, t);
                } else {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
            } else if (m == HttpMethod.PUT && t.name() != null) {
                update(rc, t);
            } else if (m == HttpMethod.PATCH && t.name() != null) {
                patch(rc, t);
            } else if (m == HttpMethod.DELETE) {
                if (t.name() == null) {
                    deleteCollection(rc, t);
                } else if (t.sub() == null) {
                    delete(rc, t);
                } else {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
            } else {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
        } catch (RuntimeException e) {
            Http.fail(rc, e);
        }
    }

    static boolean isWatch(MultiMap params) {
        String w = params.get("watch");
        return w != null && (w.equals("true") || w.equals("1"));
    }

    // ------------------------------------------------------------------ reads

    private void get(RoutingContext rc, Target t) {
        Http.Accept accept = Http.Accept.of(rc.request().getHeader("Accept"));
        String includeObject = rc.request().getParam("includeObject");
        Http.reply(rc, store.get(t.type(), t.namespace(), t.name()), o -> {
            if ("scale".equals(t.sub())) {
                return Http.json(200, scaleOf(t.type(), o.object()), accept.yaml());
            }
            if (accept.table() && t.sub() == null) {
                return Http.json(200, table(t.type(), List.of(o), Long.toString(o.modRevision()), null, includeObject), false);
            }
            return Http.json(200, o.object(), accept.yaml());
        });
    }

    private ObjectNode table(ResourceType type, List<StoredObject> items, String rv, String cont, String includeObject) {
        ObjectNode table = Json.object().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = table.putObject("metadata");
        if (rv != null) {
            meta.put("resourceVersion", rv);
        }
        if (cont != null) {
            meta.put("continue", cont);
        }
        table.set("columnDefinitions", Tables.columnDefinitions(type));
        ArrayNode rows = table.putArray("rows");
        Instant now = options.clock().instant();
        for (StoredObject o : items) {
            rows.add(Tables.row(type, o.object(), now, includeObject));
        }
        return table;
    }

    /** The label, field and namespace filter of a list or watch request. */
    static Predicate<StoredObject> filter(ResourceType type, MultiMap params) {
        LabelSelector labels = LabelSelector.parse(params.get("labelSelector"));
        FieldSelector fields = FieldSelector.parse(params.get("fieldSelector"), type);
        if (labels.isEverything() && fields.isEverything()) {
            return o -> true;
        }
        return o -> labels.matches(o.object()) && fields.matches(o.object());
    }

    static boolean selective(MultiMap params) {
        return notBlank(params.get("labelSelector")) || notBlank(params.get("fieldSelector"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    static long parseRv(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("resourceVersion: Invalid value: \"" + rv + "\": must be a non-negative integer");
        }
    }

    private void list(RoutingContext rc, Target t) {
        MultiMap p = rc.request().params();
        Http.Accept accept = Http.Accept.of(rc.request().getHeader("Accept"));
        Predicate<StoredObject> filter = filter(t.type(), p);
        boolean selective = selective(p);
        String rv = p.get("resourceVersion");
        String match = p.get("resourceVersionMatch");
        String cont = p.get("continue");
        int limit = 0;
        if (notBlank(p.get("limit"))) {
            try {
                limit = Math.max(0, Integer.parseInt(p.get("limit")));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("limit: Invalid value: \"" + p.get("limit") + "\": must be an integer");
            }
        }
        if (match != null && !match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
            throw ApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + match
                    + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (notBlank(match) && !notBlank(rv)) {
            throw ApiException.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        CompletableFuture<ListResult> result;
        if (notBlank(cont)) {
            if (notBlank(rv) && !rv.equals("0")) {
                throw ApiException.badRequest("specifying resource version is not allowed when using continue");
            }
            ObjectStore.Continue c = ObjectStore.parseContinue(t.type(), cont);
            result = store.list(t.type(), t.namespace(), c.revision(), limit, c.startKey(), filter, selective)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(continueExpired(e)));
        } else if ("0".equals(rv) && !"Exact".equals(match)) {
            WatchCache cache = caches.get(t.type());
            result = cache.snapshot(t.type().keyPrefix(t.namespace())).thenApply(s ->
                    new ListResult(s.items().stream().filter(filter).toList(), s.revision(), null, null));
        } else if (!notBlank(rv)) {
            result = store.list(t.type(), t.namespace(), 0, limit, null, filter, selective);
        } else {
            long n = parseRv(rv);
            boolean exact = "Exact".equals(match) || (limit > 0 && !notBlank(match));
            if (exact) {
                result = store.list(t.type(), t.namespace(), n, limit, null, filter, selective)
                        .exceptionallyCompose(e -> CompletableFuture.failedFuture(tooLarge(e, n)));
            } else {
                result = store.list(t.type(), t.namespace(), 0, limit, null, filter, selective).thenApply(l -> {
                    if (l.resourceVersion() < n) {
                        throw ApiException.resourceVersionTooLarge(n, l.resourceVersion());
                    }
                    return l;
                });
            }
        }
        String includeObject = p.get("includeObject");
        Http.reply(rc, result, l -> {
            String rvs = Long.toString(l.resourceVersion());
            if (accept.table()) {
                return Http.json(200, table(t.type(), l.items(), rvs, l.continueToken(), includeObject), false);
            }
            if (accept.yaml()) {
                ObjectNode list = Json.object().put("apiVersion", t.type().apiVersion()).put("kind", t.type().listKind());
                ObjectNode meta = list.putObject("metadata").put("resourceVersion", rvs);
                if (l.continueToken() != null) {
                    meta.put("continue", l.continueToken());
                }
                ArrayNode items = list.putArray("items");
                l.items().forEach(o -> items.add(o.object()));
                return Http.json(200, list, true);
            }
            return new Http.Rendered(200, "application/json", listJson(t.type(), l));
        });
    }

    /** A list response built from the items' cached JSON, without re-encoding each object. */
    static Buffer listJson(ResourceType type, ListResult l) {
        ObjectNode meta = Json.object().put("resourceVersion", Long.toString(l.resourceVersion()));
        if (l.continueToken() != null) {
            meta.put("continue", l.continueToken());
        }
        if (l.remaining() != null && l.remaining() > 0) {
            meta.put("remainingItemCount", l.remaining());
        }
        Buffer b = Buffer.buffer(64 + l.items().size() * 512);
        b.appendString("{\"kind\":\"" + type.listKind() + "\",\"apiVersion\":\"" + type.apiVersion() + "\",\"metadata\":");
        b.appendBytes(Json.bytes(meta));
        b.appendString(",\"items\":[");
        boolean first = true;
        for (StoredObject o : l.items()) {
            if (!first) {
                b.appendByte((byte) ',');
            }
            b.appendBytes(o.json());
            first = false;
        }
        b.appendString("]}");
        return b;
    }

    private static Throwable continueExpired(Throwable e) {
        Throwable c = unwrap(e);
        if (c instanceof ApiException ae && ae.code() == 410) {
            return ApiException.expired("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter, or use the continue token in this response "
                    + "to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - "
                    + "objects that were created, modified, or deleted between the time the first chunk was returned and now "
                    + "may show up in the list.");
        }
        return c;
    }

    private static Throwable tooLarge(Throwable e, long n) {
        Throwable c = unwrap(e);
        if (c instanceof ApiException ae && ae.code() == 500 && String.valueOf(ae.getMessage()).contains("future revision")) {
            return ApiException.resourceVersionTooLarge(n, 0);
        }
        if (c instanceof KvException.FutureRevision) {
            return ApiException.resourceVersionTooLarge(n, 0);
        }
        return c;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    // ------------------------------------------------------------------ writes

    static boolean isYaml(RoutingContext rc) {
        String ct = rc.request().getHeader("Content-Type");
        if (ct == null) {
            return false;
        }
        String media = ct.split(";")[0].trim().toLowerCase();
        if (media.equals("application/yaml") || media.equals("application/apply-patch+yaml")) {
            return true;
        }
        if (media.equals("application/json") || media.endsWith("+json") || media.equals("*/*") || media.isEmpty()) {
            return false;
        }
        throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                + "application/json, application/yaml");
    }

    private byte[] body(RoutingContext rc) {
        Buffer b = rc.body() == null ? null : rc.body().buffer();
        return b == null ? new byte[0] : b.getBytes();
    }

    /** Checks apiVersion/kind of a body against the endpoint, filling them when absent. */
    private static void checkKind(ResourceType type, ObjectNode obj) {
        String apiVersion = Json.text(obj, "apiVersion");
        String kind = Json.text(obj, "kind");
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + type.apiVersion() + ")");
        }
        if (kind != null && !kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiException.badRequest(type.qualifiedResource() + " in version \"" + type.version()
                    + "\" cannot be handled as a " + type.kind() + ": the kind in the data (" + kind
                    + ") does not match the expected kind (" + type.kind() + ")");
        }
        obj.put("apiVersion", type.apiVersion());
        obj.put("kind", type.kind());
        if (obj.has("metadata") && !obj.get("metadata").isObject() && !obj.get("metadata").isNull()) {
            throw ApiException.badRequest(type.qualifiedResource() + " in version \"" + type.version()
                    + "\" cannot be handled as a " + type.kind() + ": metadata must be an object");
        }
        // apiVersion and kind first, as kube writes them
        ObjectNode ordered = Json.object().put("apiVersion", type.apiVersion()).put("kind", type.kind());
        obj.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                ordered.set(e.getKey(), e.getValue());
            }
        });
        obj.removeAll();
        obj.setAll(ordered);
    }

    private void checkDryRun(RoutingContext rc) {
        String dry = rc.request().getParam("dryRun");
        if (dry != null && !dry.isEmpty()) {
            throw ApiException.badRequest("dryRun is not supported by this server");
        }
    }

    private void create(RoutingContext rc, Target t) {
        checkDryRun(rc);
        ObjectNode obj = Json.parseObject(body(rc), isYaml(rc));
        checkKind(t.type(), obj);
        String ns = t.namespace();
        String bodyNs = Meta.namespace(obj);
        if (t.type().namespaced()) {
            if (ns == null) {
                throw ApiException.methodNotAllowed("create of a namespaced resource needs a namespace in the path");
            }
            if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(ns)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
        boolean yaml = Http.Accept.of(rc.request().getHeader("Accept")).yaml();
        Http.reply(rc, store.create(t.type(), ns, obj), o -> Http.json(201, o.object(), yaml));
    }

    private void update(RoutingContext rc, Target t) {
        checkDryRun(rc);
        ObjectNode body = Json.parseObject(body(rc), isYaml(rc));
        boolean yaml = Http.Accept.of(rc.request().getHeader("Accept")).yaml();
        if ("scale".equals(t.sub())) {
            Http.reply(rc, updateScale(t, cur -> body), o -> Http.json(200, scaleOf(t.type(), o.object()), yaml));
            return;
        }
        checkKind(t.type(), body);
        boolean status = "status".equals(t.sub());
        Http.reply(rc, store.update(t.type(), t.namespace(), t.name(), status, cur -> body),
                o -> Http.json(200, o.object(), yaml));
    }

    private void patch(RoutingContext rc, Target t) {
        checkDryRun(rc);
        String ct = rc.request().getHeader("Content-Type");
        String media = ct == null ? "" : ct.split(";")[0].trim().toLowerCase();
        if (media.equals("application/apply-patch+yaml")) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types "
                    + "include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json "
                    + "(server-side apply is not supported)");
        }
        if (!media.equals("application/merge-patch+json") && !media.equals("application/json-patch+json")
                && !media.equals("application/strategic-merge-patch+json")) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types "
                    + "include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
        }
        JsonNode patch = Json.parseBody(body(rc), false);
        boolean yaml = Http.Accept.of(rc.request().getHeader("Accept")).yaml();
        if ("scale".equals(t.sub())) {
            Http.reply(rc, updateScale(t, scale -> (ObjectNode) apply(media, ResourceTypes.DEPLOYMENTS, scale, patch)),
                    o -> Http.json(200, scaleOf(t.type(), o.object()), yaml));
            return;
        }
        boolean status = "status".equals(t.sub());
        Http.reply(rc, store.update(t.type(), t.namespace(), t.name(), status, cur -> {
            String rv = Meta.resourceVersion(cur);
            JsonNode patched = apply(media, t.type(), cur, patch);
            if (!(patched instanceof ObjectNode po)) {
                throw ApiException.badRequest("the patch did not produce an object");
            }
            checkKind(t.type(), po);
            // a patch that does not name a resourceVersion applies to the latest object (retried on races)
            if (rv != null && rv.equals(Meta.resourceVersion(po))) {
                Meta.metadata(po).remove("resourceVersion");
            }
            return po;
        }), o -> Http.json(200, o.object(), yaml));
    }

    private static JsonNode apply(String media, ResourceType type, ObjectNode target, JsonNode patch) {
        return switch (media) {
            case "application/merge-patch+json" -> {
                if (!patch.isObject()) {
                    throw ApiException.badRequest("merge patch must be a JSON object");
                }
                yield Patches.mergePatch(target, patch);
            }
            case "application/json-patch+json" -> Patches.jsonPatch(target, patch);
            default -> Patches.strategicMergePatch(type, target, patch);
        };
    }

    // ------------------------------------------------------------------ scale

    /** The {@code autoscaling/v1 Scale} view of a Deployment or ReplicaSet. */
    static ObjectNode scaleOf(ResourceType type, ObjectNode o) {
        ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode m = s.putObject("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (o.path("metadata").has(f)) {
                m.set(f, o.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", o.path("spec").path("replicas").asInt(1));
        ObjectNode st = s.putObject("status").put("replicas", o.path("status").path("replicas").asInt(0));
        String sel = LabelSelector.fromStructured(o.path("spec").get("selector")).toString();
        st.put("selector", sel);
        return s;
    }

    private CompletableFuture<StoredObject> updateScale(Target t, java.util.function.UnaryOperator<ObjectNode> change) {
        return store.update(t.type(), t.namespace(), t.name(), false, cur -> {
            ObjectNode scale = scaleOf(t.type(), cur);
            ObjectNode wanted = change.apply(scale.deepCopy());
            JsonNode replicas = wanted.path("spec").get("replicas");
            if (replicas == null || !replicas.isIntegralNumber() || replicas.asLong() < 0) {
                throw ApiException.invalid(t.type(), t.name(), List.of(ApiException.Cause.invalid("spec.replicas",
                        replicas == null ? "" : replicas, "must be greater than or equal to 0")));
            }
            String rv = Meta.resourceVersion(wanted);
            ((ObjectNode) cur.get("spec")).put("replicas", replicas.asInt());
            if (rv == null || rv.isEmpty() || rv.equals(Meta.resourceVersion(scale))) {
                Meta.metadata(cur).remove("resourceVersion");
            } else {
                Meta.metadata(cur).put("resourceVersion", rv);
            }
            return cur;
        });
    }

    // ------------------------------------------------------------------ binding

    private void binding(RoutingContext rc, Target t) {
        ObjectNode b = Json.parseObject(body(rc), isYaml(rc));
        String node = Json.text(b, "target.name");
        if (node == null || node.isEmpty()) {
            throw ApiException.invalid(ResourceTypes.PODS, t.name(), List.of(ApiException.Cause.required("target.name")));
        }
        String wantUid = Json.text(b, "metadata.uid");
        CompletableFuture<StoredObject> f = store.update(ResourceTypes.PODS, t.namespace(), t.name(), false, cur -> {
            if (wantUid != null && !wantUid.isEmpty() && !wantUid.equals(Meta.uid(cur))) {
                throw ApiException.conflict(ResourceTypes.PODS, t.name(), "Precondition failed: UID in precondition: "
                        + wantUid + ", UID in object meta: " + Meta.uid(cur));
            }
            if (Meta.deleting(cur)) {
                throw ApiException.conflict(ResourceTypes.PODS, t.name(), "pod " + t.name() + " is being deleted, cannot be assigned to a host");
            }
            String current = Json.text(cur, "spec.nodeName");
            if (current != null && !current.isEmpty()) {
                throw ApiException.conflict(ResourceTypes.PODS, t.name(), "pod " + t.name() + " is already assigned to node \"" + current + "\"");
            }
            ((ObjectNode) cur.get("spec")).put("nodeName", node);
            JsonNode ann = Json.at(b, "metadata.annotations");
            if (ann != null && ann.isObject()) {
                Meta.metadata(cur).withObject("/annotations").setAll((ObjectNode) ann);
            }
            Meta.metadata(cur).remove("resourceVersion");
            return cur;
        }).thenCompose(o -> store.update(ResourceTypes.PODS, t.namespace(), t.name(), true, cur -> {
            ObjectNode st = cur.withObject("/status");
            ArrayNode conds = st.get("conditions") instanceof ArrayNode a ? a : st.putArray("conditions");
            for (int i = conds.size() - 1; i >= 0; i--) {
                if ("PodScheduled".equals(conds.get(i).path("type").asText())) {
                    conds.remove(i);
                }
            }
            conds.addObject().put("type", "PodScheduled").put("status", "True")
                    .put("lastTransitionTime", Meta.timestamp(options.clock().instant()));
            Meta.metadata(cur).remove("resourceVersion");
            return cur;
        }));
        Http.reply(rc, f, o -> {
            ObjectNode s = Json.object().put("kind", "Status").put("apiVersion", "v1");
            s.putObject("metadata");
            s.put("status", "Success").put("code", 201);
            return Http.json(201, s, false);
        });
    }

    // ------------------------------------------------------------------ delete

    private ObjectStore.DeleteOptions deleteOptions(RoutingContext rc) {
        byte[] body = body(rc);
        String policy = rc.request().getParam("propagationPolicy");
        String uid = null;
        String rv = null;
        if (body.length > 0) {
            ObjectNode opts = Json.parseObject(body, isYaml(rc));
            if (opts.hasNonNull("propagationPolicy")) {
                policy = opts.get("propagationPolicy").asText();
            }
            if (opts.path("orphanDependents").isBoolean() && policy == null) {
                policy = opts.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
            }
            uid = Json.text(opts, "preconditions.uid");
            rv = Json.text(opts, "preconditions.resourceVersion");
            if (opts.path("dryRun").isArray() && !opts.path("dryRun").isEmpty()) {
                throw ApiException.badRequest("dryRun is not supported by this server");
            }
        }
        return new ObjectStore.DeleteOptions(uid, rv, policy);
    }

    private void delete(RoutingContext rc, Target t) {
        checkDryRun(rc);
        ObjectStore.DeleteOptions opts = deleteOptions(rc);
        boolean yaml = Http.Accept.of(rc.request().getHeader("Accept")).yaml();
        CompletableFuture<ObjectStore.Deleted> f = store.delete(t.type(), t.namespace(), t.name(), opts);
        if (t.type() == ResourceTypes.NAMESPACES) {
            f = f.thenApply(d -> {
                if (!d.gone()) {
                    store.finalizeNamespace(t.name());
                }
                return d;
            });
        }
        Http.reply(rc, f, d -> Http.json(200, d.object().object(), yaml));
    }

    private void deleteCollection(RoutingContext rc, Target t) {
        checkDryRun(rc);
        ObjectStore.DeleteOptions opts = deleteOptions(rc);
        Predicate<StoredObject> filter = filter(t.type(), rc.request().params());
        CompletableFuture<ListResult> f = store.list(t.type(), t.namespace(), 0, 0, null, filter, true).thenCompose(l -> {
            List<CompletableFuture<ObjectStore.Deleted>> ds = new ArrayList<>();
            for (StoredObject o : l.items()) {
                ds.add(store.delete(t.type(), Meta.namespace(o.object()), Meta.name(o.object()), opts)
                        .exceptionally(e -> null));
            }
            return CompletableFuture.allOf(ds.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<StoredObject> out = new ArrayList<>();
                for (CompletableFuture<ObjectStore.Deleted> d : ds) {
                    ObjectStore.Deleted x = d.join();
                    if (x != null) {
                        out.add(x.object());
                    }
                }
                return new ListResult(out, l.resourceVersion(), null, null);
            });
        });
        Http.reply(rc, f, l -> new Http.Rendered(200, "application/json", listJson(t.type(), l)));
    }
}
