package dev.raptor.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.RuntimeLabels;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Reads {@link ContainerInfo} out of an engine inspect answer. */
final class ContainerFacts {
    private ContainerFacts() {
    }

    /**
     * @param fallbackServer the server to report when the container has no (valid) server label; null to
     *                       return null for such a container (it is not Raptor's)
     */
    static ContainerInfo from(InspectContainerResponse c, UUID fallbackServer, EngineClock clock) {
        Map<String, String> labels = c.getConfig() == null || c.getConfig().getLabels() == null
                ? Map.of() : c.getConfig().getLabels();
        UUID serverId = serverId(labels.get(RuntimeLabels.SERVER));
        if (serverId == null) {
            serverId = fallbackServer;
        }
        if (serverId == null) {
            return null;
        }
        InspectContainerResponse.ContainerState state = c.getState();
        ContainerStatus status = status(state);
        Integer exitCode = null;
        boolean oom = false;
        Instant startedAt = null;
        Instant finishedAt = null;
        if (state != null) {
            if (status == ContainerStatus.EXITED || status == ContainerStatus.REMOVING) {
                exitCode = state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
            }
            oom = Boolean.TRUE.equals(state.getOOMKilled());
            // the engine's clock, put on this machine's (where the start request's instant and the events' are)
            startedAt = clock.toLocal(time(state.getStartedAt()));
            finishedAt = clock.toLocal(time(state.getFinishedAt()));
        }
        String name = c.getName() == null ? null : c.getName().startsWith("/") ? c.getName().substring(1) : c.getName();
        ContainerHealth health = state == null || state.getHealth() == null ? ContainerHealth.NONE
                : ContainerHealth.parse(state.getHealth().getStatus());
        return new ContainerInfo(new ContainerRef(c.getId(), name, serverId), labels.get(RuntimeLabels.SPEC_HASH),
                status, exitCode, oom, startedAt, finishedAt, outputSince(startedAt, finishedAt), labels, health);
    }

    /**
     * What a container list's entry says: its reference, labels and state, without the exit code, times and health,
     * which only an inspect tells ({@link dev.raptor.core.runtime.ContainerRuntime#findToRemove}). Null for a container
     * without a (valid) server label.
     */
    static ContainerInfo fromListed(Container c) {
        Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
        UUID serverId = serverId(labels.get(RuntimeLabels.SERVER));
        if (serverId == null) {
            return null;
        }
        String name = c.getNames() == null || c.getNames().length == 0 ? null
                : c.getNames()[0].startsWith("/") ? c.getNames()[0].substring(1) : c.getNames()[0];
        return new ContainerInfo(new ContainerRef(c.getId(), name, serverId), labels.get(RuntimeLabels.SPEC_HASH),
                status(c.getState()), null, false, null, null, null, labels);
    }

    /**
     * Where the last run's output begins. The engine stamps a run's first lines before the {@code StartedAt} it
     * reports (measured: about 2 ms; it records the start only once the process runs), so {@code StartedAt}
     * would cut them off. The previous run's end bounds them: the engine keeps that run's {@code FinishedAt}
     * while the container runs again. It is the process's exit time, so the previous run's very last lines,
     * copied from the pipe after the exit, can be stamped after it (measured); a controller that starts the
     * run knows the better bound (the instant it asked). A container that never finished has only this run's
     * output. Once it has exited, the previous run's end is gone, and {@code StartedAt} is the best bound left.
     */
    static Instant outputSince(Instant startedAt, Instant finishedAt) {
        if (startedAt == null) {
            return null;
        }
        if (finishedAt == null) {
            return Instant.EPOCH;
        }
        return finishedAt.isBefore(startedAt) ? finishedAt.plusNanos(1) : startedAt;
    }

    static ContainerStatus status(InspectContainerResponse.ContainerState state) {
        return status(state == null ? null : state.getStatus());
    }

    /** The engine's state word ({@code running}, {@code exited}...), as an inspect's state and a list's entry give it. */
    static ContainerStatus status(String engineState) {
        if (engineState == null) {
            return ContainerStatus.EXITED;
        }
        return switch (engineState.toLowerCase(Locale.ROOT)) {
            case "created" -> ContainerStatus.CREATED;
            case "running", "restarting" -> ContainerStatus.RUNNING;
            case "paused" -> ContainerStatus.PAUSED;
            case "removing", "dead" -> ContainerStatus.REMOVING;
            default -> ContainerStatus.EXITED;
        };
    }

    static UUID serverId(String label) {
        if (label == null) {
            return null;
        }
        try {
            return UUID.fromString(label.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The engine writes {@code 0001-01-01T00:00:00Z} for "never". */
    private static Instant time(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-")) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
