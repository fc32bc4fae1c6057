#!/usr/bin/env bash
# The load benchmark of README's performance section: the built WAR and a bare servlet on
# one Tomcat 10.1 (fetched by the build), driven in turns by wrk at 2 and 32 connections.
# Extra arguments go to Maven, e.g. -Dload.seconds=600 -Dload.connections=2 for a soak run,
# -Dload.baselineWar=/path/to/other.war for a before/after in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  # wrk is Debian's package; install it as root (as CI does) or with sudo
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y wrk || { $SUDO apt-get update && $SUDO apt-get install -y wrk; }
fi
# the WAR, the test classes and the unpacked Tomcat, without running the test suites
mvn -B -q -DskipTests package dependency:unpack@unpack-containers
mvn -B -q exec:exec@load-benchmark "$@"
