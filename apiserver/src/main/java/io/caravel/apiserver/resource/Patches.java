package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three PATCH formats kube-apiserver accepts for built-in kinds: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902) and strategic merge patch (merge keys and patch strategies of the built-in types, with the
 * {@code $patch}, {@code $setElementOrder}, {@code $deleteFromPrimitiveList} and {@code $retainKeys} directives
 * that {@code kubectl apply} and {@code kubectl edit} send). Pure functions: the inputs are not modified.
 */
public final class Patches {
    private Patches() {
    }

    // ---------------------------------------------------------------- JSON merge patch (RFC 7386)

    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- JSON patch (RFC 6902)

    public static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw ApiException.badRequest("json patch must be a JSON array of operations");
        }
        JsonNode doc = target.deepCopy();
        int i = 0;
        for (JsonNode op : patch) {
            String o = op.path("op").asText();
            String path = op.path("path").asText(null);
            if (path == null) {
                throw ApiException.badRequest("json patch operation " + i + " has no path");
            }
            switch (o) {
                case "add" -> doc = add(doc, path, value(op, i));
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = remove(doc, path);
                    doc = add(doc, path, value(op, i));
                }
                case "move" -> {
                    String from = op.path("from").asText();
                    JsonNode v = get(doc, from);
                    doc = remove(doc, from);
                    doc = add(doc, path, v);
                }
                case "copy" -> doc = add(doc, path, get(doc, op.path("from").asText()).deepCopy());
                case "test" -> {
                    if (!get(doc, path).equals(value(op, i))) {
                        throw ApiException.unprocessable("the test operation at " + path + " failed: the value differs");
                    }
                }
                default -> throw ApiException.badRequest("json patch: unsupported operation \"" + o + "\"");
            }
            i++;
        }
        return doc;
    }

    private static JsonNode value(JsonNode op, int i) {
        if (!op.has("value")) {
            throw ApiException.badRequest("json patch operation " + i + " (" + op.path("op").asText() + ") has no value");
        }
        return op.get("value").deepCopy();
    }

    private static List<String> pointer(String path) {
        if (path.isEmpty()) {
            return List.of();
        }
        if (!path.startsWith("/")) {
            throw ApiException.badRequest("json patch: invalid path \"" + path + "\"");
        }
        List<String> parts = new ArrayList<>();
        for (String p : path.substring(1).split("/", -1)) {
            parts.add(p.replace("~1", "/").replace("~0", "~"));
        }
        return parts;
    }

    private static JsonNode get(JsonNode doc, String path) {
        JsonNode n = doc;
        for (String p : pointer(path)) {
            if (n.isObject() && n.has(p)) {
                n = n.get(p);
            } else if (n.isArray() && index(p, n.size(), false) >= 0) {
                n = n.get(index(p, n.size(), false));
            } else {
                throw ApiException.unprocessable("json patch: path " + path + " does not exist");
            }
        }
        return n;
    }

    private static int index(String p, int size, boolean forAdd) {
        if (forAdd && p.equals("-")) {
            return size;
        }
        try {
            int i = Integer.parseInt(p);
            return i >= 0 && (forAdd ? i <= size : i < size) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static JsonNode add(JsonNode doc, String path, JsonNode value) {
        List<String> parts = pointer(path);
        if (parts.isEmpty()) {
            return value;
        }
        JsonNode parent = get(doc, toPointer(parts.subList(0, parts.size() - 1)));
        String last = parts.get(parts.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            int i = index(last, a.size(), true);
            if (i < 0) {
                throw ApiException.unprocessable("json patch: index " + last + " out of range at " + path);
            }
            a.insert(i, value);
        } else {
            throw ApiException.unprocessable("json patch: cannot add to a scalar at " + path);
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String path) {
        List<String> parts = pointer(path);
        if (parts.isEmpty()) {
            throw ApiException.unprocessable("json patch: cannot remove the whole document");
        }
        JsonNode parent = get(doc, toPointer(parts.subList(0, parts.size() - 1)));
        String last = parts.get(parts.size() - 1);
        if (parent instanceof ObjectNode o && o.has(last)) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a && index(last, a.size(), false) >= 0) {
            a.remove(index(last, a.size(), false));
        } else {
            throw ApiException.unprocessable("json patch: path " + path + " does not exist");
        }
        return doc;
    }

    private static String toPointer(List<String> parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append('/').append(p.replace("~", "~0").replace("/", "~1"));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- strategic merge patch

    /** Merge keys of the built-in types' lists, by field name (and, for ports, by where they are). */
    private static final Map<String, String> MERGE_KEYS = new HashMap<>();
    /** Lists of scalars merged as sets ({@code patchStrategy:"merge"}). */
    private static final Set<String> MERGED_SCALAR_LISTS = Set.of("finalizers");

    static {
        for (String f : List.of("containers", "initContainers", "ephemeralContainers", "env", "volumes",
                "imagePullSecrets", "resourceClaims", "schedulingGates")) {
            MERGE_KEYS.put(f, "name");
        }
        MERGE_KEYS.put("volumeMounts", "mountPath");
        MERGE_KEYS.put("volumeDevices", "devicePath");
        MERGE_KEYS.put("hostAliases", "ip");
        MERGE_KEYS.put("conditions", "type");
        MERGE_KEYS.put("addresses", "type");
        MERGE_KEYS.put("ownerReferences", "uid");
        MERGE_KEYS.put("topologySpreadConstraints", "topologyKey");
        MERGE_KEYS.put("ports", "containerPort");
    }

    private static String mergeKey(ResourceType type, List<String> path, String field) {
        if (field.equals("ports")) {
            if (type == ResourceTypes.SERVICES && path.equals(List.of("spec"))) {
                return "port";
            }
            if (type == ResourceTypes.ENDPOINTS) {
                return null;
            }
            return path.contains("containers") || path.contains("initContainers") || path.contains("ephemeralContainers")
                    ? "containerPort" : null;
        }
        if (field.equals("addresses")) {
            // node status addresses merge by type; endpoint subsets' addresses are replaced
            return type == ResourceTypes.NODES ? "type" : null;
        }
        return MERGE_KEYS.get(field);
    }

    /** Applies a strategic merge patch to an object of {@code type}. */
    public static JsonNode strategicMergePatch(ResourceType type, JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.badRequest("strategic merge patch must be a JSON object");
        }
        ObjectNode t = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
        return mergeObject(type, t, (ObjectNode) patch, new ArrayList<>());
    }

    private static ObjectNode mergeObject(ResourceType type, ObjectNode original, ObjectNode patch, List<String> path) {
        String directive = patch.path("$patch").asText(null);
        if ("replace".equals(directive)) {
            ObjectNode r = patch.deepCopy();
            r.remove("$patch");
            return (ObjectNode) stripDirectives(r);
        }
        if ("delete".equals(directive)) {
            return null;
        }
        Map<String, JsonNode> orders = new HashMap<>();
        Map<String, JsonNode> deletes = new HashMap<>();
        JsonNode retain = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("$patch")) {
                continue;
            }
            if (k.equals("$retainKeys")) {
                retain = v;
                continue;
            }
            if (k.startsWith("$setElementOrder/")) {
                orders.put(k.substring("$setElementOrder/".length()), v);
                continue;
            }
            if (k.startsWith("$deleteFromPrimitiveList/")) {
                deletes.put(k.substring("$deleteFromPrimitiveList/".length()), v);
                continue;
            }
            if (v.isNull()) {
                original.remove(k);
                continue;
            }
            JsonNode cur = original.get(k);
            List<String> sub = new ArrayList<>(path);
            sub.add(k);
            if (v.isObject()) {
                if (cur != null && cur.isObject()) {
                    ObjectNode merged = mergeObject(type, (ObjectNode) cur, (ObjectNode) v, sub);
                    if (merged == null) {
                        original.remove(k);
                    } else {
                        original.set(k, merged);
                    }
                } else if (!"delete".equals(v.path("$patch").asText(null))) {
                    original.set(k, mergeObject(type, Json.object(), (ObjectNode) v, sub));
                }
            } else if (v.isArray()) {
                original.set(k, mergeList(type, cur, (ArrayNode) v, path, k));
            } else {
                original.set(k, v.deepCopy());
            }
        }
        for (Map.Entry<String, JsonNode> d : deletes.entrySet()) {
            if (original.get(d.getKey()) instanceof ArrayNode a) {
                Set<JsonNode> drop = new LinkedHashSet<>();
                d.getValue().forEach(drop::add);
                ArrayNode kept = Json.array();
                a.forEach(x -> {
                    if (!drop.contains(x)) {
                        kept.add(x);
                    }
                });
                original.set(d.getKey(), kept);
            }
        }
        for (Map.Entry<String, JsonNode> o : orders.entrySet()) {
            if (original.get(o.getKey()) instanceof ArrayNode a) {
                original.set(o.getKey(), reorder(a, o.getValue(), mergeKey(type, path, o.getKey())));
            }
        }
        if (retain != null && retain.isArray()) {
            Set<String> keep = new LinkedHashSet<>();
            retain.forEach(x -> keep.add(x.asText()));
            original.retain(keep);
        }
        return original;
    }

    private static JsonNode mergeList(ResourceType type, JsonNode cur, ArrayNode patch, List<String> path, String field) {
        String key = mergeKey(type, path, field);
        // a {"$patch": "replace"} element replaces the whole list with the other elements
        for (JsonNode p : patch) {
            if (p.isObject() && "replace".equals(p.path("$patch").asText(null))) {
                ArrayNode out = Json.array();
                patch.forEach(x -> {
                    if (!(x.isObject() && x.has("$patch"))) {
                        out.add(stripDirectives(x.deepCopy()));
                    }
                });
                return out;
            }
        }
        if (MERGED_SCALAR_LISTS.contains(field)) {
            LinkedHashSet<JsonNode> union = new LinkedHashSet<>();
            if (cur instanceof ArrayNode c) {
                c.forEach(union::add);
            }
            patch.forEach(union::add);
            ArrayNode out = Json.array();
            union.forEach(out::add);
            return out;
        }
        if (key == null || !(cur instanceof ArrayNode)) {
            ArrayNode out = Json.array();
            patch.forEach(x -> {
                if (!(x.isObject() && "delete".equals(x.path("$patch").asText(null)))) {
                    out.add(x.isObject() ? stripDirectives(x.deepCopy()) : x.deepCopy());
                }
            });
            return out;
        }
        ArrayNode out = ((ArrayNode) cur).deepCopy();
        List<String> sub = new ArrayList<>(path);
        sub.add(field);
        for (JsonNode p : patch) {
            if (!p.isObject()) {
                out.add(p.deepCopy());
                continue;
            }
            JsonNode kv = p.get(key);
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (kv != null && kv.equals(out.get(i).get(key))) {
                    at = i;
                    break;
                }
            }
            if ("delete".equals(p.path("$patch").asText(null))) {
                if (at >= 0) {
                    out.remove(at);
                }
                continue;
            }
            if (at >= 0 && out.get(at).isObject()) {
                ObjectNode merged = mergeObject(type, (ObjectNode) out.get(at), (ObjectNode) p, sub);
                if (merged == null) {
                    out.remove(at);
                } else {
                    out.set(at, merged);
                }
            } else {
                out.add(stripDirectives(((ObjectNode) p).deepCopy()));
            }
        }
        return out;
    }

    private static ArrayNode reorder(ArrayNode list, JsonNode order, String key) {
        List<JsonNode> ordered = new ArrayList<>();
        List<JsonNode> rest = new ArrayList<>();
        list.forEach(rest::add);
        for (JsonNode o : order) {
            for (Iterator<JsonNode> it = rest.iterator(); it.hasNext(); ) {
                JsonNode x = it.next();
                JsonNode id = key != null && x.isObject() ? x.get(key) : x;
                JsonNode want = key != null && o.isObject() ? o.get(key) : o;
                if (id != null && id.equals(want)) {
                    ordered.add(x);
                    it.remove();
                    break;
                }
            }
        }
        ArrayNode out = Json.array();
        ordered.forEach(out::add);
        rest.forEach(out::add);
        return out;
    }

    private static JsonNode stripDirectives(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            o.fieldNames().forEachRemaining(f -> {
                if (f.startsWith("$")) {
                    drop.add(f);
                }
            });
            o.remove(drop);
            o.forEach(Patches::stripDirectives);
        } else if (n instanceof ArrayNode a) {
            a.forEach(Patches::stripDirectives);
        }
        return n;
    }
}
