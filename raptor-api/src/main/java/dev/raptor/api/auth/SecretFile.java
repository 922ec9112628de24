package dev.raptor.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A secret kept in one small file readable by its owner only (mode 0600): created once, atomically,
 * read back on every later boot, and replaced atomically when rotated.
 */
final class SecretFile {
    private static final Logger log = LoggerFactory.getLogger(SecretFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFile() {
    }

    /** The file's content (trimmed) if it exists and is not empty; tightens its mode to 0600 if it was wider. */
    static Optional<String> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                log.warn("{} was readable by others; setting its mode to 0600", file);
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (UnsupportedOperationException e) {
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
            } catch (IOException io) {
                throw new UncheckedIOException("cannot read " + file, io);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The existing secret, or a new one from {@code generate} written with mode 0600.
     *
     * @return the secret and whether it was created just now
     */
    static Loaded readOrCreate(Path file, Supplier<String> generate) {
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return new Loaded(existing.get(), false);
        }
        String secret = generate.get();
        try {
            write(file, secret);
        } catch (FileAlreadyExistsException e) {
            return new Loaded(read(file).orElseThrow(() -> new IllegalStateException(file + " is empty")), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new Loaded(read(file).orElse(secret), true);
    }

    /**
     * Replaces the secret in {@code file} (or creates it) at once: readers see the old content or the new, never
     * a part. The new file keeps the owner of the old one, so that a root operator replacing the secret of a daemon
     * that runs as another user leaves it readable by that daemon.
     */
    static void replace(Path file, String secret) {
        replace(file, secret, file);
    }

    /** Like {@link #replace(Path, String)}, the new file owned like {@code ownerLike} (when that exists). */
    static void replace(Path file, String secret, Path ownerLike) {
        try {
            write(file, secret, ownerLike);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** What a file is now (inode, modification time, size), to notice it was replaced; empty when it is gone. */
    static Optional<Stamp> stamp(Path file) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return Optional.of(new Stamp(a.fileKey(), a.lastModifiedTime(), a.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A file's identity: equal stamps mean the content read with one is still the file's. */
    record Stamp(Object fileKey, java.nio.file.attribute.FileTime modified, long size) {
    }

    private static void write(Path file, String secret) throws IOException {
        write(file, secret, file);
    }

    /** Writes beside {@code file} (mode 0600), forces it to disk, then renames it over {@code file}. */
    private static void write(Path file, String secret, Path ownerLike) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            keepOwner(ownerLike, tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void keepOwner(Path old, Path fresh) throws IOException {
        if (!Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object uid = Files.getAttribute(old, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object gid = Files.getAttribute(old, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (!uid.equals(Files.getAttribute(fresh, "unix:uid"))) {
            Files.setAttribute(fresh, "unix:uid", uid);
        }
        if (!gid.equals(Files.getAttribute(fresh, "unix:gid"))) {
            Files.setAttribute(fresh, "unix:gid", gid);
        }
    }

    record Loaded(String secret, boolean created) {
    }
}
