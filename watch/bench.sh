#!/usr/bin/env bash
# Builds and runs the watch hub's in-process benchmark (io.caravel.watch.bench.WatchHubBenchmark, in the
# test sources): a RocksMvccStore, a hub, N watchers on M streams, puts at a fixed rate; prints delivery
# latency percentiles (HdrHistogram) and heap per idle watcher. See docs/benchmarks.md, "Watch hub".
# Parameters are JVM system properties, e.g.:
#   watch/bench.sh                                     # 10,000 watchers, 100 streams, 1,000 puts/s, 60 s
#   watch/bench.sh -Dstreams=10000                     # one stream per watcher (as jetcd does)
#   watch/bench.sh -Dkeys=1000                         # 10 watchers per key: 10,000 events/s
# Extra JVM options go in $BENCH_JVM_OPTS (default: -Xms1g -Xmx1g).
set -euo pipefail

watch="$(cd "$(dirname "$0")" && pwd)"
cd "$watch/.."

mvn -B -q -pl watch -am install -DskipTests
cd "$watch"
mvn -B -q test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

# Run from a private copy, so that a build in the tree meanwhile does not pull classes from under it.
run="$(mktemp -d "${TMPDIR:-/tmp}/caravel-watch-bench.XXXXXX")"
trap 'rm -rf "$run"' EXIT
cp -r target/classes "$run/classes"
cp -r target/test-classes "$run/test-classes"
classpath="$run/test-classes:$run/classes:$(cat target/bench-classpath.txt)"

exec java ${BENCH_JVM_OPTS:--Xms1g -Xmx1g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" \
    -cp "$classpath" io.caravel.watch.bench.WatchHubBenchmark
