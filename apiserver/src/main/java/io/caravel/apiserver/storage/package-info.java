/**
 * Storage for the API server: the narrow etcd v3 {@link io.caravel.apiserver.storage.KvClient} (jetcd-backed and
 * in-memory implementations), the object store that maps Kubernetes objects onto {@code /registry/...} keys with
 * resourceVersion = mod revision, and the per-resource watch cache fed by one store watch. May use Jackson and
 * jetcd; no Vert.x HTTP types, no Caravel store/raft/watch internals.
 */
package io.caravel.apiserver.storage;
