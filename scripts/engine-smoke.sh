#!/usr/bin/env bash
# Quick manual check of the private engine and the test image (for humans and CI debugging; the Java
# test suite does the real testing). Needs `scripts/engine.sh start` first. Exits non-zero on failure.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$("$SCRIPT_DIR/engine.sh" env)"
IMG="${RAPTOR_TEST_IMAGE:-raptor-test/gameserver:1}"
PREFIX="raptor-smoke-$$"
WORK="$(mktemp -d /tmp/raptor-smoke.XXXXXX)"
BG_PIDS=()

log() { echo "smoke: $*" >&2; }
fail() {
    echo "smoke: FAIL: $*" >&2
    exit 1
}
cleanup() {
    local ids
    ids="$(docker ps -aq --filter "name=$PREFIX" 2>/dev/null || true)"
    if [ -n "$ids" ]; then
        # shellcheck disable=SC2086  # one id per word
        docker rm -f $ids >/dev/null 2>&1 || true
    fi
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

"$SCRIPT_DIR/engine.sh" status 2>/dev/null || fail "engine not answering at $DOCKER_HOST; run scripts/engine.sh start"
docker image inspect "$IMG" >/dev/null 2>&1 || fail "image $IMG missing; run scripts/engine.sh start"

now_ms() { date +%s%3N; }

# wait_line FILE EXACT_LINE [TIMEOUT_S]
wait_line() {
    local file=$1 line=$2 t=${3:-10} end
    end=$(($(now_ms) + t * 1000))
    until grep -qxF -- "$line" "$file" 2>/dev/null; do
        if [ "$(now_ms)" -ge "$end" ]; then
            echo "---- $file:" >&2
            tail -n 20 "$file" >&2 || true
            fail "no line '$line' within ${t}s"
        fi
        sleep 0.05
    done
}

# wait_exit CONTAINER TIMEOUT_S -> prints exit code
wait_exit() {
    local c=$1 t=$2 code
    code="$(timeout "$t" docker wait "$c")" || fail "$c did not exit within ${t}s"
    echo "$code"
}

# ---------------------------------------------------------------------------------------------
log "1. interactive console (docker run -i): Done line, say, echo-env, flood, unknown, stop -> 0"
C="$PREFIX-console"
mkfifo "$WORK/in"
exec 4<>"$WORK/in"
docker run -i --name "$C" -e FOO=bar-baz "$IMG" <"$WORK/in" >"$WORK/console.out" 2>&1 &
BG_PIDS+=($!)
RUN_PID=$!
wait_line "$WORK/console.out" 'Done! For help, type "help"' 20
echo 'say hi' >&4
wait_line "$WORK/console.out" '[Server] hi'
echo 'echo-env FOO' >&4
wait_line "$WORK/console.out" 'bar-baz'
echo 'flood 5000' >&4
wait_line "$WORK/console.out" 'line 5000'
[ "$(grep -c '^line [0-9]*$' "$WORK/console.out")" -eq 5000 ] || fail "flood 5000 did not print exactly 5000 lines"
echo 'nonsense' >&4
wait_line "$WORK/console.out" 'Unknown command. Type "help" for help.'
t0=$(now_ms)
echo 'stop' >&4
wait_line "$WORK/console.out" 'Stopping server'
code="$(wait_exit "$C" 10)"
[ "$code" = 0 ] || fail "stop command: exit code $code, expected 0"
wait "$RUN_PID" || fail "docker run -i exited non-zero ($?) after stop"
exec 4>&-
log "   ok (stop -> exit 0 in $(($(now_ms) - t0)) ms)"

# ---------------------------------------------------------------------------------------------
log "2. crash -> exit 1"
C="$PREFIX-crash"
echo crash | docker run -i --name "$C" "$IMG" >"$WORK/crash.out" 2>&1 || true
code="$(wait_exit "$C" 10)"
[ "$code" = 1 ] || fail "crash: exit code $code, expected 1"
log "   ok"

# ---------------------------------------------------------------------------------------------
log "3. detached (stdin EOF) keeps running, answers TCP, docker stop -> exit 0 quickly"
C="$PREFIX-detached"
docker run -d --name "$C" -e SERVER_NAME=smoke -p 127.0.0.1::25565 "$IMG" >/dev/null
for _ in $(seq 1 100); do
    docker logs "$C" 2>&1 | grep -cxF 'Done! For help, type "help"' >/dev/null && break
    sleep 0.1
done
docker logs "$C" 2>&1 | grep -cxF 'Done! For help, type "help"' >/dev/null || fail "detached: no Done line"
sleep 1
[ "$(docker inspect -f '{{.State.Running}}' "$C")" = true ] || fail "detached: exited after stdin EOF"
hostport="$(docker port "$C" 25565/tcp | head -n 1)"
port="${hostport##*:}"
banner="$(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; head -n 1 <&3")" || fail "TCP connect to 127.0.0.1:$port failed"
[ "$banner" = "raptor-test-gameserver smoke" ] || fail "TCP banner '$banner'"
t0=$(now_ms)
docker stop -t 10 "$C" >/dev/null
took=$(($(now_ms) - t0))
code="$(docker inspect -f '{{.State.ExitCode}}' "$C")"
[ "$code" = 0 ] || fail "docker stop: exit code $code, expected 0"
[ "$took" -lt 3000 ] || fail "docker stop took ${took} ms (SIGTERM not handled promptly?)"
docker logs "$C" 2>&1 | grep -cxF 'Stopping server' >/dev/null || fail "docker stop: no 'Stopping server' line"
log "   ok (TCP banner on 127.0.0.1:$port, docker stop -> exit 0 in $took ms)"

