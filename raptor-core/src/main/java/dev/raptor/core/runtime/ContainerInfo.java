package dev.raptor.core.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Facts about one container at one moment, as the engine reported them.
 *
 * @param ref        which container
 * @param specHash   the {@code dev.raptor.spec-hash} label it was created with (null if missing)
 * @param status     engine state
 * @param exitCode   last exit code when exited, else null
 * @param oomKilled  whether the last exit was the OOM killer
 * @param startedAt   last start, null if never started
 * @param finishedAt  last exit, null if never exited
 * @param outputSince where the current (last) run's output begins, as far as the runtime can tell from its
 *                    records: no line of this run is stamped earlier. Not {@code startedAt}: an engine may stamp
 *                    a run's first lines before the start time it reports (Docker does, by a few
 *                    milliseconds). A runtime may not be able to tell where an earlier run's output ended as
 *                    precisely (Docker: its last lines may be stamped after its recorded exit), so whoever
 *                    started the run takes the instant it asked instead. Null if never started.
 * @param labels      all of its labels
 * @param health      what its health check says while it runs ({@link ContainerHealth#NONE} without one, or when
 *                    it does not run)
 */
public record ContainerInfo(ContainerRef ref, String specHash, ContainerStatus status, Integer exitCode,
                            boolean oomKilled, Instant startedAt, Instant finishedAt, Instant outputSince,
                            Map<String, String> labels, ContainerHealth health) {
    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        health = health == null || !status.isRunning() ? ContainerHealth.NONE : health;
    }

    /** Facts without a health verdict (a container without a health check, or one just created). */
    public ContainerInfo(ContainerRef ref, String specHash, ContainerStatus status, Integer exitCode, boolean oomKilled,
                         Instant startedAt, Instant finishedAt, Instant outputSince, Map<String, String> labels) {
        this(ref, specHash, status, exitCode, oomKilled, startedAt, finishedAt, outputSince, labels, ContainerHealth.NONE);
    }

    public UUID serverId() {
        return ref.serverId();
    }

    public boolean running() {
        return status.isRunning();
    }
}
