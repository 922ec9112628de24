#!/usr/bin/env bash
# Runs Raptor's whole test suite on a fresh Debian machine (as root): finds JDK 25, installs and
# starts the private test Docker Engine with its test images (scripts/engine.sh), installs the tools the
# tests run (jq, prometheus, systemd-analyze; OpenSSH, sshpass and curl for SFTP/FTP: scripts/test-tools.sh), then builds every
# module and runs every test, engine tests included, and then runs the README's examples as written
# (scripts/readme-check.sh: on the process runtime, then on the test engine). Extra arguments go to Maven, e.g. -pl raptor-core, and skip the README check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
scripts/engine.sh start
scripts/test-tools.sh
eval "$(scripts/engine.sh env)"
echo "test: JAVA_HOME=$JAVA_HOME DOCKER_HOST=$DOCKER_HOST" >&2
./mvnw -B -ntp verify "$@"
if [ "$#" -eq 0 ]; then
    scripts/readme-check.sh
fi
