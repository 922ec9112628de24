#!/usr/bin/env bash
# Runs Raptor's whole test suite on a fresh Debian machine (as root): finds JDK 25, installs and
# starts the private test Docker Engine with its test images (scripts/engine.sh), installs the tools the
# tests run (jq, prometheus, systemd-analyze; OpenSSH, sshpass and curl for SFTP/FTP: scripts/test-tools.sh), then builds every
# module and runs every test, engine tests included, and then runs the README's examples as written
# (scripts/readme-check.sh: on the process runtime, then on the test engine). Extra arguments go to Maven, e.g. -pl raptor-core, and skip the README check.
#
# A second private engine (own directory, own bridge, iptables left alone) serves the one test that stops
# and starts its engine under a running fleet (raptor-docker's EngineRestartTest): the shared engine above
# is never stopped. Override its place with RAPTOR_SECOND_ENGINE_DIR / RAPTOR_SECOND_ENGINE_BRIDGE.
# A two-node Docker Swarm (scripts/swarm.sh: two more private engines in network namespaces of their own) serves
# raptor-swarm's tests; the shared engine is never made part of it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
scripts/engine.sh start
scripts/test-tools.sh
export RAPTOR_SECOND_ENGINE_DIR="${RAPTOR_SECOND_ENGINE_DIR:-/var/tmp/raptor-engine-second}"
export RAPTOR_SECOND_ENGINE_BRIDGE="${RAPTOR_SECOND_ENGINE_BRIDGE:-raptorbr1/172.29.213.1/24}"
RAPTOR_ENGINE_DIR="$RAPTOR_SECOND_ENGINE_DIR" RAPTOR_ENGINE_BRIDGE="$RAPTOR_SECOND_ENGINE_BRIDGE" scripts/engine.sh start
# the two-node swarm raptor-swarm's tests run on (they start it themselves too; starting it here says early if it cannot)
scripts/swarm.sh start
eval "$(scripts/engine.sh env)"
echo "test: JAVA_HOME=$JAVA_HOME DOCKER_HOST=$DOCKER_HOST second engine: $RAPTOR_SECOND_ENGINE_DIR" >&2
./mvnw -B -ntp verify "$@"
if [ "$#" -eq 0 ]; then
    scripts/readme-check.sh
fi
