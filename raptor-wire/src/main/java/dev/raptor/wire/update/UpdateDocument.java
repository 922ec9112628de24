package dev.raptor.wire.update;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One update of a server ({@code GET /servers/{id}/updates}).
 *
 * @param from     the version before (null: not known, the server's first update)
 * @param outcome  {@code running}, {@code succeeded}, {@code failed} (nothing was changed), {@code rolled-back}
 *                 (the previous version's files were restored from {@code backupId})
 * @param stage    how far it got: downloading, backing-up, applying, starting, rolling-back, done
 * @param backupId the backup taken before the new files went in
 * @param reason   why it failed or was rolled back
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateDocument(String id, String from, String to, Instant startedAt, Instant finishedAt, String outcome, String stage,
                             String backupId, String reason) {
}
