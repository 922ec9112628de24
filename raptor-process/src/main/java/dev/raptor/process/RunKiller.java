package dev.raptor.process;

import dev.raptor.core.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * SIGKILLs everything of one run, so that no descendant of the server survives a kill:
 * <ol>
 *   <li>its cgroup, when it has one: every member, whatever session it fled to, until it is empty;</li>
 *   <li>then, from /proc, its main process, that process's descendants and whatever is left in its
 *       session and process group. These are first stopped (SIGSTOP) and looked for again until no new
 *       one appears, so that none can fork a child that escapes between the look and the kill; then all
 *       are killed at once.</li>
 * </ol>
 * The supervisor is left alone: it records the exit status (137) and ends itself. Only when the main
 * process is not known yet (the kill came within milliseconds of the start) is the supervisor's whole
 * session killed instead, and the status recorded here.
 */
final class RunKiller {
    private static final Logger log = LoggerFactory.getLogger(RunKiller.class);
    private static final int MAX_ROUNDS = 20;
    static final int KILLED = 128 + Signals.SIGKILL;
    private static final Duration SPAWN_WAIT = Duration.ofSeconds(2);

    private RunKiller() {
    }

    static void kill(RecordFiles files, RunFacts facts, ServerCgroup cgroup, Deadline deadline) {
        if (cgroup.exists() && !cgroup.killAll(deadline)) {
            log.warn("record={} the cgroup still had processes when the kill's deadline passed", files.dir());
        }
        ProcessId main = facts.main();
        ProcessId supervisor = facts.supervisor();
        // Within milliseconds of a start the supervisor may not have written its pid yet: give it a moment.
        Deadline spawn = deadline.atMost(SPAWN_WAIT);
        while (main == null && supervisor == null && !spawn.expired()) {
            Pause.millis(5);
            main = ProcessId.read(files.mainPid()).orElse(null);
            supervisor = ProcessId.read(files.supervisorPid()).orElse(null);
        }
        if (main != null) {
            ProcessId m = main;
            stopAndKill(t -> t.runOf(m));
        } else if (supervisor != null && supervisor.alive()) {
            ProcessId s = supervisor;
            stopAndKill(t -> t.session(s.pid()));
            files.recordExitIfAbsent(KILLED);
        }
    }

    /** Freezes the processes {@code find} names (repeatedly, as stopped parents cannot fork more), then kills them all. */
    private static void stopAndKill(Function<ProcessTable, Map<Long, ProcStat>> find) {
        Map<Long, ProcStat> targets = new LinkedHashMap<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<Long, ProcStat> found = find.apply(ProcessTable.snapshot());
            found.keySet().removeAll(targets.keySet());
            if (found.isEmpty()) {
                break;
            }
            for (ProcStat p : found.values()) {
                LibC.kill(p.pid(), Signals.SIGSTOP);
            }
            targets.putAll(found);
        }
        for (ProcStat p : targets.values()) {
            LibC.kill(p.pid(), Signals.SIGKILL);
        }
    }
}
