package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.operation.OperationProgress;

/**
 * The argument of the console socket's {@code backup started|progress|completed|failed} events.
 *
 * @param operation {@code backup} or {@code restore}
 * @param backup    the backup made or restored, as it stands
 * @param progress  how far it has got ({@code progress} events)
 * @param reason    why it failed ({@code failed} events)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupEventDocument(String operation, BackupDocument backup, OperationProgress progress, String reason) {
}
