#!/usr/bin/env bash
# A two-node Docker Swarm on this one machine, for raptor-swarm's tests and for trying the swarm runtime.
#
#   scripts/swarm.sh start    (or up) make the network, the registry and both engines if missing, form the swarm, push
#                             the test images to the registry (idempotent: a swarm that answers with two ready nodes
#                             that trust the registry is left as it is)
#   scripts/swarm.sh stop     (or down) stop both engines and the registry (their pids only), remove their namespaces,
#                             links and state
#   scripts/swarm.sh env      print the exports that point Raptor (and the tests) at the swarm:
#                             RAPTOR_SWARM_MANAGER, RAPTOR_SWARM_NODES (hostname=engine,...), RAPTOR_SWARM_NODE_IPS,
#                             RAPTOR_SWARM_REGISTRY (host:port of the registry the nodes pull from),
#                             RAPTOR_SWARM_TLS_NODES (each node's engine over TLS, hostname=tcp://ip:2376,...) and
#                             RAPTOR_SWARM_TLS_CERTS (the client's ca.pem, cert.pem and key.pem for them)
#   scripts/swarm.sh status   exit 0 if the swarm answers with two ready nodes
#   scripts/swarm.sh stop-node N    stop node N's engine only (N = 2: the worker), as a machine that goes down; its
#                                   namespace, state and swarm membership stay (raptor-swarm's node-unavailable test)
#   scripts/swarm.sh start-node N   start node N's engine again and wait until the swarm has two ready nodes
#
# Each node is a private dockerd in a network namespace of its own (raptor-sw1, raptor-sw2) and a UTS
# namespace of its own (so the swarm sees two hostnames, raptor-sw1 and raptor-sw2), joined to the host by a
# veth pair on the bridge raptorsw0 (10.231.7.1/24; the nodes are .11 and .12). Inside its namespace each
# engine has its own container bridge (rswbr1/rswbr2 with their own subnets) and its own iptables: the host's
# iptables, its docker0 and the shared test engine (scripts/engine.sh) are never touched, and that engine is
# never made a swarm manager. Sockets, data and exec roots live under ${RAPTOR_SWARM_DIR:-/var/tmp/raptor-swarm}.
# Images are shared the way a real swarm shares them, through a registry: Debian's docker-registry (distribution 2.x)
# runs on the host's end of the bridge (10.231.7.1:${RAPTOR_SWARM_REGISTRY_PORT:-5000}, config and storage under
# $D/registry), both engines trust it as an insecure (plain HTTP) registry, and the test images are built once on
# node 1 (scripts/test-image/build.sh) and pushed there as <registry>/raptor-test/gameserver:<tag>; a node pulls an
# image the first time a server of it is placed there. The engines run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 (a
# task uses the node's copy of its image when it has one, instead of asking the registry again).
# Each engine also listens on tcp://<its address>:2376 with TLS and client certificates (dockerd --tlsverify), from a
# CA this script makes once under $D/tls (openssl): the engine's certificate names its address and hostname, and
# $D/tls/client holds a client certificate of that CA as DOCKER_CERT_PATH would (ca.pem, cert.pem, key.pem).
# Must run as root. Messages go to stderr, prefixed "swarm:".
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
D="${RAPTOR_SWARM_DIR:-/var/tmp/raptor-swarm}"
BRIDGE="raptorsw0"
PREFIX="10.231.7"
START_TIMEOUT="${RAPTOR_SWARM_START_TIMEOUT:-90}"
NODES=(1 2)
REGISTRY_PORT="${RAPTOR_SWARM_REGISTRY_PORT:-5000}"
REGISTRY="$PREFIX.1:$REGISTRY_PORT"
TLS_PORT=2376
# what the tests run, pushed to the registry under its name (plus raptor-test/helper:1, the swarm runtime's helper image)
TEST_TAGS=(1 2 echo messages)
export PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

log() { echo "swarm: $*" >&2; }
die() { echo "swarm: ERROR: $*" >&2; exit 1; }

ns() { echo "raptor-sw$1"; }
ip_of() { echo "$PREFIX.$((10 + $1))"; }
sock() { echo "$D/n$1/docker.sock"; }
dk() { local n=$1; shift; timeout 30 docker -H "unix://$(sock "$n")" "$@"; }

