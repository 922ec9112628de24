#!/bin/sh
# Raptor's fake game server: the entrypoint of the test image raptor-test/gameserver (busybox ash).
# It runs as PID 1 in the container, so every signal it should react to has an explicit trap.
#
# Environment:
#   BOOT_DELAY   seconds between the boot line and the Done line (default 0; fractions allowed)
#   SERVER_PORT  TCP port to listen on (default 25565); each connection gets one line and is closed
#   SERVER_NAME  name in that line (default "unnamed")
#   IGNORE_STOP  1: ignore the "stop" command and SIGTERM/SIGINT (only SIGKILL ends it)
#   ECHO_MESSAGES 1: echo mode: connect to the message socket $RAPTOR_SOCKET (Raptor's "messaging"), and for
#                every message {"id":N,"message":M} write M back, then acknowledge it with {"ack":N}; any other
#                line is echoed as it came. A message written again after a restart is echoed again: skipping
#                ids already seen would lose the echoes that died unsent with the previous run, so the echo's
#                reader de-duplicates instead. Reconnects whenever the connection ends (the daemon restarted)
#                or the socket is not there yet. (`gameserver.sh --echo-connection` is one connection's loop.)
#
# Console commands (stdin, one per line):
#   stop | say TEXT | crash | flood N | echo-env NAME | help   (anything else: "Unknown command...")
# On stdin EOF it keeps running (listening, reacting to signals) until stopped.
#
# Design: the console is read by a background subshell whose exit status tells the main shell what
# happened (0 stop, 1 crash, 3 EOF). The main shell only ever blocks in the `wait` builtin, which a
# trapped signal interrupts at once, so SIGTERM is honoured promptly in every phase.

_gs_port="${SERVER_PORT:-25565}"
_gs_name="${SERVER_NAME:-unnamed}"
_gs_ignore="${IGNORE_STOP:-0}"
_gs_listener=""
_gs_console=""
_gs_echo=""
_gs_cr=$(printf '\r')

out() { printf '%s\n' "$*"; }

cleanup() {
    # as PID 1 our exit takes everything down anyway; this matters when run outside a container
    [ -n "$_gs_console" ] && kill "$_gs_console" 2>/dev/null
    [ -n "$_gs_listener" ] && kill "$_gs_listener" 2>/dev/null
    [ -n "$_gs_echo" ] && kill "$_gs_echo" 2>/dev/null
}

on_signal() {
    if [ "$_gs_ignore" = 1 ]; then
        out "[Server] $1 ignored (IGNORE_STOP=1)"
        return 0
    fi
    out "Stopping server"
    cleanup
    exit 0
}

trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT

# wait for pid $1, resuming after a trap that returned (IGNORE_STOP); sets _gs_status
wait_for() {
    while :; do
        wait "$1"
        _gs_status=$?
        if [ "$_gs_status" -gt 128 ] && kill -0 "$1" 2>/dev/null; then
            continue  # interrupted by a trapped signal, child still running
        fi
        return 0
    done
}

# block forever, but interruptibly
idle_forever() {
    while :; do
        sleep 3600 &
        wait_for $!
    done
}

is_listening() {
    _gs_hex=$(printf '%04X' "$_gs_port")
    grep -q ":$_gs_hex 00000000:0000 0A" /proc/net/tcp 2>/dev/null ||
        grep -q ":$_gs_hex 00000000000000000000000000000000:0000 0A" /proc/net/tcp6 2>/dev/null
}

start_listener() {
    case "$_gs_port" in '' | *[!0-9]*) out "[Server] invalid SERVER_PORT '$_gs_port', not listening"; return 0 ;; esac
    # busybox nc: -ll with -e = persistent server, one forked PROG per connection. Through `busybox nc` where busybox
    # is on PATH: a host running this under the process runtime has busybox-static but no `nc`, or another netcat.
    _gs_nc=nc
    command -v busybox >/dev/null 2>&1 && _gs_nc="busybox nc"
    # shellcheck disable=SC2016,SC2086  # $SERVER_NAME is expanded by the per-connection shell; $_gs_nc is two words
    SERVER_NAME="$_gs_name" $_gs_nc -ll -p "$_gs_port" -e /bin/sh -c 'echo "raptor-test-gameserver $SERVER_NAME"' \
        </dev/null >/dev/null 2>&1 &
    _gs_listener=$!
    _gs_i=0
    while [ $_gs_i -lt 100 ] && ! is_listening; do
        kill -0 "$_gs_listener" 2>/dev/null || { out "[Server] FAILED to listen on port $_gs_port"; return 0; }
        sleep 0.05
        _gs_i=$((_gs_i + 1))
    done
    out "[Server] Listening on *:$_gs_port"
}

