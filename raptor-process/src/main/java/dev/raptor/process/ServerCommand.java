package dev.raptor.process;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.runtime.EngineException;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A command run beside a server's main process (an exec, a health check), set up as the server itself runs: in a
 * session of its own (so that a timeout or a hangup reaches everything it started), in the server's cgroup (its
 * limits apply and stopping the server ends it too), in its data directory (or the request's), with its
 * environment, as its user, pinned to its CPUs.
 *
 * <pre>
 * setsid [--ctty] sh -c 'join the cgroup; cd DIR; exec "$@"' raptor-exec N PROCS… DIR [setpriv …] [taskset …] COMMAND…
 * </pre>
 * The short {@code sh} runs as the daemon (joining a cgroup needs root) and execs the drop to the server's user and
 * then the command: one pid throughout, the leader of the command's session and process group.
 */
final class ServerCommand {
    /** Joins the cgroups given as arguments, enters the directory, then becomes the rest of its arguments. */
    private static final String SCRIPT = CgroupJoin.SHELL_FUNCTION + """
            n=$1; shift
            while [ "$n" -gt 0 ]; do
                r_join "$1" $$ || { echo "raptor: cannot join the server's cgroup ($1)" >&2; exit 125; }
                shift; n=$((n-1))
            done
            cd "$1" || { echo "raptor: cannot enter $1" >&2; exit 125; }
            shift
            exec "$@"
            """;

    private ServerCommand() {
    }

    /**
     * The process to start for {@code request} in the server of {@code record}.
     *
     * @param cgroupProcs       the {@code cgroup.procs} files of the server's run (empty: it has no cgroup)
     * @param controllingTerminal whether its stdin is a terminal that becomes its controlling one
     * @throws EngineException.Rejected when the request asks for another user than the server's
     */
    static ProcessBuilder of(HostTools tools, ServerUser user, ContainerRecord record, List<Path> cgroupProcs, ExecRequest request,
                             boolean controllingTerminal) {
        UUID id = record.serverId();
        if (request.user() != null && !request.user().equals(user.name()) && !request.user().equals(Integer.toString(user.uid()))
                && !request.user().equals(user.uid() + ":" + user.gid())) {
            throw new EngineException.Rejected(id, "exec", "the process runtime runs every command as the server's user "
                    + user.name() + " (uid " + user.uid() + "), not as " + request.user(), null);
        }
        List<String> argv = new ArrayList<>();
        argv.add(tools.setsid().toString());
        if (controllingTerminal) {
            argv.add("--ctty");
        }
        argv.addAll(List.of(tools.sh().toString(), "-c", SCRIPT, "raptor-exec", Integer.toString(cgroupProcs.size())));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        argv.add(request.workingDir() == null ? record.dataDir().toString() : request.workingDir());
        argv.addAll(user.execPrefix());
        if (record.limits().threads() != null && tools.taskset() != null) {
            argv.addAll(List.of(tools.taskset().toString(), "-c", record.limits().threads()));
        }
        argv.addAll(request.command());
        Map<String, String> env = new LinkedHashMap<>(record.environment());
        env.putAll(request.environment());
        if (request.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(record.dataDir().toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    /** {@code pb} with stdin, stdout and stderr on the terminal {@code tty}. */
    static ProcessBuilder onTerminal(ProcessBuilder pb, Path tty) {
        File t = tty.toFile();
        return pb.redirectInput(ProcessBuilder.Redirect.from(t)).redirectOutput(ProcessBuilder.Redirect.appendTo(t))
                .redirectError(ProcessBuilder.Redirect.appendTo(t));
    }
}
