package dev.raptor.process;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One process for good: its pid and its start time (clock ticks after boot). A pid alone may have been
 * reused by an unrelated process since it was recorded; pid and start time together cannot, so a
 * later daemon never adopts, signals or kills a stranger.
 */
record ProcessId(long pid, long startTime) {

    /** Reads a pid file written as {@code "<pid> <start time>"}; empty when it is missing, not yet written whole, or garbled. */
    static Optional<ProcessId> read(Path file) {
        Optional<String> line = RecordFiles.readSmall(file);
        if (line.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = line.get().split("\\s+");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long start = Long.parseLong(parts[1]);
            return pid > 1 ? Optional.of(new ProcessId(pid, start)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this very process still runs: same pid, same start time, not a zombie. */
    boolean alive() {
        return ProcStat.read(pid).filter(s -> s.startTime() == startTime && s.live()).isPresent();
    }

    /** Whether the pid now belongs to another process than this one. */
    boolean pidTakenByAnother() {
        return ProcStat.read(pid).filter(s -> s.startTime() != startTime).isPresent();
    }
}
