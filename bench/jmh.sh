#!/usr/bin/env bash
# JMH microbenchmarks of the servlet-free path (bench/PipelineJmh): ns/op and bytes
# allocated per op. Extra arguments go to JMH, e.g. "PipelineJmh.parse" or "-f 2".
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main -prof gc "$@"
