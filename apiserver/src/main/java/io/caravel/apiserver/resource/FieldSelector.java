package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A field selector ({@code ?fieldSelector=metadata.name=x,status.phase!=Running}): equality ({@code =}, {@code ==})
 * and inequality ({@code !=}) on the fields each kind supports, as kube-apiserver's per-kind
 * {@code GetAttrs}/field label conversion functions do. Unsupported fields are a 400. Immutable; thread-safe.
 */
public final class FieldSelector {
    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
    private static final Map<String, Set<String>> BY_KIND = Map.of(
            "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
            "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
            "Secret", Set.of("type"),
            "Namespace", Set.of("status.phase"),
            "Node", Set.of("spec.unschedulable"),
            "Job", Set.of("status.successful"),
            "ReplicaSet", Set.of("status.replicas"));

    record Term(String field, boolean equal, String value) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    /** The name this selector pins with {@code metadata.name=x}, or null. */
    public String exactName() {
        for (Term t : terms) {
            if (t.field.equals("metadata.name") && t.equal) {
                return t.value;
            }
        }
        return null;
    }

    /** Parses {@code s} for objects of {@code type}; unknown fields and bad syntax are a 400. */
    public static FieldSelector parse(String s, ResourceType type) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int ne = p.indexOf("!=");
            int eq2 = p.indexOf("==");
            int eq = p.indexOf('=');
            String field;
            String value;
            boolean equal;
            if (ne > 0) {
                field = p.substring(0, ne);
                value = p.substring(ne + 2);
                equal = false;
            } else if (eq2 > 0) {
                field = p.substring(0, eq2);
                value = p.substring(eq2 + 2);
                equal = true;
            } else if (eq > 0) {
                field = p.substring(0, eq);
                value = p.substring(eq + 1);
                equal = true;
            } else {
                throw ApiException.badRequest("invalid selector: '" + s + "'; can't understand '" + p + "'");
            }
            field = field.trim();
            if (!COMMON.contains(field) && !BY_KIND.getOrDefault(type.kind(), Set.of()).contains(field)) {
                throw ApiException.badRequest("field label not supported: " + field);
            }
            terms.add(new Term(field, equal, value.trim()));
        }
        return new FieldSelector(terms);
    }

    public boolean matches(JsonNode object) {
        for (Term t : terms) {
            String have = value(object, t.field);
            if (have.equals(t.value) != t.equal) {
                return false;
            }
        }
        return true;
    }

    private static String value(JsonNode object, String field) {
        if (field.equals("source")) {
            String s = Json.text(object, "reportingComponent");
            return s != null && !s.isEmpty() ? s : nullToEmpty(Json.text(object, "source.component"));
        }
        if (field.equals("spec.unschedulable") || field.equals("spec.hostNetwork")) {
            JsonNode n = Json.at(object, field);
            return n != null && n.asBoolean() ? "true" : "false";
        }
        return nullToEmpty(Json.text(object, field));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
