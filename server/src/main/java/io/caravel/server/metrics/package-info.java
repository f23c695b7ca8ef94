/**
 * Operational surface of a node: request metrics collected from gRPC calls, rendered in the Prometheus
 * text format, and the {@code /metrics} and {@code /health} HTTP endpoints (JDK HTTP server).
 *
 * <p>May use: raft's public API, grpc-java's interceptor API, {@code com.sun.net.httpserver}.
 */
package io.caravel.server.metrics;
