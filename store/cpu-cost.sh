#!/usr/bin/env bash
# The store's cost per operation in CPU time of the calling thread, next to its wall-clock rate
# (io.caravel.store.bench.CpuCost): on a shared machine the wall-clock rate says how much of a core the
# benchmark thread got; operations per thread-CPU-second say what one core does for the store.
#   store/cpu-cost.sh [rounds] [puts per round] [reads per round]     (defaults 5 500000 1000000)
# Extra JVM options in $JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/put.jfr).
set -euo pipefail
store="$(cd "$(dirname "$0")" && pwd)"
cd "$store"
mvn -B -q -Pjmh test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/jmh-build/classpath.txt -Dmdep.includeScope=test
classpath="target/jmh-build/test-classes:target/jmh-build/classes:$(cat target/jmh-build/classpath.txt)"
exec java -Xms2g -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${JAVA_OPTS:-} \
    -cp "$classpath" io.caravel.store.bench.CpuCost "$@"
