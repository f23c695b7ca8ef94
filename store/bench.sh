#!/usr/bin/env bash
# Builds and runs the store's JMH benchmarks (store/src/jmh/java, Maven profile `jmh`).
# Results: store/target/jmh-results.json (JMH JSON) and store/target/jmh-results.txt (console log).
# Arguments go to JMH, e.g.:
#   store/bench.sh                                  # the whole suite (about 15 minutes on 2 cores)
#   store/bench.sh PointRangeBenchmark              # benchmarks whose name matches a regexp
#   store/bench.sh PutBenchmark.batch100 -prof jfr  # with a profiler (jfr, stack, gc, ...)
#   store/bench.sh -l                               # list the benchmarks
# Store data goes to java.io.tmpdir, or to the directory in $CARAVEL_BENCH_DIR (read by the forked JVMs).
set -euo pipefail

store="$(cd "$(dirname "$0")" && pwd)"
cd "$store"

# Compiled into target/jmh-build (the profile's own build directory), with the test classpath.
mvn -B -q -Pjmh test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/jmh-build/classpath.txt -Dmdep.includeScope=test

# Run from a private copy, so that a `mvn clean` in the tree meanwhile does not pull classes from
# under the forked JVMs.
run="$(mktemp -d "${TMPDIR:-/tmp}/caravel-jmh.XXXXXX")"
trap 'rm -rf "$run"' EXIT
cp -r target/jmh-build/classes "$run/classes"
cp -r target/jmh-build/test-classes "$run/test-classes"
classpath="$run/test-classes:$run/classes:$(cat target/jmh-build/classpath.txt)"

set +e
java -cp "$classpath" org.openjdk.jmh.Main \
    -rf json -rff "$run/jmh-results.json" \
    "$@" 2>&1 | tee "$run/jmh-results.txt"
status=${PIPESTATUS[0]}
set -e
mkdir -p target
cp "$run/jmh-results.txt" target/jmh-results.txt
if [[ -f "$run/jmh-results.json" ]]; then
    cp "$run/jmh-results.json" target/jmh-results.json
fi
echo "Results copied to $store/target/jmh-results.json and $store/target/jmh-results.txt"
exit "$status"
