package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Server-side printing ({@code meta.k8s.io/v1 Table}) with the columns {@code kubectl get} shows for each built-in
 * kind (kube's {@code pkg/printers/internalversion}); priority-1 columns appear with {@code -o wide}. Stateless.
 */
public final class Tables {
    private Tables() {
    }

    /** One column: name, type, format, priority. */
    record Column(String name, String type, String format, int priority, String description) {
    }

    private static Column name() {
        return new Column("Name", "string", "name", 0, "Name must be unique within a namespace.");
    }

    private static Column age() {
        return new Column("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.");
    }

    private static Column s(String n, int priority) {
        return new Column(n, "string", "", priority, n);
    }

    private static Column i(String n, int priority) {
        return new Column(n, "integer", "", priority, n);
    }

    static List<Column> columns(ResourceType type) {
        return switch (type.kind()) {
            case "Namespace" -> List.of(name(), s("Status", 0), age());
            case "Pod" -> List.of(name(), s("Ready", 0), s("Status", 0), s("Restarts", 0), age(), s("IP", 1),
                    s("Node", 1), s("Nominated Node", 1), s("Readiness Gates", 1));
            case "Node" -> List.of(name(), s("Status", 0), s("Roles", 0), age(), s("Version", 0), s("Internal-IP", 1),
                    s("External-IP", 1), s("OS-Image", 1), s("Kernel-Version", 1), s("Container-Runtime", 1));
            case "Service" -> List.of(name(), s("Type", 0), s("Cluster-IP", 0), s("External-IP", 0), s("Port(s)", 0),
                    age(), s("Selector", 1));
            case "Endpoints" -> List.of(name(), s("Endpoints", 0), age());
            case "ConfigMap" -> List.of(name(), i("Data", 0), age());
            case "Secret" -> List.of(name(), s("Type", 0), i("Data", 0), age());
            case "Event" -> List.of(s("Last Seen", 0), s("Type", 0), s("Reason", 0), s("Object", 0),
                    s("Subobject", 1), s("Source", 1), s("Message", 0), s("First Seen", 1), i("Count", 1),
                    new Column("Name", "string", "name", 1, "Name"));
            case "ServiceAccount" -> List.of(name(), i("Secrets", 0), age());
            case "Deployment" -> List.of(name(), s("Ready", 0), i("Up-to-date", 0), i("Available", 0), age(),
                    s("Containers", 1), s("Images", 1), s("Selector", 1));
            case "ReplicaSet" -> List.of(name(), i("Desired", 0), i("Current", 0), i("Ready", 0), age(),
                    s("Containers", 1), s("Images", 1), s("Selector", 1));
            case "DaemonSet" -> List.of(name(), i("Desired", 0), i("Current", 0), i("Ready", 0), i("Up-to-date", 0),
                    i("Available", 0), s("Node Selector", 0), age(), s("Containers", 1), s("Images", 1), s("Selector", 1));
            case "Job" -> List.of(name(), s("Status", 0), s("Completions", 0), s("Duration", 0), age(),
                    s("Containers", 1), s("Images", 1), s("Selector", 1));
            case "Lease" -> List.of(name(), s("Holder", 0), age());
            default -> List.of(name(), age());
        };
    }

    /** The {@code columnDefinitions} of a Table of {@code type}. */
    public static ArrayNode columnDefinitions(ResourceType type) {
        ArrayNode a = Json.array();
        for (Column c : columns(type)) {
            a.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                    .put("description", c.description()).put("priority", c.priority());
        }
        return a;
    }

    /**
     * One row: the cells, and the object as {@code includeObject} asks ({@code None}, {@code Metadata} (default: a
     * PartialObjectMetadata, which {@code -A} and {@code --show-labels} need) or {@code Object}).
     */
    public static ObjectNode row(ResourceType type, JsonNode obj, Instant now, String includeObject) {
        ObjectNode row = Json.object();
        ArrayNode cells = row.putArray("cells");
        for (Object c : cells(type, obj, now)) {
            if (c instanceof Long l) {
                cells.add(l);
            } else if (c instanceof Integer n) {
                cells.add(n);
            } else {
                cells.add(String.valueOf(c));
            }
        }
        if ("Object".equals(includeObject)) {
            row.set("object", obj);
        } else if (!"None".equals(includeObject)) {
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", obj.get("metadata"));
        }
        return row;
    }

    private static String age(JsonNode obj, Instant now) {
        Instant t = Meta.parseTime(Json.text(obj, "metadata.creationTimestamp"));
        return t == null ? "<unknown>" : Meta.humanDuration(Duration.between(t, now));
    }

    private static String since(String ts, Instant now) {
        Instant t = Meta.parseTime(ts);
        return t == null ? "<unknown>" : Meta.humanDuration(Duration.between(t, now));
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    private static String selectorString(JsonNode sel) {
        if (sel == null || sel.isNull()) {
            return "<none>";
        }
        String s = LabelSelector.fromStructured(sel).toString();
        return s.isEmpty() ? "<none>" : s;
    }

    private static String mapSelector(JsonNode m) {
        List<String> parts = new ArrayList<>();
        Meta.stringMap(m).forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? "<none>" : String.join(",", parts);
    }

    private static String containers(JsonNode podSpec, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : podSpec.path("containers")) {
            out.add(c.path(field).asText());
        }
        return String.join(",", out);
    }

    private static int num(JsonNode obj, String path) {
        JsonNode n = Json.at(obj, path);
        return n == null || n.isNull() ? 0 : n.asInt();
    }

    static List<Object> cells(ResourceType type, JsonNode o, Instant now) {
        String name = Meta.name(o);
        return switch (type.kind()) {
            case "Namespace" -> List.of(name, o.path("status").path("phase").asText("Active"), age(o, now));
            case "Pod" -> pod(o, now);
            case "Node" -> node(o, now);
            case "Service" -> service(o, now);
            case "Endpoints" -> {
                List<String> eps = new ArrayList<>();
                for (JsonNode s : o.path("subsets")) {
                    for (JsonNode a : s.path("addresses")) {
                        if (s.path("ports").isEmpty()) {
                            eps.add(a.path("ip").asText());
                        }
                        for (JsonNode p : s.path("ports")) {
                            eps.add(a.path("ip").asText() + ":" + p.path("port").asText());
                        }
                    }
                }
                String e = eps.size() > 3 ? String.join(",", eps.subList(0, 3)) + " + " + (eps.size() - 3) + " more..."
                        : String.join(",", eps);
                yield List.of(name, orNone(e), age(o, now));
            }
            case "ConfigMap" -> List.of(name, o.path("data").size() + o.path("binaryData").size(), age(o, now));
            case "Secret" -> List.of(name, o.path("type").asText("Opaque"), o.path("data").size(), age(o, now));
            case "Event" -> {
                String last = Json.text(o, "lastTimestamp");
                if (last == null) {
                    last = Json.text(o, "eventTime");
                }
                String first = Json.text(o, "firstTimestamp");
                JsonNode io = o.path("involvedObject");
                String obj = io.path("kind").asText().toLowerCase() + "/" + io.path("name").asText();
                String src = o.path("source").path("component").asText(o.path("reportingComponent").asText(""));
                yield List.of(last == null ? "<unknown>" : since(last, now), o.path("type").asText(""),
                        o.path("reason").asText(""), obj, io.path("fieldPath").asText(""), src,
                        o.path("message").asText(""), first == null ? "<unknown>" : since(first, now),
                        Math.max(1, o.path("count").asInt(1)), name);
            }
            case "ServiceAccount" -> List.of(name, o.path("secrets").size(), age(o, now));
            case "Deployment" -> {
                JsonNode t = o.path("spec").path("template").path("spec");
                yield List.of(name, num(o, "status.readyReplicas") + "/" + o.path("spec").path("replicas").asInt(1),
                        num(o, "status.updatedReplicas"), num(o, "status.availableReplicas"), age(o, now),
                        containers(t, "name"), containers(t, "image"), selectorString(o.path("spec").get("selector")));
            }
            case "ReplicaSet" -> {
                JsonNode t = o.path("spec").path("template").path("spec");
                yield List.of(name, o.path("spec").path("replicas").asInt(1), num(o, "status.replicas"),
                        num(o, "status.readyReplicas"), age(o, now), containers(t, "name"), containers(t, "image"),
                        selectorString(o.path("spec").get("selector")));
            }
            case "DaemonSet" -> {
                JsonNode t = o.path("spec").path("template").path("spec");
                yield List.of(name, num(o, "status.desiredNumberScheduled"), num(o, "status.currentNumberScheduled"),
                        num(o, "status.numberReady"), num(o, "status.updatedNumberScheduled"),
                        num(o, "status.numberAvailable"), mapSelector(t.get("nodeSelector")), age(o, now),
                        containers(t, "name"), containers(t, "image"), selectorString(o.path("spec").get("selector")));
            }
            case "Job" -> {
                JsonNode t = o.path("spec").path("template").path("spec");
                int succeeded = num(o, "status.succeeded");
                String status = "Running";
                for (JsonNode c : o.path("status").path("conditions")) {
                    if ("True".equals(c.path("status").asText())) {
                        String ct = c.path("type").asText();
                        status = ct.equals("Complete") ? "Complete" : ct.equals("Failed") ? "Failed"
                                : ct.equals("Suspended") ? "Suspended" : status;
                    }
                }
                String completions = o.path("spec").has("completions") ? succeeded + "/" + o.path("spec").path("completions").asInt()
                        : succeeded + "/1 of " + o.path("spec").path("parallelism").asInt(1);
                Instant start = Meta.parseTime(Json.text(o, "status.startTime"));
                Instant end = Meta.parseTime(Json.text(o, "status.completionTime"));
                String duration = start == null ? "" : Meta.humanDuration(Duration.between(start, end == null ? now : end));
                yield List.of(name, status, completions, duration, age(o, now), containers(t, "name"),
                        containers(t, "image"), selectorString(o.path("spec").get("selector")));
            }
            case "Lease" -> List.of(name, orNone(o.path("spec").path("holderIdentity").asText("")), age(o, now));
            default -> List.of(name, age(o, now));
        };
    }

    private static List<Object> pod(JsonNode o, Instant now) {
        JsonNode status = o.path("status");
        int total = o.path("spec").path("containers").size();
        int ready = 0;
        int restarts = 0;
        String reason = status.path("reason").asText(status.path("phase").asText("Pending"));
        for (JsonNode cs : status.path("containerStatuses")) {
            if (cs.path("ready").asBoolean()) {
                ready++;
            }
            restarts += cs.path("restartCount").asInt();
            JsonNode waiting = cs.path("state").path("waiting");
            JsonNode terminated = cs.path("state").path("terminated");
            if (waiting.has("reason") && !waiting.path("reason").asText().isEmpty()) {
                reason = waiting.path("reason").asText();
            } else if (terminated.has("reason") && !terminated.path("reason").asText().isEmpty()) {
                reason = terminated.path("reason").asText();
            }
        }
        if (Meta.deleting(o)) {
            reason = "Terminating";
        }
        List<String> gates = new ArrayList<>();
        for (JsonNode g : o.path("spec").path("readinessGates")) {
            gates.add(g.path("conditionType").asText());
        }
        String gatesCell = gates.isEmpty() ? "<none>" : "0/" + gates.size();
        return List.of(Meta.name(o), ready + "/" + total, reason, Integer.toString(restarts), age(o, now),
                orNone(status.path("podIP").asText("")), orNone(o.path("spec").path("nodeName").asText("")),
                orNone(status.path("nominatedNodeName").asText("")), gatesCell);
    }

    private static List<Object> node(JsonNode o, Instant now) {
        String status = "Unknown";
        for (JsonNode c : o.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                status = "True".equals(c.path("status").asText()) ? "Ready" : "NotReady";
            }
        }
        if (o.path("spec").path("unschedulable").asBoolean()) {
            status += ",SchedulingDisabled";
        }
        List<String> roles = new ArrayList<>();
        for (Map.Entry<String, String> l : Meta.labels(o).entrySet()) {
            if (l.getKey().startsWith("node-role.kubernetes.io/")) {
                roles.add(l.getKey().substring("node-role.kubernetes.io/".length()));
            }
        }
        String internal = "<none>";
        String external = "<none>";
        for (JsonNode a : o.path("status").path("addresses")) {
            if ("InternalIP".equals(a.path("type").asText())) {
                internal = a.path("address").asText();
            } else if ("ExternalIP".equals(a.path("type").asText())) {
                external = a.path("address").asText();
            }
        }
        JsonNode info = o.path("status").path("nodeInfo");
        return List.of(Meta.name(o), status, roles.isEmpty() ? "<none>" : String.join(",", roles), age(o, now),
                info.path("kubeletVersion").asText(""), internal, external, orNone(info.path("osImage").asText("")),
                orNone(info.path("kernelVersion").asText("")), orNone(info.path("containerRuntimeVersion").asText("")));
    }

    private static List<Object> service(JsonNode o, Instant now) {
        JsonNode spec = o.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        String clusterIp = spec.path("clusterIP").asText("");
        List<String> ext = new ArrayList<>();
        spec.path("externalIPs").forEach(x -> ext.add(x.asText()));
        for (JsonNode i : o.path("status").path("loadBalancer").path("ingress")) {
            ext.add(i.path("ip").asText(i.path("hostname").asText()));
        }
        String external = switch (type) {
            case "ExternalName" -> spec.path("externalName").asText();
            case "LoadBalancer" -> ext.isEmpty() ? "<pending>" : String.join(",", ext);
            default -> ext.isEmpty() ? "<none>" : String.join(",", ext);
        };
        List<String> ports = new ArrayList<>();
        for (JsonNode p : spec.path("ports")) {
            String s = p.path("port").asText();
            if (p.has("nodePort") && !"ClusterIP".equals(type)) {
                s += ":" + p.path("nodePort").asText();
            }
            ports.add(s + "/" + p.path("protocol").asText("TCP"));
        }
        return List.of(Meta.name(o), type, clusterIp.isEmpty() ? "<none>" : clusterIp, external,
                ports.isEmpty() ? "<none>" : String.join(",", ports), age(o, now), mapSelector(spec.get("selector")));
    }
}
