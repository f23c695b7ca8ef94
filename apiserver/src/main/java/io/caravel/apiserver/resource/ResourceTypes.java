package io.caravel.apiserver.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The built-in resources this API server serves, in discovery order. Immutable; thread-safe. */
public final class ResourceTypes {
    public static final ResourceType NAMESPACES = new ResourceType("", "v1", "Namespace", "namespaces", "namespace",
            false, List.of("ns"), List.of(), Set.of("status"), false);
    public static final ResourceType PODS = new ResourceType("", "v1", "Pod", "pods", "pod", true, List.of("po"),
            List.of("all"), Set.of("status", "binding"), true);
    public static final ResourceType NODES = new ResourceType("", "v1", "Node", "nodes", "node", false, List.of("no"),
            List.of(), Set.of("status"), false);
    public static final ResourceType SERVICES = new ResourceType("", "v1", "Service", "services", "service", true,
            List.of("svc"), List.of("all"), Set.of("status"), false);
    public static final ResourceType ENDPOINTS = new ResourceType("", "v1", "Endpoints", "endpoints", "endpoints",
            true, List.of("ep"), List.of(), Set.of(), false);
    public static final ResourceType CONFIGMAPS = new ResourceType("", "v1", "ConfigMap", "configmaps", "configmap",
            true, List.of("cm"), List.of(), Set.of(), false);
    public static final ResourceType SECRETS = new ResourceType("", "v1", "Secret", "secrets", "secret", true,
            List.of(), List.of(), Set.of(), false);
    public static final ResourceType EVENTS = new ResourceType("", "v1", "Event", "events", "event", true,
            List.of("ev"), List.of(), Set.of(), false);
    public static final ResourceType SERVICE_ACCOUNTS = new ResourceType("", "v1", "ServiceAccount", "serviceaccounts",
            "serviceaccount", true, List.of("sa"), List.of(), Set.of(), false);
    public static final ResourceType DEPLOYMENTS = new ResourceType("apps", "v1", "Deployment", "deployments",
            "deployment", true, List.of("deploy"), List.of("all"), Set.of("status", "scale"), true);
    public static final ResourceType REPLICA_SETS = new ResourceType("apps", "v1", "ReplicaSet", "replicasets",
            "replicaset", true, List.of("rs"), List.of("all"), Set.of("status", "scale"), true);
    public static final ResourceType DAEMON_SETS = new ResourceType("apps", "v1", "DaemonSet", "daemonsets",
            "daemonset", true, List.of("ds"), List.of("all"), Set.of("status"), true);
    public static final ResourceType JOBS = new ResourceType("batch", "v1", "Job", "jobs", "job", true, List.of(),
            List.of("all"), Set.of("status"), true);
    public static final ResourceType LEASES = new ResourceType("coordination.k8s.io", "v1", "Lease", "leases", "lease",
            true, List.of(), List.of(), Set.of(), false);

    public static final List<ResourceType> ALL = List.of(NAMESPACES, PODS, NODES, SERVICES, ENDPOINTS, CONFIGMAPS,
            SECRETS, EVENTS, SERVICE_ACCOUNTS, DEPLOYMENTS, REPLICA_SETS, DAEMON_SETS, JOBS, LEASES);

    private ResourceTypes() {
    }

    /** The resource at {@code group/version/plural}, if served. */
    public static Optional<ResourceType> find(String group, String version, String plural) {
        for (ResourceType t : ALL) {
            if (t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The resource serving {@code apiVersion}/{@code kind}, if any. */
    public static Optional<ResourceType> byKind(String apiVersion, String kind) {
        for (ResourceType t : ALL) {
            if (t.apiVersion().equals(apiVersion) && t.kind().equals(kind)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Group-versions in discovery order: group name ("" for core) to versions. */
    public static Map<String, List<String>> groupVersions() {
        Map<String, List<String>> gv = new LinkedHashMap<>();
        for (ResourceType t : ALL) {
            List<String> vs = gv.computeIfAbsent(t.group(), g -> new ArrayList<>());
            if (!vs.contains(t.version())) {
                vs.add(t.version());
            }
        }
        return gv;
    }

    /** The resources of one group-version. */
    public static List<ResourceType> of(String group, String version) {
        return ALL.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }
}