alive() {
    local st
    [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
    st="$(sed -E 's/^.*\) ([A-Za-z]) .*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# pid of node N's dockerd: from its pid file, alive, and a dockerd on its own socket; empty otherwise
daemon_pid() {
    local pid
    pid="$( (tr -dc '0-9' <"$D/n$1/dockerd.pid") 2>/dev/null || true)"
    alive "$pid" || return 0
    case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in
        *dockerd*"$(sock "$1")"*) echo "$pid" ;;
    esac
}

answers() { [ -S "$(sock "$1")" ] && dk "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

swarm_ready() {
    answers 1 && answers 2 || return 1
    [ "$(dk 1 info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null)" = "active true" ] || return 1
    [ "$(dk 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$')" -eq 2 ]
}

network_up() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add name "$BRIDGE" type bridge
    fi
    # `ip addr replace` is idempotent: never `ip ... | grep -q` under pipefail (grep leaves at the first match, ip
    # dies of SIGPIPE on its next line, and the pipeline says "not found" about one time in ten)
    ip addr replace "$PREFIX.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    # Bridged frames pass the host's FORWARD chain (br_netfilter), whose policy a Docker Engine sets to DROP: let
    # the nodes talk to each other (and only on this bridge). Nothing of the shared engine's rules is changed.
    iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null ||
        iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
    local n
    for n in "${NODES[@]}"; do
        local name host_end="rsw${n}h"
        name="$(ns "$n")"
        [ -e "/var/run/netns/$name" ] || ip netns add "$name"
        if ! ip link show "$host_end" >/dev/null 2>&1; then
            ip link add "$host_end" type veth peer name eth0 netns "$name"
        fi
        ip link set "$host_end" master "$BRIDGE" up
        ip netns exec "$name" ip link set lo up
        ip netns exec "$name" ip addr replace "$(ip_of "$n")/24" dev eth0
        ip netns exec "$name" ip link set eth0 up
        # the engine's own container bridge, inside its namespace, on a subnet of its own
        if ! ip netns exec "$name" ip link show "rswbr$n" >/dev/null 2>&1; then
            ip netns exec "$name" ip link add name "rswbr$n" type bridge
        fi
        ip netns exec "$name" ip addr replace "10.231.$((100 + n)).1/24" dev "rswbr$n"
        ip netns exec "$name" ip link set "rswbr$n" up
    done
}

start_engine() {
    local n=$1 dir="$D/n$1"
    if answers "$n"; then
        return 0
    fi
    mkdir -p "$dir/data" "$dir/exec"
    local pid
    pid="$(daemon_pid "$n")"
    if [ -z "$pid" ]; then
        rm -f "$dir/dockerd.pid" "$(sock "$n")"
        log "starting node $n's dockerd in namespace $(ns "$n") ($(ip_of "$n"), log $dir/dockerd.log)"
        # the engine's containerd keeps a pid file that a hard-killed predecessor leaves behind
        rm -f "$dir/exec/containerd/containerd.pid"
        # nsenter, not `ip netns exec`: that one mounts a fresh /sys, which hides the cgroup mounts dockerd needs
        setsid nohup nsenter --net="/var/run/netns/$(ns "$n")" unshare --uts -- sh -c "hostname $(ns "$n") && exec \"\$@\"" sh \
            env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd \
            --storage-driver=vfs \
            --data-root "$dir/data" \
            --insecure-registry "$REGISTRY" \
            -H "tcp://$(ip_of "$n"):$TLS_PORT" \
            --tlsverify --tlscacert "$D/tls/ca.pem" --tlscert "$D/tls/n$n-cert.pem" --tlskey "$D/tls/n$n-key.pem" \
            --exec-root "$dir/exec" \
            -H "unix://$(sock "$n")" \
            --pidfile "$dir/dockerd.pid" \
            --bridge "rswbr$n" \
            --default-address-pool "base=10.232.$((n * 16)).0/20,size=24" \
            --cgroup-parent "/raptor-sw$n" \
            </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
        disown $! 2>/dev/null || true
    fi
    local t0=$SECONDS
    until answers "$n"; do
        if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ] || { [ $((SECONDS - t0)) -ge 3 ] && [ -z "$(daemon_pid "$n")" ]; }; then
            tail -n 30 "$dir/dockerd.log" >&2 || true
            die "node $n's dockerd did not answer on $(sock "$n") within ${START_TIMEOUT}s"
        fi
        sleep 0.3
    done
}

