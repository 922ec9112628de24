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
 * @param startedAt  last start, null if never started
 * @param finishedAt last exit, null if never exited
 * @param labels     all of its labels
 */
public record ContainerInfo(ContainerRef ref, String specHash, ContainerStatus status, Integer exitCode,
                            boolean oomKilled, Instant startedAt, Instant finishedAt, Map<String, String> labels) {
    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public UUID serverId() {
        return ref.serverId();
    }

    public boolean running() {
        return status.isRunning();
    }
}
