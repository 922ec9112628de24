package dev.raptor.files;

import java.util.UUID;

/**
 * What boot found of a restore a crash interrupted, and made whole.
 *
 * @param serverId  the server whose files were being restored
 * @param completed true when the swap had happened (the files are the archive's), false when it had not (the
 *                  files are those from before the restore); either way the other tree is gone
 */
public record RecoveredRestore(UUID serverId, boolean completed) {
}