form_swarm() {
    if [ "$(dk 1 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
        log "swarm init on node 1 ($(ip_of 1))"
        dk 1 swarm init --advertise-addr "$(ip_of 1)" --listen-addr "$(ip_of 1):2377" >/dev/null
    fi
    if [ "$(dk 2 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
        local token
        token="$(dk 1 swarm join-token -q worker)"
        log "node 2 ($(ip_of 2)) joins"
        dk 2 swarm join --token "$token" --advertise-addr "$(ip_of 2)" --listen-addr "$(ip_of 2):2377" "$(ip_of 1):2377" >/dev/null
    fi
    local t0=$SECONDS
    until swarm_ready; do
        [ $((SECONDS - t0)) -lt "$START_TIMEOUT" ] || die "the swarm has not two ready nodes after ${START_TIMEOUT}s: $(dk 1 node ls 2>&1)"
        sleep 0.5
    done
}

stop_engine() {
    local n=$1 dir="$D/n$1" pid t0
    pid="$(daemon_pid "$n")"
    if [ -n "$pid" ]; then
        log "stopping node $n's dockerd (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        t0=$SECONDS
        while alive "$pid" && [ $((SECONDS - t0)) -lt 30 ]; do sleep 0.2; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    elif answers "$n"; then
        die "an engine answers on $(sock "$n") but its pid file is missing or wrong; not killing blindly"
    fi
    local cpid
    cpid="$( (tr -dc '0-9' <"$dir/exec/containerd/containerd.pid") 2>/dev/null || true)"
    if alive "$cpid" && [[ "$(tr '\0' ' ' <"/proc/$cpid/cmdline" 2>/dev/null)" == *"$dir/exec/containerd/"* ]]; then
        kill -TERM "$cpid" 2>/dev/null || true
    fi
}

network_down() {
    local n
    for n in "${NODES[@]}"; do
        ip link del "rsw${n}h" 2>/dev/null || true
        ip netns del "$(ns "$n")" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    while iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do :; done
}

registry_pid() {
    local pid
    pid="$( (tr -dc '0-9' <"$D/registry/registry.pid") 2>/dev/null || true)"
    alive "$pid" || return 0
    case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in
        *docker-registry*"$D/registry/config.yml"*) echo "$pid" ;;
    esac
}

registry_answers() { curl -fsS -m 5 -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; }

start_registry() {
    local dir="$D/registry"
    if registry_answers; then
        return 0
    fi
    mkdir -p "$dir/data"
    if [ -z "$(registry_pid)" ]; then
        cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
        log "starting the registry on $REGISTRY (docker-registry, storage $dir/data, log $dir/registry.log)"
        setsid nohup docker-registry serve "$dir/config.yml" </dev/null >>"$dir/registry.log" 2>&1 9>&- &
        echo $! >"$dir/registry.pid"
        disown $! 2>/dev/null || true
    fi
    local t0=$SECONDS
    until registry_answers; do
        if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ] || { [ $((SECONDS - t0)) -ge 3 ] && [ -z "$(registry_pid)" ]; }; then
            tail -n 30 "$dir/registry.log" >&2 || true
            die "the registry did not answer on http://$REGISTRY/v2/ within ${START_TIMEOUT}s"
        fi
        sleep 0.3
    done
}

stop_registry() {
    local pid t0
    pid="$(registry_pid)"
    [ -n "$pid" ] || return 0
    log "stopping the registry (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    t0=$SECONDS
    while alive "$pid" && [ $((SECONDS - t0)) -lt 15 ]; do sleep 0.2; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
}

# the CA, each engine's certificate (its address and hostname) and a client's, made once
make_tls() {
    local t="$D/tls" n
    [ -s "$t/client/key.pem" ] && return 0
    log "making the engines' TLS CA and certificates in $t (openssl)"
    rm -rf "$t"
    mkdir -p "$t/client"
    chmod 700 "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/ca-key.pem" -out "$t/ca.pem" -days 3650 -subj /CN=raptor-swarm-ca 2>/dev/null
    sign() { # name extensions
        printf '%b' "$2" >"$t/$1.ext"
        openssl req -newkey rsa:2048 -nodes -keyout "$t/$1-key.pem" -out "$t/$1.csr" -subj "/CN=$1" 2>/dev/null
        openssl x509 -req -in "$t/$1.csr" -CA "$t/ca.pem" -CAkey "$t/ca-key.pem" -CAcreateserial -out "$t/$1-cert.pem" \
            -days 3650 -extfile "$t/$1.ext" 2>/dev/null
    }
    for n in "${NODES[@]}"; do
        sign "n$n" "subjectAltName=IP:$(ip_of "$n"),DNS:$(ns "$n")\nextendedKeyUsage=serverAuth\n"
    done
    sign client "extendedKeyUsage=clientAuth\n"
    cp "$t/ca.pem" "$t/client/ca.pem"
    mv "$t/client-cert.pem" "$t/client/cert.pem"
    mv "$t/client-key.pem" "$t/client/key.pem"
}

# whether node N's engine answers over TLS with the client certificate
serves_tls() {
    curl -fsS -m 5 -o /dev/null --cacert "$D/tls/ca.pem" --cert "$D/tls/client/cert.pem" --key "$D/tls/client/key.pem" \
        "https://$(ip_of "$1"):$TLS_PORT/_ping" 2>/dev/null
}

# whether node N's engine trusts the registry (an engine started before the registry was part of the swarm does not)
trusts_registry() { dk "$1" info --format '{{json .RegistryConfig.IndexConfigs}}' 2>/dev/null | grep -qF "\"$REGISTRY\""; }

