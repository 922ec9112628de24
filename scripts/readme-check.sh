#!/usr/bin/env bash
# Runs README.md's examples as written, so that a README edit that breaks one fails the suite: the fenced
# blocks marked <!-- readme-check: setup|curl|backups|updates|tour --> (the set-up of the examples' game, the curl
# walk-through, the backup walk-through, the update walk-through and the raptorctl tour), against a raptord with a fresh data directory under mktemp and free
# ports, once per runtime: `process` (a machine without Docker) and `docker` (the engine at DOCKER_HOST,
# which must answer: scripts/test.sh points it at the private test engine; its containers carry a node label
# of their own, RAPTOR_NODE, so other runs on that engine are not touched). On docker the blocks marked
# verbs-curl and verbs-ctl run too (images, commits, networks and exec over curl and raptorctl; the process
# runtime refuses images, commits and networks), with a private registry (Debian's docker-registry, which
# scripts/test-tools.sh installs) on a free port holding the examples' game as localhost:5000/games/lobby:1.
# Arguments choose the runtimes (default: process docker). The only changes made to the text are the README's
# fixed addresses: /var/lib/raptor-daemon becomes that data directory, 127.0.0.1:8080 the daemon's free port,
# and 25565 a free port for the block's game server; on docker also localhost:5000 that registry's port, and
# the names an engine shares between its users (the network eu-games, the image repository backups/lobby) get
# this run's suffix, so that runs sharing the engine do not take each other's.
#
# Steps run in order and the check fails at the first that fails: a non-zero exit (a curl or jq error, a
# raptorctl error), or an operation answered "status": "failed". A tour line whose comment says Ctrl-C
# (a live view) gets `say hi` on its input, runs for a few seconds and is then interrupted, as a user would.
#
# Needs root (the process runtime runs the examples' servers as the host account raptor-server) and installs
# curl and jq when they are missing. scripts/test.sh runs it after Maven; it runs on its own too (bin/raptord
# and bin/raptorctl build their jars when missing). Messages go to stderr, prefixed "readme-check:".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "readme-check: $*" >&2; }
die() { echo "readme-check: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root: the process runtime runs the examples' servers as the host account raptor-server"
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (apt), which the README's walk-through uses"
    { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2 || die "apt-get install ${missing[*]} failed"
fi

# The fenced block after the line <!-- readme-check: NAME -->.
block() {
    awk -v marker="<!-- readme-check: $1 -->" '
        $0 == marker { armed = 1; next }
        armed && /^```/ { if (inside) exit; inside = 1; next }
        armed && !inside && NF { exit }
        inside { print }
    ' README.md
}

# Sets variable $1 to a TCP port nothing listens on, on 127.0.0.1, not handed out before by this script.
taken=" "
free_port() {
    local p
    for _ in $(seq 1 500); do
        p=$((20000 + RANDOM % 40000))
        case "$taken" in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            taken="$taken$p "
            printf -v "$1" '%s' "$p"
            return 0
        fi
    done
    die "found no free port"
}

RUNTIMES=("$@")
[ "${#RUNTIMES[@]}" -gt 0 ] || RUNTIMES=(process docker)
for runtime in "${RUNTIMES[@]}"; do
    case "$runtime" in
        process) ;;
        docker) [ -n "${DOCKER_HOST:-}" ] || die "the docker pass needs DOCKER_HOST (scripts/engine.sh env), or name the runtimes: $0 process" ;;
        *) die "unknown runtime '$runtime' (process or docker)" ;;
    esac
done
DOCKER_BLOCKS=(verbs-curl verbs-ctl)
for name in setup curl backups updates tour "${DOCKER_BLOCKS[@]}"; do
    [ -n "$(block "$name")" ] || die "README.md has no fenced block after <!-- readme-check: $name -->"
done

WORK=""
LOGS=""
DAEMON=""
REGISTRY=""
REGISTRY_PORT=""
SUFFIX=""
unset RAPTOR_API_KEY RAPTOR_SOCKET RAPTOR_HOST DAEMON_DATA_DIR RAPTOR_NODE

# Removes what a failed step left (game servers outlive the daemon), stops the daemon, deletes its data.
teardown() {
    if [ -n "$DAEMON" ] && kill -0 "$DAEMON" 2>/dev/null; then
        local sock="$RAPTOR_DATA_DIR/raptor.sock" id
        for id in $(curl -s --max-time 10 --unix-socket "$sock" http://localhost/api/v1/servers | jq -r '.servers[].id' 2>/dev/null); do
            log "removing server $id, left by a step"
            curl -s --max-time 90 --unix-socket "$sock" -X DELETE "http://localhost/api/v1/servers/$id?force=true&timeout=60" >/dev/null || true
        done
        kill -TERM "$DAEMON" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$DAEMON" 2>/dev/null || true
    fi
    DAEMON=""
    if [ -n "$REGISTRY" ]; then
        kill -TERM "$REGISTRY" 2>/dev/null || true
        wait "$REGISTRY" 2>/dev/null || true
    fi
    REGISTRY=""
    if [ -n "$SUFFIX" ]; then
        # what a failed verbs block left on the engine under this run's names (gone already when the blocks passed)
        docker network rm "eu-games-$SUFFIX" >/dev/null 2>&1 || true
        docker rmi "backups/lobby-$SUFFIX:before-update" "localhost:$REGISTRY_PORT/games/lobby:1" >/dev/null 2>&1 || true
    fi
    SUFFIX=""
    [ -z "$WORK" ] || rm -rf "$WORK"
    [ -z "$LOGS" ] || rm -rf "$LOGS"
    WORK=""
    LOGS=""
}

cleanup() {
    local rc=$?
    trap - EXIT
    if [ "$rc" -ne 0 ] && [ -n "$LOGS" ] && [ -f "$LOGS/raptord.log" ]; then
        echo "readme-check: the daemon's log (last 40 lines):" >&2
        tail -n 40 "$LOGS/raptord.log" >&2 || true
    fi
    teardown
    exit "$rc"
}
trap cleanup EXIT

# The README's text with its fixed addresses replaced; $1 is the port for the block's game server.
placed() {
    sed -e "s#127\\.0\\.0\\.1:8080#127.0.0.1:$API_PORT#g" -e "s#/var/lib/raptor-daemon#$RAPTOR_DATA_DIR#g" -e "s#25565#$1#g"
}

# On docker, placed text with the registry's port and this run's names for what the engine shares between its users.
placed_docker() {
    placed "$1" | sed -e "s#localhost:5000#localhost:$REGISTRY_PORT#g" -e "s#eu-games#eu-games-$SUFFIX#g" \
        -e "s#backups/lobby#backups/lobby-$SUFFIX#g" -e "s#backups%2Flobby#backups%2Flobby-$SUFFIX#g"
}

# A registry (no login) on a free port of 127.0.0.1, storing under $WORK, holding the examples' game as
# localhost:PORT/games/lobby:1 (pushed by the engine, whose own tag is then removed so that the README pulls it).
start_registry() {
    command -v docker-registry >/dev/null 2>&1 || die "docker-registry is missing: scripts/test-tools.sh installs it"
    free_port REGISTRY_PORT
    mkdir -p "$WORK/registry"
    cat >"$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YAML
    docker-registry serve "$WORK/registry.yml" >"$LOGS/registry.log" 2>&1 &
    REGISTRY=$!
    local i
    for i in $(seq 1 60); do
        curl -s --max-time 2 "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null 2>&1 && break
        kill -0 "$REGISTRY" 2>/dev/null || die "docker-registry exited: $(tail -n 5 "$LOGS/registry.log")"
        [ "$i" -lt 60 ] || die "docker-registry did not serve within 30 seconds"
        sleep 0.5
    done
    local ref="localhost:$REGISTRY_PORT/games/lobby:1"
    { docker tag raptor-test/gameserver:1 "$ref" && docker push -q "$ref" && docker rmi "$ref"; } >&2 \
        || die "could not push the examples' game into the registry as $ref"
    log "registry at localhost:$REGISTRY_PORT holds $ref"
}

# Runs "$@" with its output shown and kept in file $1; sets RC to the command's exit status.
teed() {
    local out=$1
    shift
    set +e
    "$@" 2>&1 | tee "$out"
    RC=${PIPESTATUS[0]}
    set -e
}

# A README block as a bash script: each command echoed as written, the first that fails ends it.
steps() {
    bash -c 'set -eEuo pipefail; trap '\''printf "+ %s\n" "$BASH_COMMAND" >&2'\'' DEBUG
'"$1" </dev/null
}

# A live view ("Ctrl-C to quit"): `say hi` typed after a second, interrupted after ten.
interrupted() (
    set +o pipefail
    { sleep 1; echo "say hi"; sleep 4; } | timeout -s INT 10 bash -c "$1"
)

# Runs one script (a README block); fails on any failing command or failed operation.
run_block() {
    local name=$1 script=$2 out="$LOGS/$1.out"
    log "--- $name ($RAPTOR_RUNTIME)"
    teed "$out" steps "$script"
    [ "$RC" -eq 0 ] || die "a step of the README's $name block failed on the $RAPTOR_RUNTIME runtime (the last '+' line above)"
    if grep -Eq '"status": ?"failed"' "$out"; then
        die "an operation in the README's $name block failed on the $RAPTOR_RUNTIME runtime: $(grep -E -m1 '"reason"' "$out" || true)"
    fi
}

# The whole README against a fresh daemon on runtime $1.
check_on() {
    local runtime=$1
    WORK="$(mktemp -d /tmp/raptor-readme.XXXXXX)"
    chmod 0711 "$WORK" # the server account must pass to reach its volume below
    LOGS="$(mktemp -d /tmp/raptor-readme-logs.XXXXXX)"
    free_port API_PORT
    export RAPTOR_DATA_DIR="$WORK/data" RAPTOR_HTTP_ADDR="127.0.0.1:$API_PORT" RAPTOR_RUNTIME="$runtime"
    # the examples use no SFTP; its fixed default port would clash with another daemon on this machine
    export RAPTOR_SFTP_ADDR=off
    if [ "$runtime" = docker ]; then
        # the engine may be shared: this run's containers carry a label of their own and the daemon sees only those
        export RAPTOR_NODE="readme-check-$(basename "$WORK" | tr 'A-Z.' 'a-z-')"
        # the examples' image as this checkout builds it (raptor-gameserver on its PATH), rebuilt if stale: on a
        # shared engine a checkout with other test-image sources may have rebuilt it since scripts/engine.sh start
        if [ "$DOCKER_HOST" = "$(scripts/engine.sh env | sed 's/^export DOCKER_HOST=//')" ]; then
            scripts/engine.sh images >&2 || die "could not build the test images on $DOCKER_HOST"
        else
            scripts/test-image/build.sh >&2 || die "could not build the test images on $DOCKER_HOST"
        fi
    else
        unset RAPTOR_NODE
    fi

    log "raptord on the $runtime runtime: data $RAPTOR_DATA_DIR, API 127.0.0.1:$API_PORT${RAPTOR_NODE:+, node $RAPTOR_NODE}"
    bin/raptord >"$LOGS/raptord.log" 2>&1 &
    DAEMON=$!
    local i
    for i in $(seq 1 360); do
        curl -s --max-time 2 "http://127.0.0.1:$API_PORT/api/v1/health" >/dev/null 2>&1 && break
        kill -0 "$DAEMON" 2>/dev/null || die "raptord exited before it served"
        [ "$i" -lt 360 ] || die "raptord did not serve within 3 minutes"
        sleep 0.5
    done
    grep -q "runtime: *$runtime " "$LOGS/raptord.log" || die "raptord did not pick the $runtime runtime: $(grep -m1 'runtime:' "$LOGS/raptord.log" || true)"

    free_port setup_port
    free_port curl_port
    free_port backups_port
    free_port updates_port
    free_port tour_port
    run_block setup "$(block setup | placed "$setup_port")"
    run_block curl "$(block curl | placed "$curl_port")"
    run_block backups "$(block backups | placed "$backups_port")"
    run_block updates "$(block updates | placed "$updates_port")"
    rm -rf backup.tar.zst by-link.tar.zst world.tar.gz elsewhere # the backups block's files, in the checkout
    if [ "$runtime" = docker ]; then
        SUFFIX="$(basename "$WORK" | sed 's/^.*\.//' | tr 'A-Z' 'a-z')"
        start_registry
        local name
        for name in "${DOCKER_BLOCKS[@]}"; do
            free_port block_port
            run_block "$name" "$(block "$name" | placed_docker "$block_port")"
        done
    fi

    log "--- tour ($runtime)"
    local n=0 line out
    while IFS= read -r line; do
        [ -n "${line//[[:space:]]/}" ] || continue
        n=$((n + 1))
        echo "+ $line" >&2
        out="$LOGS/tour-$n.out"
        if [[ "$line" == *Ctrl-C* ]]; then
            teed "$out" interrupted "$line"
            # 124: still running when interrupted, like a user's Ctrl-C
            [ "$RC" -eq 0 ] || [ "$RC" -eq 124 ] || die "tour step $n failed on the $runtime runtime with exit code $RC: $line"
            [ -s "$out" ] || die "tour step $n printed nothing on the $runtime runtime: $line"
        else
            teed "$out" timeout 300 bash -c "$line" </dev/null
            [ "$RC" -eq 0 ] || die "tour step $n failed on the $runtime runtime with exit code $RC: $line"
        fi
    done < <(block tour | placed "$tour_port")

    log "every step of the README's set-up, curl walk-through, backup walk-through, update walk-through${REGISTRY:+, images, commits and networks} and raptorctl tour passed on the $runtime runtime"
    teardown
}

for runtime in "${RUNTIMES[@]}"; do
    check_on "$runtime"
done
