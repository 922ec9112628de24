package dev.raptor.process;

import dev.raptor.core.runtime.ContainerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the record directory and /proc say about a container's current run, at one moment.
 *
 * <ul>
 *   <li>No {@code started} file: CREATED (never started, or reset for the next start).</li>
 *   <li>An {@code exit} file: EXITED with that status.</li>
 *   <li>Else RUNNING while the supervisor or the main process lives (each checked by pid <em>and</em>
 *       start time, so a reused pid is never taken for the server), or for a short grace after the
 *       start while the supervisor has not written its pid yet.</li>
 *   <li>Else the run was lost: both are gone without a word (killed from outside, a reboot). It reads
 *       as EXITED with status 255, as Docker reports containers a reboot ended. Nothing is written for it:
 *       an observer must never race a start that is clearing the record for the next run.</li>
 * </ul>
 *
 * @param status     the container's state
 * @param startedAt  start of the current run; null when never started
 * @param finishedAt end of the current run; null unless exited
 * @param exitCode   exit status; null unless exited
 * @param supervisor the supervisor, when its pid file exists
 * @param main       the server's main process, when its pid file exists
 */
record RunFacts(ContainerStatus status, Instant startedAt, Instant finishedAt, Integer exitCode, ProcessId supervisor,
                ProcessId main) {
    private static final Logger log = LoggerFactory.getLogger(RunFacts.class);

    /** How long a started run may go without a supervisor pid file before it counts as lost. */
    static final Duration SPAWN_GRACE = Duration.ofSeconds(10);

    /** Exit status of a run that ended without its supervisor recording one. */
    static final int LOST = 255;

    static RunFacts observe(RecordFiles files) {
        Optional<Instant> started = files.readStarted();
        if (started.isEmpty()) {
            return new RunFacts(ContainerStatus.CREATED, null, null, null, null, null);
        }
        ProcessId supervisor = ProcessId.read(files.supervisorPid()).orElse(null);
        ProcessId main = ProcessId.read(files.mainPid()).orElse(null);
        Optional<Integer> exit = files.readExit();
        if (exit.isPresent()) {
            return exited(files, started.get(), exit.get(), supervisor, main);
        }
        boolean alive = main != null && main.alive() || supervisor != null && supervisor.alive();
        if (alive || supervisor == null && started.get().plus(SPAWN_GRACE).isAfter(Instant.now())) {
            return new RunFacts(ContainerStatus.RUNNING, started.get(), null, null, supervisor, main);
        }
        // Both gone. The supervisor may have recorded the exit just now, between the reads above.
        exit = files.readExit();
        if (exit.isEmpty()) {
            log.debug("record={} the run ended without an exit status (supervisor and server gone)", files.dir());
        }
        return exited(files, started.get(), exit.orElse(LOST), supervisor, main);
    }

    private static RunFacts exited(RecordFiles files, Instant started, int code, ProcessId supervisor, ProcessId main) {
        return new RunFacts(ContainerStatus.EXITED, started, files.exitTime().orElse(null), code, supervisor, main);
    }

    boolean running() {
        return status == ContainerStatus.RUNNING;
    }
}
