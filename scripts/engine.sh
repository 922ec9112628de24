#!/usr/bin/env bash
# Private Docker Engine for Raptor's tests, plus the local test images.
#
#   scripts/engine.sh start    install docker.io, busybox-static and socat if missing, start a private dockerd
#                              (if not already answering; restarted if it answers but is wedged), build the test images if absent or stale
#   scripts/engine.sh stop     stop that dockerd (SIGTERM, bounded wait, then SIGKILL)
#   scripts/engine.sh env      print `export DOCKER_HOST=...` for: eval "$(scripts/engine.sh env)"
#   scripts/engine.sh status   exit 0 if the engine answers, 1 otherwise
#   scripts/engine.sh images   (re)build the test images if absent or stale (engine must be up)
#
# State lives in ${RAPTOR_ENGINE_DIR:-/var/tmp/raptor-engine}. The daemon is entirely private: its own
# socket, data root, exec root and pid file; it never touches /var/run/docker.sock. Must run as root.
# All messages go to stderr, prefixed "engine:".
#
# A second engine beside the shared one (tests that stop and start an engine under a running fleet):
# give it its own RAPTOR_ENGINE_DIR and RAPTOR_ENGINE_BRIDGE=<name>/<gateway CIDR> (e.g.
# raptorbr1/172.29.213.1/24). That bridge is created when missing, and the engine runs on it with
# --iptables=false: two engines managing iptables on one host rewrite each other's chains (dockerd
# recreates its chains when it starts), so the second one leaves iptables alone entirely. Its published
# ports are served by docker-proxy, which is all a loopback test needs.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
D="${RAPTOR_ENGINE_DIR:-/var/tmp/raptor-engine}"
SOCK="$D/docker.sock"
HOST="unix://$SOCK"
PIDFILE="$D/dockerd.pid"
LOG="$D/dockerd.log"
START_TIMEOUT="${RAPTOR_ENGINE_START_TIMEOUT:-60}"
BRIDGE_SPEC="${RAPTOR_ENGINE_BRIDGE:-}"
STOP_TIMEOUT="${RAPTOR_ENGINE_STOP_TIMEOUT:-30}"
export PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

log() { echo "engine: $*" >&2; }
die() { echo "engine: ERROR: $*" >&2; exit 1; }

# The docker CLI: any on PATH works (a client-only /usr/local/bin/docker negotiates the API version).
docker_cli() { timeout 20 docker -H "$HOST" "$@"; }

engine_answers() {
    [ -S "$SOCK" ] || return 1
    command -v docker >/dev/null 2>&1 || return 1
    timeout 10 docker -H "$HOST" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# true if $1 is a live process (a zombie is dead: PID 1 here may be slow to reap orphans)
alive() {
    local st
    [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
    st="$(sed -E 's/^.*\) ([A-Za-z]) .*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

pid_from_file() {
    if [ -f "$1" ]; then tr -dc '0-9' <"$1" 2>/dev/null || true; fi
}

# pid of OUR dockerd (from the pid file, alive, and really a dockerd on our socket); empty otherwise
daemon_pid() {
    local pid
    pid="$(pid_from_file "$PIDFILE")"
    alive "$pid" || return 0
    case "$(cmdline_of "$pid")" in
        *dockerd*"$SOCK"*) echo "$pid" ;;
    esac
}

# TERM, bounded wait, then KILL
terminate() { # pid what timeout_s
    local pid=$1 what=$2 t=$3 t0=$SECONDS
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid"; do
        if [ $((SECONDS - t0)) -ge "$t" ]; then
            log "$what (pid $pid) did not exit within ${t}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
    done
}

# The containerd that dockerd manages keeps its own pid file in the exec root. After a dockerd that
# died hard, that pid may be a zombie or an orphan: a new dockerd would then wait for it in vain
# ("containerd is still running" ... "timeout waiting for containerd to start"). Clear it.
clean_stale_containerd() {
    local cpf="$D/exec/containerd/containerd.pid" cpid
    [ -f "$cpf" ] || return 0
    cpid="$(pid_from_file "$cpf")"
    if alive "$cpid" && case "$(cmdline_of "$cpid")" in *containerd*"$D/exec/containerd/"*) true ;; *) false ;; esac then
        log "terminating orphaned containerd (pid $cpid) of a previous dockerd"
        terminate "$cpid" containerd 10
    fi
    rm -f "$cpf"
}

# dockerd bind-mounts its data root onto itself (for mount propagation) and undoes that on a clean
# shutdown only; after a killed dockerd the bind stays (harmless, reused by the next dockerd, but it
# makes `rm -rf $D` fail). Undo it once no dockerd runs. Only a self-bind is touched.
undo_root_bind_mount() {
    local p
    p="$(realpath -m "$D/data")"
    if awk -v p="$p" '$4 == p && $5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo 2>/dev/null; then
        umount "$p" 2>/dev/null || log "could not unmount the self-bind of $p"
    fi
}

