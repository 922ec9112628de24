package dev.raptor.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The runtime's state directory: one record directory per server ({@code <uuid>/}, see {@link RecordFiles}),
 * records being made ({@code .new-<id>/}, renamed into place whole, so a record is complete or absent) and
 * records being removed ({@code .trash/<id>/}, renamed out of the way first, so they vanish from listings at
 * once). Root-owned, mode 0700: the server user may not forge the pid files the daemon signals by.
 */
final class StateDirectory {
    private static final Logger log = LoggerFactory.getLogger(StateDirectory.class);

    private final Path root;

    StateDirectory(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
        // Records hold servers' environments (passwords, keys) and the pid files kill trusts: the daemon's alone.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(trash());
    }

    Path root() {
        return root;
    }

    Path trash() {
        return root.resolve(".trash");
    }

    RecordFiles record(UUID server) {
        return new RecordFiles(root.resolve(server.toString()));
    }

    /** The servers that have a record. */
    List<UUID> servers() throws IOException {
        List<UUID> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (name.length() == 36 && !name.startsWith(".")) {
                    try {
                        out.add(UUID.fromString(name));
                    } catch (IllegalArgumentException e) {
                        // not a record
                    }
                }
            }
        }
        return out;
    }

    /** Reads a server's record; empty when it has none (or it is half gone). */
    Optional<ContainerRecord> read(UUID server) {
        RecordFiles files = record(server);
        try {
            return Optional.of(ContainerRecord.read(files.metadata()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes {@code record} into a fresh directory and renames it into place.
     *
     * @return the new record's files
     * @throws FileAlreadyExistsException when the server has a record already
     */
    RecordFiles create(ContainerRecord record) throws IOException {
        RecordFiles target = record(record.serverId());
        if (Files.exists(target.dir())) {
            throw new FileAlreadyExistsException(target.dir().toString());
        }
        Path fresh = root.resolve(".new-" + record.id());
        Files.createDirectory(fresh);
        try {
            record.write(fresh.resolve(ContainerRecord.FILE));
            Files.move(fresh, target.dir(), StandardCopyOption.ATOMIC_MOVE);
        } catch (DirectoryNotEmptyException e) {
            deleteTree(fresh);
            throw new FileAlreadyExistsException(target.dir().toString());
        } catch (IOException | RuntimeException e) {
            deleteTree(fresh);
            throw e;
        }
        return target;
    }

    /** Moves a server's record into the trash, where nothing finds it; the trashed files, or empty when it had none. */
    Optional<RecordFiles> trash(UUID server, String id) throws IOException {
        RecordFiles files = record(server);
        Path to = trash().resolve(server + "-" + id);
        try {
            Files.move(files.dir(), to, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new RecordFiles(to));
    }

    /** Trashed records left by an earlier daemon (one that died while removing). */
    List<RecordFiles> trashed() {
        List<RecordFiles> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(trash())) {
            for (Path d : dirs) {
                out.add(new RecordFiles(d));
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", trash(), e.toString());
        }
        return out;
    }

    /** The server a trashed record ({@code .trash/<uuid>-<id>}) belonged to. */
    static Optional<UUID> serverOfTrashed(RecordFiles trashed) {
        String name = trashed.dir().getFileName().toString();
        try {
            return name.length() > 36 ? Optional.of(UUID.fromString(name.substring(0, 36))) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Half-made records an earlier daemon left ({@code .new-*}). */
    void deleteUnfinished() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, ".new-*")) {
            for (Path d : dirs) {
                deleteTree(d);
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", root, e.toString());
        }
    }

    /** Deletes a directory tree (not following links); best effort, true when it is gone. */
    static boolean deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot delete {}: {}", dir, e.toString());
            return false;
        }
    }
}
