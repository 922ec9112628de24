package dev.raptor.core.exec;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Commands run inside a running server, beside its main process, for operators who debug it: one at a time and
 * answered when it ends ({@link #run}), or an interactive session ({@link #open}). It does not go through the
 * server's controller: an exec changes no state Raptor keeps and must not wait behind a power action; the engine
 * refuses it once the server no longer runs. Every exec is an activity entry: its command line, who ran it, and
 * how it ended.
 */
public final class ServerExec {
    private static final Logger log = LoggerFactory.getLogger(ServerExec.class);

    private final ServerFleet fleet;

    public ServerExec(ServerFleet fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /**
     * Runs {@code request} in the server and waits for its end (at most its timeout, then it is killed).
     *
     * @param who who asked, for the activity log ({@code node API key}, {@code token …}, {@code unix socket})
     * @throws ServerNotFoundException   when there is no such server
     * @throws ServerNotRunningException when it does not run
     * @throws EngineException           when the runtime cannot run it ({@code NotSupported}, {@code Rejected}...)
     */
    public ExecResult run(UUID id, ExecRequest request, String who) {
        ContainerRef ref = fleet.runningContainer(id);
        // the command's own timeout, and time for the engine to start it and to kill it at that timeout
        Deadline deadline = Deadline.in(request.timeout().plus(fleet.settings().engineTimeout().multipliedBy(2)));
        ExecResult result;
        try {
            result = fleet.runtime().exec(ref, request, deadline);
        } catch (EngineException.Conflict | EngineException.NotFound e) {
            throw new ServerNotRunningException(id);
        } catch (EngineException e) {
            record(id, request, who, false, null, "failed: " + e.getMessage());
            throw e;
        }
        String how = result.timedOut() ? "killed after its timeout of " + request.timeout().toSeconds() + " s"
                + (result.exitCode() == null ? "" : " (exit code " + result.exitCode() + ")")
                : "exited with code " + result.exitCode();
        record(id, request, who, false, result.exitCode(), how);
        return result;
    }

    /**
     * Starts an interactive session of {@code request} in the server. Its end (the command's exit code, or the
     * session closed before) is written to the activity log when it comes.
     *
     * @throws ServerNotFoundException   when there is no such server
     * @throws ServerNotRunningException when it does not run
     */
    public ExecSession open(UUID id, ExecRequest request, String who, ExecListener listener) {
        ContainerRef ref = fleet.runningContainer(id);
        AtomicBoolean recorded = new AtomicBoolean();
        ExecListener recording = new ExecListener() {
            @Override
            public void output(ExecStream stream, byte[] bytes, int offset, int length) {
                listener.output(stream, bytes, offset, length);
            }

            @Override
            public void ended(Integer exitCode, Throwable error) {
                if (recorded.compareAndSet(false, true)) {
                    record(id, request, who, true, exitCode, exitCode != null ? "exited with code " + exitCode
                            : "ended without an exit code (" + (error == null ? "the session was closed" : error.getMessage()) + ")");
                }
                listener.ended(exitCode, error);
            }
        };
        try {
            return fleet.runtime().execInteractive(ref, request, recording, Deadline.in(fleet.settings().engineTimeout()));
        } catch (EngineException.Conflict | EngineException.NotFound e) {
            throw new ServerNotRunningException(id);
        }
    }

    private void record(UUID id, ExecRequest request, String who, boolean interactive, Integer exitCode, String how) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("command", request.commandLine());
        details.put("by", who);
        details.put("interactive", Boolean.toString(interactive));
        if (exitCode != null) {
            details.put("exitCode", Integer.toString(exitCode));
        }
        String line = request.commandLine();
        if (line.length() > 200) {
            line = line.substring(0, 200) + "…";
        }
        try {
            fleet.store().appendActivity(id, "exec", (interactive ? "interactive exec" : "exec") + " by " + who + ": " + line + " " + how, details);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", id).addKeyValue("error", e.toString()).log("could not record an exec in the activity log");
        }
    }

    /** How long {@link #run} may take in all for {@code request}: its timeout and the engine's time around it. */
    public Duration longest(ExecRequest request) {
        return request.timeout().plus(fleet.settings().engineTimeout().multipliedBy(2));
    }
}