ensure_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    # /usr/local/bin/docker may be a client-only binary; the Debian package brings /usr/bin/docker too
    if [ -x /bin/busybox ] && pkg_installed busybox-static; then :; else missing+=(busybox-static); fi
    if [ -n "$BRIDGE_SPEC" ] && ! command -v ip >/dev/null 2>&1; then missing+=(iproute2); fi
    # the test image's echo mode connects to a Unix socket, which busybox's nc cannot
    command -v socat >/dev/null 2>&1 || missing+=(socat)
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "need root to install ${missing[*]}"
    log "installing ${missing[*]} (apt)"
    local t0=$SECONDS created_policy=0
    # never let the package's postinst start the system dockerd/containerd
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    } || rc=$?
    if [ "$created_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
    [ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed (exit $rc)"
    command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
    log "installed ${missing[*]} in $((SECONDS - t0))s"
}

pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# true if the engine answers a request that goes through its network controller: Docker 20.10's libnetwork can
# deadlock (its store watcher deleting an endpoint while a container's exit releases its sandbox), after which
# `docker version` and `docker ps` still answer but every start, and `docker info`, waits forever.
engine_not_wedged() {
    timeout 20 docker -H "$HOST" info --format '{{.ID}}' >/dev/null 2>&1
}

start_daemon() {
    if engine_answers; then
        if engine_not_wedged; then
            log "dockerd already answering on $SOCK"
            return 0
        fi
        log "dockerd answers on $SOCK but 'docker info' does not within 20 s (its network controller is wedged): restarting it"
        stop_daemon
    fi
    mkdir -p "$D/data" "$D/exec"
    local pid
    pid="$(daemon_pid)"
    if [ -n "$pid" ]; then
        # alive but not answering yet: probably still starting; give it the same bounded wait
        log "dockerd (pid $pid) is running but not answering yet; waiting"
    else
        if [ -e "$PIDFILE" ] || [ -e "$SOCK" ]; then
            log "removing stale pid file / socket from a previous run"
            rm -f "$PIDFILE" "$SOCK"
        fi
        clean_stale_containerd
        local network=()
        if [ -n "$BRIDGE_SPEC" ]; then
            ensure_bridge
            network=(--bridge="${BRIDGE_SPEC%%/*}" --iptables=false --ip-masq=false --cgroup-parent="/$(basename "$D")")
        fi
        log "starting private dockerd (state in $D, log $LOG${BRIDGE_SPEC:+, bridge ${BRIDGE_SPEC%%/*}})"
        echo "===== $(date -Is) engine.sh start" >>"$LOG"
        setsid nohup dockerd \
            --storage-driver=vfs \
            --data-root "$D/data" \
            --exec-root "$D/exec" \
            -H "$HOST" \
            --pidfile "$PIDFILE" \
            "${network[@]}" \
            </dev/null >>"$LOG" 2>&1 9>&- &
        pid=$!
        disown "$pid" 2>/dev/null || true
    fi
    local t0=$SECONDS
    until engine_answers; do
        if ! alive "$pid"; then
            tail -n 40 "$LOG" >&2 || true
            die "dockerd exited during start-up (log above, full log: $LOG)"
        fi
        if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ]; then
            tail -n 40 "$LOG" >&2 || true
            die "dockerd did not answer on $SOCK within ${START_TIMEOUT}s (log above, full log: $LOG)"
        fi
        sleep 0.3
    done
    log "dockerd answering on $SOCK after $((SECONDS - t0))s (server $(docker_cli version --format '{{.Server.Version}}, API {{.Server.APIVersion}}'))"
}

# The bridge a second engine runs on (RAPTOR_ENGINE_BRIDGE=name/gateway-CIDR): made once, left in place.
ensure_bridge() {
    local name="${BRIDGE_SPEC%%/*}" cidr="${BRIDGE_SPEC#*/}"
    [ -n "$name" ] && [ "$cidr" != "$BRIDGE_SPEC" ] || die "RAPTOR_ENGINE_BRIDGE must be name/gateway-CIDR (was '$BRIDGE_SPEC')"
    [ "$name" != docker0 ] || die "RAPTOR_ENGINE_BRIDGE must not be docker0: that is the shared engine's"
    if ! ip link show "$name" >/dev/null 2>&1; then
        log "creating bridge $name ($cidr)"
        ip link add name "$name" type bridge
    fi
    local addresses
    addresses="$(ip -o addr show dev "$name")"
    case "$addresses" in
        *" $cidr "*) ;;
        *) ip addr add "$cidr" dev "$name" ;;
    esac
    ip link set "$name" up
}

stop_daemon() {
    local pid
    pid="$(daemon_pid)"
    if [ -z "$pid" ]; then
        if engine_answers; then
            die "an engine answers on $SOCK but its pid file $PIDFILE is missing or wrong; not killing blindly"
        fi
        log "dockerd not running"
        clean_stale_containerd
        undo_root_bind_mount
        rm -f "$PIDFILE" "$SOCK"
        return 0
    fi
    log "stopping dockerd (pid $pid)"
    local t0=$SECONDS
    terminate "$pid" dockerd "$STOP_TIMEOUT"
    clean_stale_containerd
    undo_root_bind_mount
    rm -f "$PIDFILE" "$SOCK"
    log "dockerd stopped after $((SECONDS - t0))s"
}

build_images() {
    DOCKER_HOST="$HOST" "$SCRIPT_DIR/test-image/build.sh"
}

# serialize start/stop/images between concurrent callers (never handed to dockerd: see 9>&- above)
lock() {
    mkdir -p "$D"
    exec 9>"$D/engine.lock"
    flock -w 600 9 || die "could not lock $D/engine.lock within 600s"
}

cmd="${1:-}"
case "$cmd" in
    start | stop | images) lock ;;
esac
case "$cmd" in
    start)
        t_all=$SECONDS
        ensure_packages
        start_daemon
        build_images
        log "ready in $((SECONDS - t_all))s: export DOCKER_HOST=$HOST"
        ;;
    stop)
        stop_daemon
        ;;
    env)
        echo "export DOCKER_HOST=$HOST"
        ;;
    status)
        if engine_answers; then
            log "up: $HOST"
            exit 0
        fi
        log "down: $HOST"
        exit 1
        ;;
    images)
        engine_answers || die "engine not answering on $SOCK; run: $0 start"
        build_images
        ;;
    *)
        echo "usage: $0 start|stop|env|status|images   (repo: $REPO_ROOT)" >&2
        exit 2
        ;;
esac
