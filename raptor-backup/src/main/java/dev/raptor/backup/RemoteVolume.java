package dev.raptor.backup;

import dev.raptor.core.backup.BackupRecord;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.Progress;
import dev.raptor.files.RestorePhase;
import dev.raptor.files.RestoreResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One server's files on another node, as backups reach them (a node agent, {@code raptord agent}). The node does what
 * {@link BackupService} does locally, where the files are: it archives them with {@link VolumeArchive} (the ignore
 * rules and the {@code .raptorignore} read there), and it restores through its own jail into a staged tree swapped in
 * whole, after checking the archive it was sent against the backup's size and SHA-256.
 */
public interface RemoteVolume {
    /** The node's name, for messages and logs. */
    String node();

    /**
     * Asks the node for the server's files as a tar + zstd stream. Its refusals (a bad {@code .raptorignore}, the node
     * unreachable) are thrown here, before any byte is written.
     *
     * @param ignore the spec's and the request's patterns (the node adds its {@code .raptorignore}'s first)
     * @throws BackupException.NodeUnavailable when the node cannot be reached
     */
    Opened archive(UUID serverId, FilePolicy files, List<String> ignore, BackupSettings settings) throws IOException;

    /**
     * Sends {@code archive} (the backup's bytes, in order) to the node, which keeps the server's files untouched unless
     * what it received has the backup's size and SHA-256, then stages and swaps them in; the node's files are locked
     * for its users meanwhile.
     *
     * @throws BackupException.Corrupt         when what the node received is not the backup (nothing was touched)
     * @throws BackupException.NodeUnavailable when the node cannot be reached (nothing was touched)
     * @throws IOException                     when it failed there, or, when the node's answer broke and it could not
     *                                          tell what became of the restore, saying that the outcome is unknown (a
     *                                          restore the node reports completed after a broken answer is returned)
     */
    RestoreResult restore(UUID serverId, FilePolicy files, BackupRecord backup, InputStream archive, boolean truncate,
                          Progress progress, Consumer<RestorePhase> phases) throws IOException;

    /**
     * Whether the node answers now, so that work which stops the server first (a restore) is refused before it does.
     *
     * @throws BackupException.NodeUnavailable when it does not
     */
    void checkReachable(UUID serverId) throws BackupException.NodeUnavailable;

    /** An archive the node has started to send. */
    interface Opened extends AutoCloseable {
        /** Copies the archive's bytes to {@code out} until its end, telling {@code progress} how far the node is. */
        void writeTo(OutputStream out, Progress progress) throws IOException;

        @Override
        void close();
    }
}
