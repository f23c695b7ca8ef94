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

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# Compile watch and what it depends on in the reactor; each module writes its test classpath.
mvn -B -q -pl watch -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

# Run from a private copy of every class directory, so that a build in the tree meanwhile (another
# engineer's `mvn clean`) does not pull classes from under the benchmark.
run="$(mktemp -d "${TMPDIR:-/tmp}/caravel-watch-bench.XXXXXX")"
trap 'rm -rf "$run"' EXIT
cp -r watch/target/classes "$run/classes"
cp -r watch/target/test-classes "$run/test-classes"
classpath="$run/test-classes:$run/classes"
n=0
IFS=':' read -r -a entries < watch/target/bench-classpath.txt || true  # no trailing newline
for entry in "${entries[@]}"; do
    if [[ -d "$entry" ]]; then
        n=$((n + 1))
        cp -r "$entry" "$run/dep$n"
        entry="$run/dep$n"
    fi
    classpath="$classpath:$entry"
done

java ${BENCH_JVM_OPTS:--Xms1g -Xmx1g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" \
    -cp "$classpath" io.caravel.watch.bench.WatchHubBenchmark
