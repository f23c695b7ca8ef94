#!/usr/bin/env bash
# Builds and runs the API server benchmark (apiserver/src/test/java/io/caravel/apiserver/bench/ApiServerBench.java):
# 10,000 pod creates over HTTP, lists from the watch cache and the store, 1,000 watchers and their delivery latency,
# by default against a 3-member Caravel cluster. Not part of `mvn verify`; nothing is asserted.
# Settings are system properties, given as arguments (see the class comment), e.g.:
#   apiserver/bench.sh                                   # 3 runs against a 3-member Caravel cluster
#   apiserver/bench.sh -Dstore=etcd -Druns=1             # against Debian's etcd, one run
#   JAVA_OPTS="-XX:StartFlightRecording=filename=target/bench.jfr,settings=profile" apiserver/bench.sh -Druns=1
# Output: stdout and target/bench-results.txt.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

mvn -B -q test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test

# Run from a private copy, so that a `mvn clean` in the tree meanwhile does not pull classes from under the JVM.
run="$(mktemp -d "${TMPDIR:-/tmp}/caravel-apiserver-bench.XXXXXX")"
trap 'rm -rf "$run"' EXIT
cp -r target/classes "$run/classes"
cp -r target/test-classes "$run/test-classes"
classpath="$run/test-classes:$run/classes:$(cat target/bench/classpath.txt)"

set +e
# shellcheck disable=SC2086
java -Xms1g -Xmx2g -XX:+UseG1GC ${JAVA_OPTS:-} "$@" -cp "$classpath" io.caravel.apiserver.bench.ApiServerBench 2>&1 \
    | tee "$run/bench-results.txt"
status=${PIPESTATUS[0]}
set -e
mkdir -p target
cp "$run/bench-results.txt" target/bench-results.txt
exit "$status"
