package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Discovery documents: {@code /version}, {@code /api} (APIVersions), {@code /apis} (APIGroupList), the per
 * group-version APIResourceLists, and the aggregated {@code apidiscovery.k8s.io/v2} form that kubectl 1.32 asks
 * for first. Built once from {@link ResourceTypes}; immutable.
 */
final class Discovery {
    static final String AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private Discovery() {
    }

    static ObjectNode version() {
        return Json.object().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-caravel")
                .put("gitCommit", "caravel").put("gitTreeState", "clean").put("buildDate", "2026-01-01T00:00:00Z")
                .put("goVersion", "java17").put("compiler", "javac").put("platform", "linux/amd64");
    }

    static ObjectNode apiVersions(String serverAddress) {
        ObjectNode o = Json.object().put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return o;
    }

    private static ObjectNode group(String name, List<String> versions) {
        ObjectNode g = Json.object().put("name", name);
        ArrayNode vs = g.putArray("versions");
        for (String v : versions) {
            vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
        }
        g.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0)).put("version", versions.get(0));
        return g;
    }

    static ObjectNode apiGroupList() {
        ObjectNode o = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        for (Map.Entry<String, List<String>> e : ResourceTypes.groupVersions().entrySet()) {
            if (!e.getKey().isEmpty()) {
                groups.add(group(e.getKey(), e.getValue()));
            }
        }
        return o;
    }

    static ObjectNode apiGroup(String name) {
        List<String> versions = ResourceTypes.groupVersions().get(name);
        if (versions == null || name.isEmpty()) {
            return null;
        }
        return group(name, versions).put("kind", "APIGroup").put("apiVersion", "v1");
    }

    private static List<String> verbs(ResourceType t) {
        return ResourceType.VERBS;
    }

    /** The legacy {@code APIResourceList} of one group-version, or null when it is not served. */
    static ObjectNode resourceList(String group, String version) {
        List<ResourceType> types = ResourceTypes.of(group, version);
        if (types.isEmpty()) {
            return null;
        }
        ObjectNode o = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode rs = o.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = rs.addObject().put("name", t.plural()).put("singularName", t.singular())
                    .put("namespaced", t.namespaced()).put("kind", t.kind());
            strings(r.putArray("verbs"), verbs(t));
            if (!t.shortNames().isEmpty()) {
                strings(r.putArray("shortNames"), t.shortNames());
            }
            if (!t.categories().isEmpty()) {
                strings(r.putArray("categories"), t.categories());
            }
            r.put("storageVersionHash", Integer.toHexString(t.kind().hashCode()));
            for (Subresource sub : Subresource.of(t)) {
                ObjectNode s = rs.addObject().put("name", t.plural() + "/" + sub.name()).put("singularName", "")
                        .put("namespaced", t.namespaced());
                // group and version only where they differ from the resource's (empty means the same)
                if (!sub.group().equals(t.group()) || !sub.version().equals(t.version())) {
                    s.put("group", sub.group()).put("version", sub.version());
                }
                s.put("kind", sub.kind());
                strings(s.putArray("verbs"), sub.verbs());
            }
        }
        return o;
    }

    /**
     * A subresource as both discovery forms describe it: the kind its requests and responses carry and its
     * verbs. The one description of the subresources we serve ({@code status}, {@code scale}, {@code binding}).
     */
    record Subresource(String name, String group, String version, String kind, List<String> verbs) {
        /** The subresources of {@code t}, in discovery order. */
        static List<Subresource> of(ResourceType t) {
            List<Subresource> out = new ArrayList<>();
            if (t.subresources().contains("status")) {
                out.add(new Subresource("status", t.group(), t.version(), t.kind(), List.of("get", "patch", "update")));
            }
            if (t.subresources().contains("scale")) {
                out.add(new Subresource("scale", "autoscaling", "v1", "Scale", List.of("get", "patch", "update")));
            }
            if (t.subresources().contains("binding")) {
                out.add(new Subresource("binding", "", "v1", "Binding", List.of("create")));
            }
            return out;
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    /** The aggregated discovery document of {@code /api} (core only) or {@code /apis} (named groups). */
    static ObjectNode aggregated(boolean core) {
        ObjectNode o = Json.object().put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/v2");
        o.putObject("metadata");
        ArrayNode items = o.putArray("items");
        for (Map.Entry<String, List<String>> e : ResourceTypes.groupVersions().entrySet()) {
            if (e.getKey().isEmpty() != core) {
                continue;
            }
            ObjectNode g = items.addObject();
            g.putObject("metadata").put("name", e.getKey()).put("creationTimestamp", (String) null);
            ArrayNode versions = g.putArray("versions");
            for (String v : e.getValue()) {
                ObjectNode ver = versions.addObject().put("version", v).put("freshness", "Current");
                ArrayNode resources = ver.putArray("resources");
                for (ResourceType t : ResourceTypes.of(e.getKey(), v)) {
                    ObjectNode r = resources.addObject().put("resource", t.plural());
                    r.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
                    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster").put("singularResource", t.singular());
                    strings(r.putArray("verbs"), verbs(t));
                    if (!t.shortNames().isEmpty()) {
                        strings(r.putArray("shortNames"), t.shortNames());
                    }
                    if (!t.categories().isEmpty()) {
                        strings(r.putArray("categories"), t.categories());
                    }
                    ArrayNode subs = r.putArray("subresources");
                    for (Subresource sub : Subresource.of(t)) {
                        ObjectNode s = subs.addObject().put("subresource", sub.name());
                        s.putObject("responseKind").put("group", sub.group()).put("version", sub.version())
                                .put("kind", sub.kind());
                        strings(s.putArray("verbs"), sub.verbs());
                    }
                }
            }
        }
        return o;
    }
}
