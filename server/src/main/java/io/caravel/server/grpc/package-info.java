/**
 * etcd's v3 gRPC API over {@link io.caravel.raft.ReplicatedKv}: the services (KV, Watch, Lease,
 * Cluster, Maintenance and a minimal Auth), the conversions between etcd's wire messages
 * ({@code io.caravel.server.grpc.pb}, generated from our own copies of etcd's .proto files) and the
 * store/raft value types, the one mapper from exceptions to etcd's gRPC statuses, and the Netty server.
 *
 * <p>May use: raft's public API, the store's value types, grpc-java, protobuf. No service method
 * blocks a gRPC thread: each chains on the futures of {@code ReplicatedKv}; blocking work (snapshot
 * files, watch catch-up reads) runs on the node's own executors.
 */
package io.caravel.server.grpc;
