package io.caravel.apiserver.resource;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One served resource: what discovery lists and what the storage layout and the handlers need.
 *
 * @param group        API group ("" for core)
 * @param version      API version
 * @param kind         the object kind
 * @param plural       the resource name in paths (lower-case plural)
 * @param singular     the singular name ({@code kubectl get pod})
 * @param namespaced   namespaced or cluster-scoped
 * @param shortNames   short names ({@code po}, {@code deploy})
 * @param categories   categories ({@code all})
 * @param subresources served subresources: {@code status}, {@code scale}, {@code binding}
 * @param bumpsGeneration whether {@code metadata.generation} counts spec changes (kinds with a spec/status split)
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           Set<String> subresources, boolean bumpsGeneration) {
    public static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    public ResourceType {
        Objects.requireNonNull(group, "group == null");
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = Set.copyOf(subresources);
    }

    /** {@code v1} or {@code apps/v1}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code pods} or {@code deployments.apps}, as kube-apiserver names a resource in messages. */
    public String qualifiedResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public String listKind() {
        return kind + "List";
    }

    public boolean hasStatus() {
        return subresources.contains("status");
    }

    /** The store prefix of all objects: {@code /registry/<plural>/}. */
    public String keyPrefix() {
        return "/registry/" + plural + "/";
    }

    /** The store prefix of one namespace's objects (or of all, for a null namespace). */
    public String keyPrefix(String namespace) {
        return namespace == null || !namespaced ? keyPrefix() : keyPrefix() + namespace + "/";
    }

    /** The store key of one object. */
    public String key(String namespace, String name) {
        return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
    }

    /** The API path prefix: {@code /api/v1} or {@code /apis/apps/v1}. */
    public String pathPrefix() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }
}
