/**
 * {@code caravel-bench}: a closed-loop load generator for any etcd v3 endpoint list (through jetcd),
 * modelled on etcd's own {@code benchmark} tool, and its {@code compare} mode, which runs the same
 * points against a 3-node Caravel cluster and a 3-node etcd cluster on this machine alternately and
 * reports the Caravel/etcd ratios (Markdown, JSON, PNG plots). See {@link
 * io.caravel.jepsen.bench.BenchMain} and docs/benchmarks.md.
 */
package io.caravel.jepsen.bench;
