package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.operation.OperationProgress;

/**
 * The argument of the console socket's {@code backup started|progress|completed|failed} events.
 *
 * @param operation {@code backup} (requested or scheduled), {@code restore}, or {@code import} (an archive made elsewhere kept as a backup)
 * @param backup    the backup made or restored, as it stands
 * @param progress  how far it has got ({@code progress} events)
 * @param reason    why it failed ({@code failed} events)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupEventDocument(String operation, BackupDocument backup, OperationProgress progress, String reason) {
}
