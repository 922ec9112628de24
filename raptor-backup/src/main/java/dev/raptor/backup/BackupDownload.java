package dev.raptor.backup;

import dev.raptor.core.backup.BackupRecord;

import java.io.IOException;
import java.io.InputStream;

/**
 * A completed backup's archive, open for streaming to a client (the caller closes it).
 *
 * @param backup   the record (size, checksum, format for the response's headers)
 * @param fileName a name for the download ({@code <server>-<name>.tar.zst})
 * @param content  the archive's bytes
 */
public record BackupDownload(BackupRecord backup, String fileName, InputStream content) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        content.close();
    }
}
