/**
 * The typed in-process API of an embedded {@link io.caravel.server.CaravelNode}: KV, leases, watches and
 * membership as {@link java.util.concurrent.CompletableFuture}s over {@link io.caravel.raft.ReplicatedKv},
 * with the same validation and semantics as the gRPC API but no gRPC hop.
 */
package io.caravel.server.embed;
