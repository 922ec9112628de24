package dev.raptor.core.install;

import java.time.Instant;
import java.util.UUID;

/**
 * A server's install script and how its last install went.
 *
 * @param templateId the template the script came from; null when it was given directly
 * @param status     null when it never ran
 * @param reason     why it failed; null otherwise
 */
public record InstallRecord(UUID serverId, String templateId, InstallScript script, InstallStatus status, String reason,
                            Instant startedAt, Instant finishedAt) {
}
