package dev.raptor.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
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
    static ContainerInfo from(InspectContainerResponse c, UUID fallbackServer) {
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
            startedAt = time(state.getStartedAt());
            finishedAt = time(state.getFinishedAt());
        }
        String name = c.getName() == null ? null : c.getName().startsWith("/") ? c.getName().substring(1) : c.getName();
        return new ContainerInfo(new ContainerRef(c.getId(), name, serverId), labels.get(RuntimeLabels.SPEC_HASH),
                status, exitCode, oom, startedAt, finishedAt, labels);
    }

    static ContainerStatus status(InspectContainerResponse.ContainerState state) {
        if (state == null || state.getStatus() == null) {
            return ContainerStatus.EXITED;
        }
        return switch (state.getStatus().toLowerCase(Locale.ROOT)) {
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
