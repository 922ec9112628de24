# Raptor process supervisor. POSIX sh only (dash, busybox ash, bash): no arrays, no $BASHPID, no `local`.
#
# Runs one game server for dev.raptor.process.ProcessRuntime and outlives the daemon that started it:
#     sh <record>/supervisor.sh <record>
# as the leader of a session of its own (the runtime spawns it so: posix_spawn's POSIX_SPAWN_SETSID, or setsid(1)).
# Its settings come from <record>/run.conf, shell assignments and three functions that the runtime
# writes, quoted, before each run: r_awk (execs the host's awk, reading line by line, in the C locale),
# r_exec (execs the server's command line) and r_join (moves this shell into one of the server's cgroups,
# see dev.raptor.process.CgroupJoin: under v1 without the kernel's global lock and its RCU wait). The
# runtime has already created the FIFOs stdin.pipe, out.pipe and err.pipe and removed the files of the
# previous run.
#
# What it leaves in the record directory, each one line written by a single write(2) into a file the runtime
# removed before the run (r_put): a reader sees it absent, empty, or whole, and takes it as written only once
# its line is complete (ends in a newline). No rename through mv(1): an exec of mv costs milliseconds, twice
# before a start is seen and once before a stop is, where the whole run's budget over a bare start is 50 ms.
#
#   supervisor.pid  "<pid> <start time>" of this shell (start time: field 22 of /proc/<pid>/stat, so a
#                   later daemon can tell this process from another that got the same pid)
#   main.pid        "<pid> <start time>" of the server's main process, written by that process once it
#                   is in its cgroup, just before it becomes `sh -c <startup>`, the leader of a session
#                   and process group of its own
#   exit            its exit status (128+N when signal N ended it); the file's mtime is when it ended
#   pump.done       the run's number, once its console pump has written the server's last line (a pump of
#                   an earlier run may finish after the next run began: its marker names its own run)
#
# Console input: this shell holds stdin.pipe open read-write (fd 9) for the whole run, so the server
# never reads end-of-file between two commands, whoever writes them and whenever (any daemon, later).
# Console output: stdout and stderr go through out.pipe and err.pipe to two awk taggers (tag.awk) that
# stamp each line with the time and its stream, and on to one awk pump (pump.awk) that writes rotated
# console.<run>.<part>.log files. Nothing on that path needs the daemon, so output is kept while none runs.

IFS=' 	
'
set -f
D=$1

r_put() {
    printf '%s\n' "$2" > "$D/$1"
}

# r_start_time PID: sets r_st to the start time of process PID (r_line: its /proc/PID/stat line)
r_start_time() {
    r_line=
    IFS= read -r r_line < "/proc/$1/stat" || return 1
    r_stat_start
}

# r_stat_start: sets r_st to the start time in the /proc/PID/stat line r_line
r_stat_start() {
    set -- ${r_line##*) }
    r_st=${20}
    [ -n "$r_st" ]
}

. "$D/run.conf" || { r_put exit 120; exit 120; }

exec 9<>"$D/stdin.pipe"

{
    r_awk -v t=O -v base="$R_CLOCK_OFFSET" -f "$D/tag.awk" < "$D/out.pipe" &
    r_awk -v t=E -v base="$R_CLOCK_OFFSET" -f "$D/tag.awk" < "$D/err.pipe" &
    wait
} 9<&- | {
    (r_awk -v dir="$D" -v run="$R_LOG_RUN" -v max="$R_LOG_BYTES" -v keep="$R_LOG_FILES" -v rm="$R_RM" -f "$D/pump.awk")
    r_put pump.done "$R_LOG_RUN"
} 9<&- &

# The server: join its cgroups before anything of it runs, enter its data directory, announce its pid
# (so main.pid means "in its cgroup, about to run"), then r_exec (setsid, the drop to the server's user,
# CPU pinning, `sh -c <startup>`: one pid throughout).
(
    exec 9<&-
    # one read of its stat line gives both its pid and its start time (the shell's read takes a byte per read(2))
    r_start_time self || { echo "[raptor] could not read /proc/self/stat" >&2; exit 125; }
    r_me=${r_line%% *}
    for r_f in $R_CGROUP_PROCS; do
        r_join "$r_f" "$r_me" || { echo "[raptor] could not move the server into its cgroup ($r_f)" >&2; exit 125; }
    done
    cd "$R_DATA" || { echo "[raptor] could not enter the data directory $R_DATA" >&2; exit 125; }
    r_put main.pid "$r_me $r_st"
    r_exec
) < "$D/stdin.pipe" > "$D/out.pipe" 2> "$D/err.pipe" &
r_main=$!

# Only now, so that its byte-wise read of /proc/$$/stat (the shell's read takes a byte per read(2), some 300
# of them) runs beside the server's way to main.pid instead of before it. Until the file exists, the runtime
# knows the run by main.pid, or by the start's grace (RunFacts.SPAWN_GRACE) and the pid the spawn returned.
r_start_time $$ && r_put supervisor.pid "$$ $r_st"

wait "$r_main"
r_code=$?

# Like a container whose init has ended: nothing the server started outlives it. Every process of the server is in
# every one of its cgroups (it joined them all before it ran, its children inherit them, and its user cannot move out
# of them), so the first one says whether anything is left: after the group kill it is nearly always empty, and then
# one read answers (three opens fewer on the stop's path under v1). Anything listed: each cgroup is swept as before.
kill -9 "-$r_main" 2>/dev/null
set -- $R_CGROUP_PROCS
if [ $# -gt 0 ]; then
    r_p=-
    { r_p=; read -r r_p; } < "$1"
    if [ -n "$r_p" ]; then
        for r_f; do
            while read -r r_p; do kill -9 "$r_p"; done < "$r_f"
        done 2>/dev/null
    fi
fi
r_put exit "$r_code"
