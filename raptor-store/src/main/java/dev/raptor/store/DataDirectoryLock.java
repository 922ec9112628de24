package dev.raptor.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Exclusive ownership of a data directory, as an OS lock on {@code raptor.lock} inside it. Held by
 * an open {@link SqliteStore} and by a snapshot restore, so that a restore cannot swap the database
 * under a running daemon and two daemons cannot share one directory. The OS drops the lock when the
 * process dies, so a crash never leaves the directory locked. The file is the owner's alone (0600): a
 * reader could take a shared lock on it and keep every later daemon from booting.
 */
public final class DataDirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = "raptor.lock";

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the directory if needed. Never waits.
     *
     * @throws StoreLockedException when a store (in this process or another) holds it
     */
    public static DataDirectoryLock acquire(Path dataDir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(dataDir.resolve(FILE_NAME), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreLockedException(dataDir);
            }
            return new DataDirectoryLock(dataDir, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StoreLockedException(dataDir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing useful to do: the lock dies with the channel or the process
            }
        }
    }
}
