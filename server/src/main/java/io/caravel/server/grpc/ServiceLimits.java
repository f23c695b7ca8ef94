package io.caravel.server.grpc;

import io.caravel.store.StoreOptions;

/**
 * The limits the gRPC layer enforces before a request reaches Raft.
 *
 * @param maxRequestBytes the largest request accepted (etcd's {@code --max-request-bytes}, default 1.5 MiB);
 *                        a bigger write fails with {@code etcdserver: request is too large}
 * @param maxTxnOps the most ops in one txn branch (etcd's {@code --max-txn-ops}, default 128)
 * @param quotaBackendBytes the backend quota reported in Status ({@code --quota-backend-bytes})
 */
public record ServiceLimits(int maxRequestBytes, int maxTxnOps, long quotaBackendBytes) {
    /** etcd's {@code DefaultMaxRequestBytes}: 1.5 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 3 << 19;
    /**
     * etcd's {@code grpcOverheadBytes}: the gRPC receive limit is the request limit plus this, so that a
     * request slightly above the limit still reaches the server and gets etcd's own error rather than
     * gRPC's RESOURCE_EXHAUSTED.
     */
    public static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    public ServiceLimits {
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be >= 1: " + maxRequestBytes);
        }
        if (maxTxnOps < 1) {
            throw new IllegalArgumentException("maxTxnOps must be >= 1: " + maxTxnOps);
        }
    }

    public static ServiceLimits defaults() {
        return new ServiceLimits(DEFAULT_MAX_REQUEST_BYTES, StoreOptions.DEFAULT_MAX_TXN_OPS, 2L << 30);
    }

    /** The gRPC inbound message limit: {@code maxRequestBytes + 512 KiB}, as etcd's {@code MaxRequestBytesWithOverhead}. */
    public int maxInboundMessageBytes() {
        return maxRequestBytes + GRPC_OVERHEAD_BYTES;
    }
}
