package dev.raptor.store.snapshot;

import dev.raptor.store.DataDirectoryLock;
import dev.raptor.store.SchemaTooNewException;
import dev.raptor.store.StoreException;
import dev.raptor.store.migration.Migrations;
import dev.raptor.store.sqlite.Database;
import dev.raptor.store.sqlite.IntegrityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Online snapshots of the live database into {@code <dataDir>/snapshots/}, and restoring one.
 *
 * <p>{@link #take()} runs SQLite's {@code VACUUM INTO} on a read connection: a consistent copy of the
 * last commit, taken while the daemon keeps writing (a WAL reader blocks no writer). The copy is
 * written under a {@code .partial} name, synced and then renamed, so a crash never leaves a
 * half-written file that looks like a snapshot. After each snapshot only the newest
 * {@code retention} are kept.
 *
 * <p>{@link #restore} needs the store <b>closed</b>: it takes the data directory's lock, which an open
 * store holds, and refuses otherwise.
 */
public final class Snapshots {
    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

    public static final String DIRECTORY = "snapshots";
    private static final String PARTIAL = ".partial";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("raptor-(\\d{8}T\\d{6}\\.\\d{3}Z)\\.db");
    private static final Duration STALE_PARTIAL = Duration.ofHours(1);

    private final Database db;
    private final Path directory;
    private final int retention;
    private final Clock clock;

    public Snapshots(Database db, Path dataDir, int retention, Clock clock) {
        if (retention < 1) {
            throw new IllegalArgumentException("snapshot retention must be at least 1 (was " + retention + ")");
        }
        this.db = db;
        this.directory = dataDir.resolve(DIRECTORY);
        this.retention = retention;
        this.clock = clock;
    }

    public Path directory() {
        return directory;
    }

    /** Takes a snapshot of the last committed state, then prunes old ones beyond the retention. */
    public Snapshot take() {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Path partial;
        try {
            Files.createDirectories(directory);
            // Reserve a unique name: a second snapshot in the same millisecond takes the next one.
            while (true) {
                partial = directory.resolve(fileName(at) + PARTIAL);
                if (!Files.exists(directory.resolve(fileName(at)))) {
                    try {
                        Files.createFile(partial);
                        break;
                    } catch (FileAlreadyExistsException e) {
                        // taken by a concurrent snapshot
                    }
                }
                at = at.plusMillis(1);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create snapshot directory " + directory + ": " + e.getMessage(), e);
        }
        Path target = directory.resolve(fileName(at));
        Path into = partial;
        try {
            db.read("snapshot into " + target, c -> {
                try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                    ps.setString(1, into.toString());
                    ps.execute();
                }
                return null;
            });
            fsync(partial);
            move(partial, target);
            fsyncDirectory(directory);
            Snapshot snapshot = new Snapshot(target, at, Files.size(target));
            log.atInfo().addKeyValue("file", target).addKeyValue("bytes", snapshot.sizeBytes()).log("snapshot taken");
            prune();
            return snapshot;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new StoreException("snapshot into " + target + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /** This store's snapshots, newest first. */
    public List<Snapshot> list() {
        return list(directory.getParent());
    }

    /** The snapshots in {@code dataDir}, newest first; works with the store closed. */
    public static List<Snapshot> list(Path dataDir) {
        Path dir = dataDir.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Snapshot> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "raptor-*.db")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                try {
                    out.add(new Snapshot(f, Instant.from(STAMP.parse(m.group(1))), Files.size(f)));
                } catch (DateTimeParseException | NoSuchFileException e) {
                    // not one of ours, or pruned concurrently
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list snapshots in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Snapshot::takenAt).reversed());
        return List.copyOf(out);
    }

    /** Deletes all but the newest {@code retention} snapshots, and partial files left by a crash. */
    public List<Snapshot> prune() {
        List<Snapshot> all = list();
        List<Snapshot> removed = new ArrayList<>();
        for (Snapshot s : all.subList(Math.min(retention, all.size()), all.size())) {
            try {
                Files.deleteIfExists(s.file());
                removed.add(s);
                log.atInfo().addKeyValue("file", s.file()).log("snapshot pruned");
            } catch (IOException e) {
                log.atWarn().addKeyValue("file", s.file()).addKeyValue("error", e.getMessage()).log("cannot prune snapshot");
            }
        }
        removeStalePartials();
        return removed;
    }

    /**
     * Replaces {@code <dataDir>/raptor.db} with a copy of {@code snapshot}. The store must be closed.
     *
     * <p>The snapshot is verified first ({@code integrity_check}, and a schema this build can read);
     * a bad one changes nothing. The replaced database is kept aside as {@code raptor-replaced-<time>.db}
     * (with its {@code -wal}, if a crash left one) rather than deleted. The swap itself is an atomic
     * rename, so at every instant {@code raptor.db} is either the old database or the restored one.
     *
     * @throws dev.raptor.store.StoreLockedException    when a store has the directory open
     * @throws dev.raptor.store.StoreCorruptedException when the snapshot is damaged
     * @throws SchemaTooNewException                    when a newer Raptor wrote the snapshot
     */
    public static RestoreResult restore(Path dataDir, Path snapshot) {
        return restore(dataDir, snapshot, Clock.systemUTC());
    }

    /** {@link #restore(Path, Path)} with the clock that names the replaced file. */
    public static RestoreResult restore(Path dataDir, Path snapshot, Clock clock) {
        int schema = IntegrityCheck.verifyFile(snapshot);
        if (schema > Migrations.latestVersion()) {
            throw new SchemaTooNewException(snapshot, schema, Migrations.latestVersion());
        }
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir)) {
            Path live = lock.dataDir().resolve(Database.FILE_NAME);
            Path incoming = lock.dataDir().resolve(Database.FILE_NAME + ".restoring");
            Files.copy(snapshot, incoming, StandardCopyOption.REPLACE_EXISTING);
            fsync(incoming);
            Path aside = null;
            if (Files.exists(live)) {
                aside = dataDir.resolve("raptor-replaced-" + STAMP.format(clock.instant()) + ".db");
                keepAside(live, aside);
            }
            move(incoming, live);
            fsyncDirectory(dataDir);
            log.atInfo().addKeyValue("snapshot", snapshot).addKeyValue("replacedKeptAs", aside).log("database restored");
            return new RestoreResult(snapshot, aside);
        } catch (IOException e) {
            throw new StoreException("restoring " + snapshot + " into " + dataDir + " failed: " + e.getMessage(), e);
        }
    }

    /** Keeps the live database reachable under {@code aside}, with its WAL, before it is replaced. */
    private static void keepAside(Path live, Path aside) throws IOException {
        try {
            Files.createLink(aside, live);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(live, aside, StandardCopyOption.COPY_ATTRIBUTES);
            fsync(aside);
        }
        // A WAL left by a crash belongs to the old database: it must follow it, or SQLite would replay
        // it onto the restored file.
        Path wal = sibling(live, "-wal");
        if (Files.exists(wal)) {
            move(wal, sibling(aside, "-wal"));
        }
        Files.deleteIfExists(sibling(live, "-shm"));
        Files.deleteIfExists(sibling(live, "-journal"));
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private void removeStalePartials() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "raptor-*.db" + PARTIAL)) {
            Instant cutoff = clock.instant().minus(STALE_PARTIAL);
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", directory).addKeyValue("error", e.getMessage()).log("cannot clean partial snapshots");
        }
    }

    static String fileName(Instant at) {
        return "raptor-" + STAMP.format(at) + ".db";
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic, only its durability waits.
            log.atDebug().addKeyValue("dir", dir).addKeyValue("error", e.getMessage()).log("directory sync unsupported");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.atWarn().addKeyValue("file", file).addKeyValue("error", e.getMessage()).log("cannot delete partial snapshot");
        }
    }
}
