package dev.raptor.backup;

import dev.raptor.files.Progress;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.rules.IgnoreRules;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A server's files as a backup holds them: its whole root through the jail as tar + zstd, leaving out what its
 * {@code .raptorignore} names and then the given patterns. One code for both places files can be: this machine's
 * disk ({@link BackupService}) and a worker's, where its node agent runs the same lines.
 */
public final class VolumeArchive {
    private final ServerFiles files;
    private final IgnoreRules ignore;
    private final int compressionLevel;
    private final int threads;

    private VolumeArchive(ServerFiles files, IgnoreRules ignore, int compressionLevel, int threads) {
        this.files = files;
        this.ignore = ignore;
        this.compressionLevel = compressionLevel;
        this.threads = threads;
    }

    /**
     * Reads the server's {@code .raptorignore} now, so its refusal comes before anything is written.
     *
     * @param patterns the spec's and the request's gitignore patterns, after the file's
     * @throws BackupException.BadIgnoreFile when the file is a link, too large or not a file
     */
    public static VolumeArchive of(ServerFiles files, List<String> patterns, int maxIgnoreFileBytes, int compressionLevel,
                                   int threads) throws IOException {
        return new VolumeArchive(files, IgnoreFile.rules(files, patterns, maxIgnoreFileBytes), compressionLevel, threads);
    }

    /** Streams the archive into {@code out} (not closed), memory flat in its size. */
    public void writeTo(OutputStream out, Progress progress) throws IOException {
        files.compressTo(List.of("/"), ArchiveFormat.TAR_ZST, new CompressOptions(compressionLevel, threads, ignore), out, progress);
    }
}
