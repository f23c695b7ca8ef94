package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of objects before they are stored: names, labels, annotations, finalizers and ownerReferences for
 * every kind, and the required fields of each kind (kube-apiserver's {@code pkg/apis/*}/validation, the subset that
 * clients meet in practice). Returns every problem at once, so that a 422 lists each bad field. Stateless.
 */
public final class Validation {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]*[a-z][-a-z0-9]*");
    private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private Validation() {
    }

    /** Why {@code s} is not a qualified name (label or annotation key), or null when it is one. */
    public static String qualifiedNameProblem(String s) {
        if (s == null || s.isEmpty()) {
            return "name part must be non-empty";
        }
        String name = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String prefix = s.substring(0, slash);
            name = s.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
                return "prefix part " + DNS1123_SUBDOMAIN_MSG;
            }
        }
        if (name.isEmpty()) {
            return "name part must be non-empty";
        }
        if (name.length() > 63) {
            return "name part must be no more than 63 characters";
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                    + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                    + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        }
        return null;
    }

    private static boolean usesLabelNames(ResourceType t) {
        return t == ResourceTypes.NAMESPACES || t == ResourceTypes.SERVICES;
    }

    /** Validates a whole object of {@code type}; throws a 422 listing every problem. */
    public static void validate(ResourceType type, ObjectNode obj) {
        List<ApiException.Cause> errs = new ArrayList<>();
        JsonNode meta = obj.get("metadata");
        String name = Meta.name(obj);
        if (name == null || name.isEmpty()) {
            errs.add(ApiException.Cause.required("metadata.name"));
        } else if (usesLabelNames(type)) {
            if (name.length() > 63 || !DNS1123_LABEL.matcher(name).matches()) {
                errs.add(ApiException.Cause.invalid("metadata.name", name, name.length() > 63
                        ? "must be no more than 63 characters" : DNS1123_LABEL_MSG));
            }
        } else if (type == ResourceTypes.EVENTS || type == ResourceTypes.LEASES) {
            if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
                errs.add(ApiException.Cause.invalid("metadata.name", name, "may not contain '/' or '%' and may not be '.' or '..'"));
            }
        } else if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            errs.add(ApiException.Cause.invalid("metadata.name", name, name.length() > 253
                    ? "must be no more than 253 characters" : DNS1123_SUBDOMAIN_MSG));
        }
        labels(meta == null ? null : meta.get("labels"), "metadata.labels", errs);
        annotations(meta == null ? null : meta.get("annotations"), errs);
        finalizers(meta == null ? null : meta.get("finalizers"), errs);
        ownerReferences(meta == null ? null : meta.get("ownerReferences"), errs);
        switch (type.kind()) {
            case "Pod" -> podSpec(obj.get("spec"), "spec", errs);
            case "Deployment", "ReplicaSet", "DaemonSet" -> workload(type, obj, errs);
            case "Job" -> job(obj, errs);
            case "Service" -> service(obj.get("spec"), errs);
            case "ConfigMap" -> {
                dataKeys(obj.get("data"), "data", errs, false);
                dataKeys(obj.get("binaryData"), "binaryData", errs, true);
            }
            case "Secret" -> {
                dataKeys(obj.get("data"), "data", errs, true);
                dataKeys(obj.get("stringData"), "stringData", errs, false);
            }
            case "Endpoints" -> endpoints(obj.get("subsets"), errs);
            case "Lease" -> lease(obj.get("spec"), errs);
            case "Event" -> {
                if (!obj.path("involvedObject").isObject()) {
                    errs.add(ApiException.Cause.required("involvedObject"));
                }
            }
            default -> {
            }
        }
        if (!errs.isEmpty()) {
            throw ApiException.invalid(type, name, errs);
        }
    }

    static void labels(JsonNode labels, String field, List<ApiException.Cause> errs) {
        if (labels == null || labels.isNull()) {
            return;
        }
        if (!labels.isObject()) {
            errs.add(ApiException.Cause.invalid(field, labels, "must be a map of strings"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = qualifiedNameProblem(e.getKey());
            if (p != null) {
                errs.add(ApiException.Cause.invalid(field, e.getKey(), p));
            }
            String v = e.getValue().asText();
            if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                errs.add(ApiException.Cause.invalid(field + "[" + e.getKey() + "]", e.getValue(), "must be a string"));
            } else if (v.length() > 63) {
                errs.add(ApiException.Cause.invalid(field, v, "must be no more than 63 characters"));
            } else if (!LABEL_VALUE.matcher(v).matches()) {
                errs.add(ApiException.Cause.invalid(field, v, "a valid label must be an empty string or consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                        + "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
        }
    }

    private static void annotations(JsonNode ann, List<ApiException.Cause> errs) {
        if (ann == null || ann.isNull()) {
            return;
        }
        if (!ann.isObject()) {
            errs.add(ApiException.Cause.invalid("metadata.annotations", ann, "must be a map of strings"));
            return;
        }
        long total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = ann.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = qualifiedNameProblem(e.getKey().toLowerCase());
            if (p != null) {
                errs.add(ApiException.Cause.invalid("metadata.annotations", e.getKey(), p));
            }
            if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                errs.add(ApiException.Cause.invalid("metadata.annotations[" + e.getKey() + "]", e.getValue(), "must be a string"));
            }
            total += e.getKey().length() + e.getValue().asText().length();
        }
        if (total > 256 * 1024) {
            errs.add(ApiException.Cause.tooLong("metadata.annotations", 256 * 1024));
        }
    }

    private static void finalizers(JsonNode fin, List<ApiException.Cause> errs) {
        if (fin == null || fin.isNull()) {
            return;
        }
        int i = 0;
        for (JsonNode f : fin) {
            String p = qualifiedNameProblem(f.asText());
            if (p != null) {
                errs.add(ApiException.Cause.invalid("metadata.finalizers[" + i + "]", f.asText(), p));
            }
            i++;
        }
    }

    private static void ownerReferences(JsonNode refs, List<ApiException.Cause> errs) {
        if (refs == null || refs.isNull()) {
            return;
        }
        if (!refs.isArray()) {
            errs.add(ApiException.Cause.invalid("metadata.ownerReferences", refs, "must be a list"));
            return;
        }
        int controllers = 0;
        int i = 0;
        for (JsonNode r : refs) {
            String f = "metadata.ownerReferences[" + i + "]";
            for (String req : List.of("apiVersion", "kind", "name", "uid")) {
                if (r.path(req).asText().isEmpty()) {
                    errs.add(ApiException.Cause.invalid(f + "." + req, "", req + " must not be empty"));
                }
            }
            if (r.path("controller").asBoolean(false)) {
                controllers++;
            }
            i++;
        }
        if (controllers > 1) {
            errs.add(ApiException.Cause.invalid("metadata.ownerReferences", refs, "Only one reference can have Controller set to true"));
        }
    }

    static void podSpec(JsonNode spec, String f, List<ApiException.Cause> errs) {
        if (spec == null || !spec.isObject()) {
            errs.add(ApiException.Cause.required(f + ".containers"));
            return;
        }
        JsonNode containers = spec.get("containers");
        if (containers == null || !containers.isArray() || containers.isEmpty()) {
            errs.add(ApiException.Cause.required(f + ".containers"));
        } else {
            containers(containers, f + ".containers", errs, new HashSet<>());
        }
        JsonNode init = spec.get("initContainers");
        if (init != null && init.isArray()) {
            containers(init, f + ".initContainers", errs, new HashSet<>());
        }
        String rp = Json.text(spec, "restartPolicy");
        if (rp != null && !List.of("Always", "OnFailure", "Never").contains(rp)) {
            errs.add(ApiException.Cause.notSupported(f + ".restartPolicy", rp, List.of("Always", "OnFailure", "Never")));
        }
        JsonNode volumes = spec.get("volumes");
        if (volumes != null && volumes.isArray()) {
            Set<String> seen = new HashSet<>();
            int i = 0;
            for (JsonNode v : volumes) {
                String vn = v.path("name").asText();
                if (vn.isEmpty()) {
                    errs.add(ApiException.Cause.required(f + ".volumes[" + i + "].name"));
                } else if (!seen.add(vn)) {
                    errs.add(ApiException.Cause.duplicate(f + ".volumes[" + i + "].name", vn));
                }
                i++;
            }
        }
    }

    private static void containers(JsonNode cs, String f, List<ApiException.Cause> errs, Set<String> names) {
        int i = 0;
        for (JsonNode c : cs) {
            String cf = f + "[" + i + "]";
            String n = c.path("name").asText();
            if (n.isEmpty()) {
                errs.add(ApiException.Cause.required(cf + ".name"));
            } else if (n.length() > 63 || !DNS1123_LABEL.matcher(n).matches()) {
                errs.add(ApiException.Cause.invalid(cf + ".name", n, DNS1123_LABEL_MSG));
            } else if (!names.add(n)) {
                errs.add(ApiException.Cause.duplicate(cf + ".name", n));
            }
            if (c.path("image").asText().isBlank()) {
                errs.add(ApiException.Cause.required(cf + ".image"));
            }
            int j = 0;
            for (JsonNode p : c.path("ports")) {
                port(p.get("containerPort"), cf + ".ports[" + j + "].containerPort", errs, true);
                protocol(p, cf + ".ports[" + j + "]", errs);
                j++;
            }
            j = 0;
            for (JsonNode e : c.path("env")) {
                if (e.path("name").asText().isEmpty()) {
                    errs.add(ApiException.Cause.required(cf + ".env[" + j + "].name"));
                }
                j++;
            }
            String pull = Json.text(c, "imagePullPolicy");
            if (pull != null && !List.of("Always", "IfNotPresent", "Never").contains(pull)) {
                errs.add(ApiException.Cause.notSupported(cf + ".imagePullPolicy", pull, List.of("Always", "IfNotPresent", "Never")));
            }
            i++;
        }
    }

    private static void port(JsonNode p, String f, List<ApiException.Cause> errs, boolean required) {
        if (p == null || p.isNull()) {
            if (required) {
                errs.add(ApiException.Cause.required(f));
            }
            return;
        }
        if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
            errs.add(ApiException.Cause.invalid(f, p, "must be between 1 and 65535, inclusive"));
        }
    }

    private static void protocol(JsonNode p, String f, List<ApiException.Cause> errs) {
        String proto = Json.text(p, "protocol");
        if (proto != null && !List.of("TCP", "UDP", "SCTP").contains(proto)) {
            errs.add(ApiException.Cause.notSupported(f + ".protocol", proto, List.of("SCTP", "TCP", "UDP")));
        }
    }

    private static void workload(ResourceType type, ObjectNode obj, List<ApiException.Cause> errs) {
        JsonNode spec = obj.get("spec");
        if (spec == null || !spec.isObject()) {
            errs.add(ApiException.Cause.required("spec.selector"));
            errs.add(ApiException.Cause.required("spec.template"));
            return;
        }
        JsonNode sel = spec.get("selector");
        if (sel == null || sel.isNull() || sel.isEmpty()) {
            errs.add(ApiException.Cause.required("spec.selector"));
        } else {
            labels(sel.get("matchLabels"), "spec.selector.matchLabels", errs);
        }
        JsonNode replicas = spec.get("replicas");
        if (replicas != null && !replicas.isNull() && (!replicas.isIntegralNumber() || replicas.asLong() < 0)) {
            errs.add(ApiException.Cause.invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
        }
        JsonNode tmpl = spec.get("template");
        if (tmpl == null || !tmpl.isObject()) {
            errs.add(ApiException.Cause.required("spec.template"));
            return;
        }
        labels(Json.at(tmpl, "metadata.labels"), "spec.template.metadata.labels", errs);
        if (sel != null && !sel.isNull() && !sel.isEmpty()) {
            try {
                if (!LabelSelector.fromStructured(sel).matches(Meta.labels(tmpl))) {
                    errs.add(ApiException.Cause.invalid("spec.template.metadata.labels", Json.at(tmpl, "metadata.labels"),
                            "`selector` does not match template `labels`"));
                }
            } catch (ApiException e) {
                errs.add(ApiException.Cause.invalid("spec.selector", sel, e.getMessage()));
            }
        }
        podSpec(tmpl.get("spec"), "spec.template.spec", errs);
        if (type != ResourceTypes.JOBS) {
            String rp = Json.text(tmpl, "spec.restartPolicy");
            if (rp != null && !rp.equals("Always")) {
                errs.add(ApiException.Cause.notSupported("spec.template.spec.restartPolicy", rp, List.of("Always")));
            }
        }
    }

    private static void job(ObjectNode obj, List<ApiException.Cause> errs) {
        JsonNode tmpl = Json.at(obj, "spec.template");
        if (tmpl == null || !tmpl.isObject()) {
            errs.add(ApiException.Cause.required("spec.template"));
            return;
        }
        podSpec(tmpl.get("spec"), "spec.template.spec", errs);
        String rp = Json.text(tmpl, "spec.restartPolicy");
        if (rp == null || !(rp.equals("OnFailure") || rp.equals("Never"))) {
            errs.add(ApiException.Cause.notSupported("spec.template.spec.restartPolicy", rp == null ? "" : rp,
                    List.of("OnFailure", "Never")));
        }
        for (String f : List.of("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds")) {
            JsonNode n = Json.at(obj, "spec." + f);
            if (n != null && !n.isNull() && (!n.isIntegralNumber() || n.asLong() < 0)) {
                errs.add(ApiException.Cause.invalid("spec." + f, n, "must be greater than or equal to 0"));
            }
        }
    }

    private static void service(JsonNode spec, List<ApiException.Cause> errs) {
        if (spec == null || !spec.isObject()) {
            errs.add(ApiException.Cause.required("spec.ports"));
            return;
        }
        String type = Json.text(spec, "type");
        List<String> types = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        if (type != null && !types.contains(type)) {
            errs.add(ApiException.Cause.notSupported("spec.type", type, types));
        }
        boolean headless = "None".equals(Json.text(spec, "clusterIP"));
        JsonNode ports = spec.get("ports");
        if ((ports == null || ports.isEmpty()) && !"ExternalName".equals(type) && !headless) {
            errs.add(ApiException.Cause.required("spec.ports"));
        }
        if ("ExternalName".equals(type) && Json.text(spec, "externalName") == null) {
            errs.add(ApiException.Cause.required("spec.externalName"));
        }
        if (ports != null) {
            Set<String> names = new HashSet<>();
            int i = 0;
            for (JsonNode p : ports) {
                String f = "spec.ports[" + i + "]";
                port(p.get("port"), f + ".port", errs, true);
                protocol(p, f, errs);
                String n = Json.text(p, "name");
                if (ports.size() > 1 && (n == null || n.isEmpty())) {
                    errs.add(ApiException.Cause.required(f + ".name"));
                } else if (n != null && !n.isEmpty() && !names.add(n)) {
                    errs.add(ApiException.Cause.duplicate(f + ".name", n));
                }
                JsonNode tp = p.get("targetPort");
                if (tp != null && tp.isTextual() && !IANA_SVC_NAME.matcher(tp.asText()).matches()) {
                    errs.add(ApiException.Cause.invalid(f + ".targetPort", tp, "must contain only lower-case letters, digits and '-', with at least one letter"));
                } else if (tp != null && tp.isNumber()) {
                    port(tp, f + ".targetPort", errs, false);
                }
                if (p.has("nodePort") && !p.get("nodePort").isNull()) {
                    port(p.get("nodePort"), f + ".nodePort", errs, false);
                }
                i++;
            }
        }
    }

    private static void dataKeys(JsonNode data, String f, List<ApiException.Cause> errs, boolean base64) {
        if (data == null || data.isNull()) {
            return;
        }
        if (!data.isObject()) {
            errs.add(ApiException.Cause.invalid(f, data, "must be a map"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > 253 || !CONFIG_KEY.matcher(e.getKey()).matches()
                    || e.getKey().equals(".") || e.getKey().equals("..")) {
                errs.add(ApiException.Cause.invalid(f + "[" + e.getKey() + "]", e.getKey(),
                        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
            }
            if (base64 && e.getValue().isTextual()) {
                try {
                    Base64.getDecoder().decode(e.getValue().asText());
                } catch (IllegalArgumentException ex) {
                    errs.add(ApiException.Cause.invalid(f + "[" + e.getKey() + "]", "<value omitted>", "illegal base64 data"));
                }
            }
        }
    }

    private static void endpoints(JsonNode subsets, List<ApiException.Cause> errs) {
        if (subsets == null || subsets.isNull()) {
            return;
        }
        int i = 0;
        for (JsonNode s : subsets) {
            int j = 0;
            for (JsonNode a : s.path("addresses")) {
                if (a.path("ip").asText().isEmpty()) {
                    errs.add(ApiException.Cause.required("subsets[" + i + "].addresses[" + j + "].ip"));
                }
                j++;
            }
            j = 0;
            for (JsonNode p : s.path("ports")) {
                port(p.get("port"), "subsets[" + i + "].ports[" + j + "].port", errs, true);
                j++;
            }
            i++;
        }
    }

    private static void lease(JsonNode spec, List<ApiException.Cause> errs) {
        if (spec == null || spec.isNull()) {
            return;
        }
        JsonNode d = spec.get("leaseDurationSeconds");
        if (d != null && !d.isNull() && (!d.isIntegralNumber() || d.asLong() <= 0)) {
            errs.add(ApiException.Cause.invalid("spec.leaseDurationSeconds", d, "must be greater than 0"));
        }
    }
}