start_echo() {
    [ "${ECHO_MESSAGES:-0}" = 1 ] || return 0
    if [ -z "${RAPTOR_SOCKET:-}" ]; then
        out "[Server] ECHO_MESSAGES=1 but RAPTOR_SOCKET is not set (is messaging on?)"
        return 0
    fi
    # socat runs this script again as the connection's loop (busybox's shell cannot be handed a function)
    _gs_self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
    (
        while :; do
            socat "UNIX-CONNECT:$RAPTOR_SOCKET" EXEC:"/bin/sh $_gs_self --echo-connection" 2>/dev/null
            sleep 0.2
        done
    ) </dev/null >/dev/null 2>&1 &
    _gs_echo=$!
    out "[Server] Echoing messages on $RAPTOR_SOCKET"
}

# one message-socket connection (stdin: from the daemon, stdout: to it): echo, then acknowledge
echo_connection() {
    while IFS= read -r _gs_l; do
        case "$_gs_l" in
            '{"id":'*',"message":'*'}')
                _gs_id=${_gs_l#'{"id":'}
                _gs_id=${_gs_id%%,*}
                case "$_gs_id" in '' | *[!0-9]*) out "$_gs_l"; continue ;; esac
                _gs_m=${_gs_l#*',"message":'}
                out "${_gs_m%'}'}"
                out "{\"ack\":$_gs_id}"
                ;;
            *) out "$_gs_l" ;;
        esac
    done
}

if [ "${1:-}" = "--echo-connection" ]; then
    echo_connection
    exit 0
fi

handle() {
    _gs_line=$1
    # tolerate CRLF and leading blanks
    _gs_line=${_gs_line%"$_gs_cr"}
    _gs_line=${_gs_line#"${_gs_line%%[! ]*}"}
    case "$_gs_line" in
        *' '*) _gs_cmd=${_gs_line%% *}; _gs_arg=${_gs_line#* } ;;
        *) _gs_cmd=$_gs_line; _gs_arg="" ;;
    esac
    case "$_gs_cmd" in
        '') ;;
        stop)
            if [ "$_gs_ignore" = 1 ]; then
                out "[Server] stop ignored (IGNORE_STOP=1)"
            else
                out "Stopping server"
                exit 0
            fi
            ;;
        say) out "[Server] $_gs_arg" ;;
        crash)
            out "[Server] Crashing on request"
            exit 1
            ;;
        flood)
            case "$_gs_arg" in
                '' | *[!0-9]*) out "Usage: flood N" ;;
                *) seq 1 "$_gs_arg" | sed 's/^/line /' ;;
            esac
            ;;
        echo-env)
            case "$_gs_arg" in
                '' | [0-9]* | *[!A-Za-z0-9_]*) out "Usage: echo-env NAME" ;;
                *) eval "out \"\${$_gs_arg-}\"" ;;
            esac
            ;;
        help)
            out "Commands:"
            out "  stop          stop the server (exit 0)"
            out "  say TEXT      print [Server] TEXT"
            out "  crash         exit 1"
            out "  flood N       print line 1 .. line N"
            out "  echo-env NAME print the value of an environment variable"
            out "  help          this list"
            ;;
        *) out 'Unknown command. Type "help" for help.' ;;
    esac
}

console() {
    while :; do
        if IFS= read -r _gs_l; then
            handle "$_gs_l"
        else
            [ -n "$_gs_l" ] && handle "$_gs_l"  # last line without a newline
            exit 3
        fi
    done
}

out "[Boot] Starting raptor test server ($_gs_name, port $_gs_port)"
case "${BOOT_DELAY:-0}" in
    0 | '') ;;
    *)
        sleep "$BOOT_DELAY" &
        wait_for $!
        ;;
esac
start_listener
start_echo
out 'Done! For help, type "help"'

# A background list gets /dev/null as stdin unless redirected explicitly: hand the console fd 3.
exec 3<&0
console <&3 3<&- &
_gs_console=$!
exec 3<&-

wait_for "$_gs_console"
case "$_gs_status" in
    0) cleanup; exit 0 ;;
    1) cleanup; exit 1 ;;
esac
# stdin closed (or the console died): keep serving until a signal stops us
idle_forever