# ---------------------------------------------------------------------------------------------
log "4. SIGTERM during BOOT_DELAY -> exit 0 quickly"
C="$PREFIX-boot"
docker run -d --name "$C" -e BOOT_DELAY=30 "$IMG" >/dev/null
sleep 1
t0=$(now_ms)
docker stop -t 10 "$C" >/dev/null
took=$(($(now_ms) - t0))
code="$(docker inspect -f '{{.State.ExitCode}}' "$C")"
[ "$code" = 0 ] || fail "stop during boot: exit code $code, expected 0"
[ "$took" -lt 3000 ] || fail "stop during boot took ${took} ms"
docker logs "$C" 2>&1 | grep -cF 'Done!' >/dev/null && fail "stop during boot: Done line printed anyway"
log "   ok ($took ms)"

# ---------------------------------------------------------------------------------------------
log "5. IGNORE_STOP=1: stop command ignored, SIGTERM ignored, docker stop -t 2 -> SIGKILL (137)"
C="$PREFIX-ignore"
exec 5<>"$WORK/in"
docker run -i --name "$C" -e IGNORE_STOP=1 "$IMG" <"$WORK/in" >"$WORK/ignore.out" 2>&1 &
BG_PIDS+=($!)
wait_line "$WORK/ignore.out" 'Done! For help, type "help"' 20
echo 'stop' >&5
wait_line "$WORK/ignore.out" '[Server] stop ignored (IGNORE_STOP=1)'
t0=$(now_ms)
docker stop -t 2 "$C" >/dev/null
took=$(($(now_ms) - t0))
code="$(docker inspect -f '{{.State.ExitCode}}' "$C")"
[ "$code" = 137 ] || fail "IGNORE_STOP docker stop: exit code $code, expected 137"
[ "$took" -ge 1900 ] || fail "IGNORE_STOP: container ended after ${took} ms, before the SIGKILL"
docker logs "$C" 2>&1 | grep -cxF '[Server] SIGTERM ignored (IGNORE_STOP=1)' >/dev/null || fail "IGNORE_STOP: SIGTERM not seen"
exec 5>&-
log "   ok (exit 137 after $took ms)"

# ---------------------------------------------------------------------------------------------
log "6. second tag raptor-test/gameserver:2 is a distinct image"
id1="$(docker image inspect -f '{{.Id}}' raptor-test/gameserver:1)"
id2="$(docker image inspect -f '{{.Id}}' raptor-test/gameserver:2)" || fail "raptor-test/gameserver:2 missing"
[ "$id1" != "$id2" ] || fail ":1 and :2 have the same image id"
log "   ok"

echo "smoke: 6 passed, 0 failed" >&2
