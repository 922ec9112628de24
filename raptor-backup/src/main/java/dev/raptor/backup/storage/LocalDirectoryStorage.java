package dev.raptor.backup.storage;

import dev.raptor.files.archive.ArchiveSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Archives in a local directory ({@code <dataDir>/backups} by default), one folder per server, private to the
 * daemon (0700 folders, 0600 files). An archive is written as {@code <key>.part} and renamed to its key after it
 * is flushed, so a complete name is always a complete archive.
 */
public final class LocalDirectoryStorage implements BackupStorage {
    private static final Logger log = LoggerFactory.getLogger(LocalDirectoryStorage.class);
    public static final String ADAPTER = "local";
    static final String PART = ".part";

    private final Path base;

    public LocalDirectoryStorage(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    public Path base() {
        return base;
    }

    @Override
    public String adapter() {
        return ADAPTER;
    }

    /** The file of {@code key}; a key that would lead out of the directory is refused. */
    public Path file(String key) {
        Path p = base.resolve(key).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException("backup key " + key + " leads outside " + base);
        }
        return p;
    }

    @Override
    public Upload upload(String key) throws IOException {
        Path target = file(key);
        Path dir = target.getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path part = target.resolveSibling(target.getFileName() + PART);
        FileChannel ch = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        OutputStream out = Channels.newOutputStream(ch);
        return new Upload() {
            private boolean committed;
            private boolean aborted;

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public long commit() throws IOException {
                ch.force(true);
                long size = ch.size();
                ch.close();
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(dir);
                committed = true;
                return size;
            }

            @Override
            public void abort() {
                if (committed || aborted) {
                    return;
                }
                aborted = true;
                try {
                    ch.close();
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    log.atWarn().addKeyValue("file", part).log("could not remove a partial backup: " + e);
                }
            }

            @Override
            public void close() {
                abort();
            }
        };
    }

    @Override
    public InputStream read(String key) throws IOException {
        return Files.newInputStream(file(key));
    }

    @Override
    public ArchiveSource source(String key, String fileName) {
        Path f = file(key);
        return new ArchiveSource() {
            @Override
            public String name() {
                return fileName;
            }

            @Override
            public SeekableByteChannel open() throws IOException {
                return Files.newByteChannel(f);
            }
        };
    }

    /** An archive's size on disk. */
    public long size(String key) throws IOException {
        return Files.size(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public void discardPartial(String key) throws IOException {
        Path target = file(key);
        Files.deleteIfExists(target.resolveSibling(target.getFileName() + PART));
        Files.deleteIfExists(target);
    }

    /** Makes a rename in {@code dir} durable (Linux lets a directory be opened and forced). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
