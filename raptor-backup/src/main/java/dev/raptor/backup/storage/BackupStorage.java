package dev.raptor.backup.storage;

import dev.raptor.files.archive.ArchiveSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where backup archives are kept: a local directory ({@link LocalDirectoryStorage}) or S3-compatible object storage
 * ({@link S3Storage}). Archives are written once as a stream (never held whole in memory or spooled to disk), read
 * as a stream (checksum, download) or as a reopenable, seekable source (extraction reads twice), and deleted.
 *
 * <p>Contract for implementations: an {@link Upload} shows nothing under its key until {@link Upload#commit()}
 * returns; {@link Upload#abort()} leaves nothing behind; {@link #discardPartial} removes whatever a crash left of
 * an upload (or of a commit the store never heard of), and is idempotent. Keys are made by Raptor
 * ({@code <server id>/<backup id>.<ext>}) and never come from users. Every call may block on I/O: callers run them
 * on their own (virtual) threads.
 */
public interface BackupStorage {
    /** The adapter's name as recorded with each backup ({@code local}, {@code s3}). */
    String adapter();

    /** Starts writing an archive under {@code key}. */
    Upload upload(String key) throws IOException;

    /** Reads an archive from its start. */
    InputStream read(String key) throws IOException;

    /** The archive as a source extraction can open (and seek in) more than once. */
    ArchiveSource source(String key, String fileName) throws IOException;

    /** Deletes an archive; one that is not there is fine. */
    void delete(String key) throws IOException;

    /** Removes what an interrupted upload under {@code key} left (partial data, the archive itself). */
    void discardPartial(String key) throws IOException;

    /** One archive being written. */
    interface Upload extends AutoCloseable {
        /** Where the archive's bytes go. Closing it does not commit. */
        OutputStream stream();

        /** Makes the archive visible under its key, durably; answers its size in bytes. */
        long commit() throws IOException;

        /** Gives up: nothing remains. Safe to call after a failed commit, and more than once. */
        void abort();

        /** Aborts unless committed. */
        @Override
        void close();
    }
}