# builds the test images on node 1 and pushes them once; node 2 pulls what it runs
push_images() {
    DOCKER_HOST="unix://$(sock 1)" "$SCRIPT_DIR/test-image/build.sh"
    local t
    for t in "${TEST_TAGS[@]}"; do
        dk 1 tag "raptor-test/gameserver:$t" "$REGISTRY/raptor-test/gameserver:$t"
    done
    # the swarm runtime's helper image in the tests (anything with rm does; busybox here)
    dk 1 tag "raptor-test/gameserver:1" "$REGISTRY/raptor-test/helper:1"
    for ref in "${TEST_TAGS[@]/#/$REGISTRY/raptor-test/gameserver:}" "$REGISTRY/raptor-test/helper:1"; do
        timeout 120 docker -H "unix://$(sock 1)" push -q "$ref" >/dev/null || die "pushing $ref to the registry failed"
    done
    log "test images pushed to $REGISTRY"
}

env_lines() {
    echo "export RAPTOR_SWARM_MANAGER=unix://$(sock 1)"
    echo "export RAPTOR_SWARM_NODES=$(ns 1)=unix://$(sock 1),$(ns 2)=unix://$(sock 2)"
    echo "export RAPTOR_SWARM_NODE_IPS=$(ns 1)=$(ip_of 1),$(ns 2)=$(ip_of 2)"
    echo "export RAPTOR_SWARM_REGISTRY=$REGISTRY"
    echo "export RAPTOR_SWARM_TLS_NODES=$(ns 1)=tcp://$(ip_of 1):$TLS_PORT,$(ns 2)=tcp://$(ip_of 2):$TLS_PORT"
    echo "export RAPTOR_SWARM_TLS_CERTS=$D/tls/client"
}

lock() {
    mkdir -p "$D"
    exec 9>"$D/swarm.lock"
    flock -w 600 9 || die "could not lock $D/swarm.lock within 600s"
}

case "${1:-}" in
    start|up)
        [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, dockerd)"
        lock
        command -v dockerd >/dev/null 2>&1 || "$SCRIPT_DIR/engine.sh" start # installs docker.io, busybox, socat
        if ! command -v ip >/dev/null 2>&1 || ! command -v nsenter >/dev/null 2>&1 || ! command -v docker-registry >/dev/null 2>&1 ||
            ! command -v curl >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
            # openssl: raptor-swarm's TLS test makes its CA and certificates with it
            log "installing iproute2, util-linux, docker-registry, curl and openssl (apt)"
            DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iproute2 util-linux docker-registry curl openssl >&2
        fi
        t_all=$SECONDS
        network_up
        start_registry
        make_tls
        for n in "${NODES[@]}"; do
            if answers "$n" && { ! trusts_registry "$n" || ! serves_tls "$n"; }; then
                # started before the registry and TLS were part of the swarm: once, again with their flags
                log "node $n's engine does not trust $REGISTRY or serve TLS yet: restarting it"
                stop_engine "$n"
                t0=$SECONDS
                while answers "$n" && [ $((SECONDS - t0)) -lt 30 ]; do sleep 0.2; done
            fi
        done
        if swarm_ready; then
            log "swarm already up"
        else
            start_engine 1
            start_engine 2
            form_swarm
        fi
        push_images
        log "ready in $((SECONDS - t_all))s: eval \"\$($0 env)\""
        ;;
    stop|down)
        lock
        stop_engine 2
        stop_engine 1
        stop_registry
        network_down
        for n in "${NODES[@]}"; do
            # a dockerd leaves its data root bind-mounted onto itself after a hard kill; then the state can go
            p="$(realpath -m "$D/n$n/data")"
            while awk -v p="$p" '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo 2>/dev/null; do umount "$p" || break; done
            rm -rf "${D:?}/n$n"
        done
        rm -rf "${D:?}/registry" "${D:?}/tls"
        log "stopped"
        ;;
    env)
        env_lines
        ;;
    stop-node|start-node)
        [ "$(id -u)" -eq 0 ] || die "must run as root"
        n="${2:-}"
        case "$n" in 1|2) ;; *) die "usage: $0 $1 1|2" ;; esac
        lock
        if [ "$1" = stop-node ]; then
            stop_engine "$n"
            log "node $n's engine is stopped"
        else
            start_engine "$n"
            t0=$SECONDS
            until swarm_ready; do
                [ $((SECONDS - t0)) -lt "$START_TIMEOUT" ] || die "node $n is back but the swarm has not two ready nodes after ${START_TIMEOUT}s"
                sleep 0.5
            done
            log "node $n is back and the swarm has two ready nodes"
        fi
        ;;
    status)
        if swarm_ready; then log "up"; exit 0; fi
        log "down"
        exit 1
        ;;
    *)
        echo "usage: $0 start|up|stop|down|env|status|stop-node N|start-node N" >&2
        exit 2
        ;;
esac
