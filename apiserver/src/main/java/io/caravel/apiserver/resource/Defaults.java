package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-kind defaulting, as kube-apiserver's {@code SetDefaults_*} functions and registry strategies
 * ({@code PrepareForCreate}) do it for the fields clients read back: pod and container policies, workload replicas
 * and strategies, job parallelism, service type, ports and cluster IP, namespace finalizers and phase. Applied on
 * create and on every update (defaulting is idempotent). Stateless; thread-safe.
 */
public final class Defaults {
    private Defaults() {
    }

    /** Fills defaults of {@code obj} in place. */
    public static void apply(ResourceType type, ObjectNode obj) {
        switch (type.kind()) {
            case "Pod" -> {
                if (obj.get("spec") instanceof ObjectNode spec) {
                    podSpec(spec);
                }
            }
            case "Deployment" -> {
                ObjectNode spec = spec(obj);
                putIfAbsent(spec, "replicas", 1);
                putIfAbsent(spec, "revisionHistoryLimit", 10);
                putIfAbsent(spec, "progressDeadlineSeconds", 600);
                ObjectNode strategy = spec.has("strategy") && spec.get("strategy").isObject()
                        ? (ObjectNode) spec.get("strategy") : spec.putObject("strategy");
                if (!strategy.has("type")) {
                    strategy.put("type", "RollingUpdate");
                }
                if ("RollingUpdate".equals(strategy.path("type").asText())) {
                    ObjectNode ru = strategy.has("rollingUpdate") && strategy.get("rollingUpdate").isObject()
                            ? (ObjectNode) strategy.get("rollingUpdate") : strategy.putObject("rollingUpdate");
                    if (!ru.has("maxSurge")) {
                        ru.put("maxSurge", "25%");
                    }
                    if (!ru.has("maxUnavailable")) {
                        ru.put("maxUnavailable", "25%");
                    }
                }
                template(spec);
            }
            case "ReplicaSet" -> {
                ObjectNode spec = spec(obj);
                putIfAbsent(spec, "replicas", 1);
                template(spec);
            }
            case "DaemonSet" -> {
                ObjectNode spec = spec(obj);
                putIfAbsent(spec, "revisionHistoryLimit", 10);
                ObjectNode us = spec.has("updateStrategy") && spec.get("updateStrategy").isObject()
                        ? (ObjectNode) spec.get("updateStrategy") : spec.putObject("updateStrategy");
                if (!us.has("type")) {
                    us.put("type", "RollingUpdate");
                }
                if ("RollingUpdate".equals(us.path("type").asText()) && !us.has("rollingUpdate")) {
                    us.putObject("rollingUpdate").put("maxUnavailable", 1).put("maxSurge", 0);
                }
                template(spec);
            }
            case "Job" -> {
                ObjectNode spec = spec(obj);
                putIfAbsent(spec, "parallelism", 1);
                if (!spec.has("completions") && !"Indexed".equals(Json.text(spec, "completionMode"))) {
                    spec.put("completions", 1);
                }
                putIfAbsent(spec, "backoffLimit", 6);
                if (!spec.has("completionMode")) {
                    spec.put("completionMode", "NonIndexed");
                }
                if (!spec.has("suspend")) {
                    spec.put("suspend", false);
                }
                template(spec);
            }
            case "Service" -> service(spec(obj));
            case "Secret" -> {
                if (!obj.has("type")) {
                    obj.put("type", "Opaque");
                }
                // stringData is write-only: merged into data (base64) as kube-apiserver does
                if (obj.get("stringData") instanceof ObjectNode sd) {
                    ObjectNode data = obj.get("data") instanceof ObjectNode d ? d : obj.putObject("data");
                    sd.fields().forEachRemaining(e -> data.put(e.getKey(), java.util.Base64.getEncoder()
                            .encodeToString(e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                    obj.remove("stringData");
                }
            }
            case "Namespace" -> {
                ObjectNode labels = Meta.metadata(obj).get("labels") instanceof ObjectNode l ? l : Meta.metadata(obj).putObject("labels");
                if (Meta.name(obj) != null) {
                    labels.put("kubernetes.io/metadata.name", Meta.name(obj));
                }
            }
            default -> {
            }
        }
    }

    /**
     * Resets server-owned state of a new object (kube's {@code PrepareForCreate}): status for kinds with a status
     * subresource (nodes keep theirs), a namespace's finalizer and phase, a job's generated selector, a service's
     * cluster IP.
     */
    public static void prepareForCreate(ResourceType type, ObjectNode obj, String uid) {
        switch (type.kind()) {
            case "Pod" -> obj.putObject("status").put("phase", "Pending");
            case "Namespace" -> {
                ObjectNode spec = spec(obj);
                if (!spec.has("finalizers")) {
                    spec.putArray("finalizers").add("kubernetes");
                }
                obj.putObject("status").put("phase", "Active");
            }
            case "Deployment", "ReplicaSet", "DaemonSet" -> obj.putObject("status");
            case "Job" -> {
                obj.putObject("status");
                ObjectNode spec = spec(obj);
                if (!spec.path("manualSelector").asBoolean(false) && !spec.has("selector")) {
                    spec.putObject("selector").putObject("matchLabels").put("batch.kubernetes.io/controller-uid", uid);
                    if (spec.get("template") instanceof ObjectNode t) {
                        ObjectNode tm = t.get("metadata") instanceof ObjectNode m ? m : t.putObject("metadata");
                        ObjectNode l = tm.get("labels") instanceof ObjectNode x ? x : tm.putObject("labels");
                        l.put("batch.kubernetes.io/controller-uid", uid).put("batch.kubernetes.io/job-name", Meta.name(obj))
                                .put("controller-uid", uid).put("job-name", Meta.name(obj));
                    }
                }
            }
            case "Service" -> {
                obj.putObject("status").putObject("loadBalancer");
                ObjectNode spec = spec(obj);
                String type0 = spec.path("type").asText("ClusterIP");
                if (!type0.equals("ExternalName") && (!spec.has("clusterIP") || spec.path("clusterIP").asText().isEmpty())) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    // a random address in 10.96.0.0/12 (kube's default service range); no allocator: see docs/apiserver.md
                    int host = 1 + r.nextInt((1 << 20) - 2);
                    String ip = "10." + (96 + (host >> 16)) + "." + ((host >> 8) & 0xff) + "." + (host & 0xff);
                    spec.put("clusterIP", ip);
                    spec.putArray("clusterIPs").add(ip);
                }
                if (type0.equals("NodePort") || type0.equals("LoadBalancer")) {
                    for (JsonNode p : spec.path("ports")) {
                        if (p instanceof ObjectNode po && (!po.has("nodePort") || po.get("nodePort").asInt() == 0)) {
                            po.put("nodePort", 30000 + ThreadLocalRandom.current().nextInt(2768));
                        }
                    }
                }
            }
            default -> {
            }
        }
    }

    private static ObjectNode spec(ObjectNode obj) {
        return obj.get("spec") instanceof ObjectNode s ? s : obj.putObject("spec");
    }

    private static void putIfAbsent(ObjectNode o, String field, int value) {
        if (!o.has(field) || o.get(field).isNull()) {
            o.put(field, value);
        }
    }

    private static void template(ObjectNode spec) {
        if (spec.get("template") instanceof ObjectNode t && t.get("spec") instanceof ObjectNode ps) {
            podSpec(ps);
        }
    }

    static void podSpec(ObjectNode spec) {
        if (!spec.has("restartPolicy")) {
            spec.put("restartPolicy", "Always");
        }
        if (!spec.has("dnsPolicy")) {
            spec.put("dnsPolicy", "ClusterFirst");
        }
        if (!spec.has("schedulerName")) {
            spec.put("schedulerName", "default-scheduler");
        }
        putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        containers(spec.get("containers"));
        containers(spec.get("initContainers"));
    }

    private static void containers(JsonNode cs) {
        if (!(cs instanceof ArrayNode arr)) {
            return;
        }
        for (JsonNode c : arr) {
            if (!(c instanceof ObjectNode co)) {
                continue;
            }
            if (!co.has("imagePullPolicy")) {
                String image = co.path("image").asText();
                String last = image.substring(image.lastIndexOf('/') + 1);
                boolean latest = !last.contains(":") && !image.contains("@") || last.endsWith(":latest");
                co.put("imagePullPolicy", latest ? "Always" : "IfNotPresent");
            }
            if (!co.has("terminationMessagePath")) {
                co.put("terminationMessagePath", "/dev/termination-log");
            }
            if (!co.has("terminationMessagePolicy")) {
                co.put("terminationMessagePolicy", "File");
            }
            if (!co.has("resources")) {
                co.putObject("resources");
            }
            for (JsonNode p : co.path("ports")) {
                if (p instanceof ObjectNode po && !po.has("protocol")) {
                    po.put("protocol", "TCP");
                }
            }
        }
    }

    private static void service(ObjectNode spec) {
        if (!spec.has("type")) {
            spec.put("type", "ClusterIP");
        }
        if (!spec.has("sessionAffinity")) {
            spec.put("sessionAffinity", "None");
        }
        if (!"ExternalName".equals(spec.path("type").asText())) {
            if (!spec.has("ipFamilies")) {
                spec.putArray("ipFamilies").add("IPv4");
            }
            if (!spec.has("ipFamilyPolicy")) {
                spec.put("ipFamilyPolicy", "SingleStack");
            }
            if (!spec.has("internalTrafficPolicy")) {
                spec.put("internalTrafficPolicy", "Cluster");
            }
        }
        for (JsonNode p : spec.path("ports")) {
            if (p instanceof ObjectNode po) {
                if (!po.has("protocol")) {
                    po.put("protocol", "TCP");
                }
                if (!po.has("targetPort") && po.has("port")) {
                    po.set("targetPort", po.get("port"));
                }
            }
        }
    }
}
