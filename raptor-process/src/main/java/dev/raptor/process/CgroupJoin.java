package dev.raptor.process;

/**
 * How a shell moves itself into a server's cgroup before it becomes the server (supervisor.sh) or a command run
 * beside it ({@link ServerCommand}): {@code r_join PROCS PID}, a shell function, where PROCS is one of
 * {@link ServerCgroup#joinFiles()} and PID the shell's own pid.
 *
 * <p>Writing a pid into {@code cgroup.procs} takes the kernel's global cgroup-migration lock for writing, and that
 * writer first waits an RCU grace period when no move came just before it: some 10 ms at a start on a quiet host.
 * Under cgroup v1 the function writes {@code 0} into the hierarchy's {@code tasks} instead, which means "the writing
 * thread", and a thread moving itself needs no such lock. The writer is the shell itself ({@code echo} is a builtin)
 * and a shell has one thread, so the whole process moves, and whatever it execs or forks afterwards is born there.
 * cgroup v2 (no {@code tasks}), or a {@code tasks} this user may not write, takes the pid in {@code cgroup.procs}.
 */
final class CgroupJoin {
    /** The definition of {@code r_join}, for a POSIX shell. */
    static final String SHELL_FUNCTION = """
            r_join() {
                r_t=${1%/cgroup.procs}/tasks
                if [ -f "$r_t" ] && { echo 0 > "$r_t"; } 2>/dev/null; then
                    return 0
                fi
                echo "$2" > "$1"
            }
            """;

    private CgroupJoin() {
    }
}
