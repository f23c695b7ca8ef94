/**
 * Local clusters of Caravel or etcd nodes as separate OS processes, and their controls: start,
 * kill -9 and restart, SIGSTOP/SIGCONT, a peer network of per-link TCP proxies that partitions cut
 * without root ({@link io.caravel.jepsen.cluster.PeerNetwork}), membership changes and leader
 * transfer through etcd's v3 API ({@link io.caravel.jepsen.cluster.Admin}). Talks to the nodes over
 * the network only; depends on jetcd's generated gRPC stubs and the JDK.
 */
package io.caravel.jepsen.cluster;
