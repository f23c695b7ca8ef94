package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.ResourceTypes;
import io.caravel.apiserver.resource.Schemas;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents generated from our own resource schemas ({@link Schemas}): the {@code /openapi/v3} index and
 * one document per group-version with the paths of each resource (the PATCH operations carry
 * {@code x-kubernetes-group-version-kind} and the {@code fieldValidation} parameter, which is what kubectl's
 * default {@code --validate=strict} looks for) and the component schemas {@code kubectl explain} reads. Built once.
 */
final class OpenApi {
    private final Map<String, ObjectNode> documents = new LinkedHashMap<>();
    private final ObjectNode index = Json.object();

    OpenApi() {
        ObjectNode paths = index.putObject("paths");
        for (Map.Entry<String, List<String>> gv : ResourceTypes.groupVersions().entrySet()) {
            for (String v : gv.getValue()) {
                String key = gv.getKey().isEmpty() ? "api/" + v : "apis/" + gv.getKey() + "/" + v;
                ObjectNode doc = document(gv.getKey(), v);
                documents.put(key, doc);
                paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash(doc));
            }
        }
    }

    ObjectNode index() {
        return index;
    }

    ObjectNode document(String path) {
        return documents.get(path);
    }

    private static String hash(ObjectNode doc) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-512").digest(Json.bytes(doc));
            return HexFormat.of().formatHex(d).substring(0, 32).toUpperCase();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode gvk(ResourceType t) {
        return Json.object().put("group", t.group()).put("version", t.version()).put("kind", t.kind());
    }

    private static ObjectNode ref(String name) {
        return Json.object().put("$ref", "#/components/schemas/" + name);
    }

    private static ObjectNode document(String group, String version) {
        ObjectNode doc = Json.object().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        Schemas.common(schemas);
        for (ResourceType t : ResourceTypes.of(group, version)) {
            String schemaName = Schemas.define(t, schemas);
            String base = t.pathPrefix() + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural();
            String opBase = (group.isEmpty() ? "Core" : capital(group.split("\\.")[0])) + capital(version)
                    + (t.namespaced() ? "Namespaced" : "") + t.kind();
            ObjectNode item = paths.putObject(base + "/{name}");
            item.set("get", op("read" + opBase, t, "get", schemaName, false));
            item.set("put", op("replace" + opBase, t, "put", schemaName, true));
            item.set("patch", patchOp("patch" + opBase, t, schemaName));
            item.set("delete", op("delete" + opBase, t, "delete", schemaName, false));
            ArrayNode params = item.putArray("parameters");
            params.addObject().put("name", "name").put("in", "path").put("required", true).putObject("schema").put("type", "string");
            if (t.namespaced()) {
                params.addObject().put("name", "namespace").put("in", "path").put("required", true).putObject("schema").put("type", "string");
            }
            ObjectNode coll = paths.putObject(base);
            coll.set("get", op("list" + opBase, t, "list", schemaName + "List", false));
            coll.set("post", op("create" + opBase, t, "post", schemaName, true));
            if (t.hasStatus()) {
                ObjectNode st = paths.putObject(base + "/{name}/status");
                st.set("get", op("read" + opBase + "Status", t, "get", schemaName, false));
                st.set("put", op("replace" + opBase + "Status", t, "put", schemaName, true));
                st.set("patch", patchOp("patch" + opBase + "Status", t, schemaName));
            }
            ObjectNode list = schemas.putObject(schemaName + "List").put("type", "object")
                    .put("description", t.listKind() + " is a list of " + t.kind() + " objects.");
            ObjectNode lp = list.putObject("properties");
            lp.putObject("apiVersion").put("type", "string");
            lp.putObject("kind").put("type", "string");
            lp.putObject("items").put("type", "array").putObject("items").setAll(ref(schemaName));
            lp.putObject("metadata").setAll(ref("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"));
            list.putArray("required").add("items");
            list.putArray("x-kubernetes-group-version-kind").addObject().put("group", t.group())
                    .put("version", t.version()).put("kind", t.listKind());
        }
        return doc;
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static ObjectNode op(String id, ResourceType t, String action, String schema, boolean body) {
        ObjectNode o = Json.object().put("operationId", id).put("description", action + " " + t.kind());
        ArrayNode tags = o.putArray("tags");
        tags.add(t.group().isEmpty() ? "core_" + t.version() : t.group() + "_" + t.version());
        if (body) {
            ObjectNode content = o.putObject("requestBody").put("required", true).putObject("content");
            content.putObject("*/*").set("schema", ref(schema));
            o.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
                    .put("description", "fieldValidation instructs the server on how to handle objects in the request "
                            + "containing unknown or duplicate fields.").putObject("schema").put("type", "string").put("uniqueItems", true);
        }
        ObjectNode ok = o.putObject("responses").putObject("200").put("description", "OK");
        ok.putObject("content").putObject("application/json").set("schema", ref(schema));
        o.put("x-kubernetes-action", action);
        o.set("x-kubernetes-group-version-kind", gvk(t));
        return o;
    }

    /**
     * The PATCH operation. Its request body lists JSON patch, merge patch and apply patch but not strategic merge
     * patch: kubectl then computes strategic merge patches from its compiled-in types rather than from these
     * schemas (which carry no patch strategies), and the server applies them with the built-in merge keys.
     */
    private static ObjectNode patchOp(String id, ResourceType t, String schema) {
        ObjectNode o = Json.object().put("operationId", id).put("description", "partially update the specified " + t.kind());
        o.putArray("tags").add(t.group().isEmpty() ? "core_" + t.version() : t.group() + "_" + t.version());
        ObjectNode content = o.putObject("requestBody").put("required", true).putObject("content");
        for (String media : List.of("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")) {
            content.putObject(media).set("schema", ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch"));
        }
        ArrayNode params = o.putArray("parameters");
        params.addObject().put("name", "fieldValidation").put("in", "query").put("description",
                "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.")
                .putObject("schema").put("type", "string").put("uniqueItems", true);
        params.addObject().put("name", "fieldManager").put("in", "query").putObject("schema").put("type", "string").put("uniqueItems", true);
        params.addObject().put("name", "force").put("in", "query").putObject("schema").put("type", "boolean").put("uniqueItems", true);
        ObjectNode ok = o.putObject("responses").putObject("200").put("description", "OK");
        ok.putObject("content").putObject("application/json").set("schema", ref(schema));
        o.put("x-kubernetes-action", "patch");
        o.set("x-kubernetes-group-version-kind", gvk(t));
        return o;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
