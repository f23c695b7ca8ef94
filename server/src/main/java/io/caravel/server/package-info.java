/**
 * The Caravel node: {@link io.caravel.server.CaravelNode} wires the replicated store (raft), the watch
 * engine, etcd's gRPC API and the metrics endpoint; {@link io.caravel.server.Main} is the
 * {@code caravel} executable. May use raft, store's API, grpc-java; never Vert.x.
 */
package io.caravel.server;
