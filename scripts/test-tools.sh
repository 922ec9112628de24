#!/usr/bin/env bash
# Tools the tests run for real, installed from Debian's packages when missing (as root):
#   jq              JsonLogTest reads raptord's JSON log line by line with it
#   prometheus      the metrics acceptance test starts a real Prometheus that scrapes raptord
#   systemd         SystemdUnitTest runs `systemd-analyze verify` on raptord.service (no running systemd needed)
#   openssh-client  sftp, ssh, ssh-keygen: raptor-sftp's tests log in with OpenSSH's own client
#   sshpass         types a password into sftp in batch mode
#   curl            the FTP and FTPS client of the FTP tests; HTTPS and HTTP/2 to the API (TLS tests)
#   openssl         the TLS tests make their own CA, certificates and keys with it
#   openssh-server  sshd and sftp-server, the reference raptor-bench's sftp scenario measures against
#   docker-registry the image tests push an image into a private registry they start, then pull it back
#   bsdutils        (script) raptorctl exec -it is driven in a real pseudo-terminal
#   chromium, chromium-driver  raptor-api's WebConsoleTest drives the built-in web console in headless Chromium
#   nodejs, npm     the Socket.IO tests run the npm socket.io-client (installed by `npm ci` from its lock file)
# Idempotent; scripts/test.sh runs it. Messages go to stderr, prefixed "tools:".
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

missing=()
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
{ command -v sftp >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; } || missing+=(openssh-client)
command -v sshpass >/dev/null 2>&1 || missing+=(sshpass)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
{ [ -x /usr/sbin/sshd ] && [ -x /usr/lib/openssh/sftp-server ]; } || missing+=(openssh-server)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ "${#missing[@]}" -eq 0 ] && exit 0

[ "$(id -u)" -eq 0 ] || { echo "tools: ERROR: need root to install ${missing[*]}" >&2; exit 1; }
echo "tools: installing ${missing[*]} (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
# A package's own service (prometheus.service, ssh.service, docker-registry.service) must not start here: the tests start what they need.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && made_policy=1
fi
rc=0
{ apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } || rc=$?
[ "$made_policy" -eq 1 ] && rm -f "$policy"
[ "$rc" -eq 0 ] || { echo "tools: ERROR: apt-get install ${missing[*]} failed (exit $rc)" >&2; exit 1; }
