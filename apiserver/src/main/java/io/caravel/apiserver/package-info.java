/**
 * Caravel's Kubernetes-style API server: {@link io.caravel.apiserver.ApiServer} starts it over any
 * {@link io.caravel.apiserver.storage.KvClient}; {@link io.caravel.apiserver.ApiServerMain} runs it alone against
 * etcd v3 endpoints. Depends on Vert.x Web, Jackson and jetcd only; never on the store, raft, watch or server
 * modules (enforced by maven-enforcer and an ArchUnit test).
 */
package io.caravel.apiserver;
