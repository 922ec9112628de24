package dev.raptor.backup;

import dev.raptor.core.operation.OperationProgress;
import dev.raptor.backup.io.RateLimitedOutputStream;
import dev.raptor.backup.retention.Retention;
import dev.raptor.backup.retention.RetentionPolicy;
import dev.raptor.backup.storage.BackupStorage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.files.BadArchiveException;
import dev.raptor.files.BadPathException;
import dev.raptor.files.PathOutsideRootException;
import dev.raptor.files.Progress;
import dev.raptor.files.RecoveredRestore;
import dev.raptor.files.RestorePhase;
import dev.raptor.files.RestoreResult;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSniffer;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.core.backup.BackupJournal;
import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backups of servers' files, and restores from them. One per node.
 *
 * <p><b>Backup</b>: the record is written {@code running} first (so a crash leaves a row naming the partial
 * archive: {@link #recover()} removes it at the next boot and answers the backup failed), then the server's root
 * is streamed through the jail into tar + zstd (multi-threaded, {@link BackupSettings#compressionLevel()}), through
 * a SHA-256 digest and the write-rate limit, straight into the storage: memory stays flat whatever the archive's
 * size. Paths in the server's {@code .raptorignore}, in its spec and in the request are left out. Once the storage has the
 * archive durably, the record says completed with size and checksum, and retention prunes the oldest unlocked
 * backups beyond the server's policy.
 *
 * <p><b>Restore</b>: {@link ServerVolumes#restore} builds the new tree beside the root and swaps it in whole (a failure
 * or a crash leaves the previous files). The archive is read once: its size and SHA-256 are taken as it is extracted
 * into the staged tree ({@link ChecksummedArchive}) and checked against the record before the swap, so a damaged
 * archive never touches the server's files (a zip, read at offsets, is checked whole before extracting). The caller stops the server first and restarts it after (the server's
 * controller serialises this with power actions).
 *
 * <p><b>Files on another node</b> (a server on a worker whose files its {@code raptord agent} serves,
 * {@link #useRemoteVolumes}): the node does the file work where the files are ({@link RemoteVolume}: the same
 * {@link VolumeArchive}, its own jail and staged swap, the archive checked there against the record before anything
 * is touched); the record, the storage, the checksum of what is stored and retention stay here.
 *
 * <p>One backup or restore per server at a time ({@link BackupException.Busy} otherwise); different servers run
 * side by side. Every method blocks on disk or network I/O: call them on a thread of their own.
 */
public final class BackupService {
    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    private static final DateTimeFormatter NAME_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC);
    private static final int SNIFF_BYTES = 64 * 1024;

    private final BackupJournal records;
    private final ServerVolumes volumes;
    private final StorageSet storages;
    private final BackupSettings settings;
    private final Clock clock;
    private final Map<UUID, String> busy = new ConcurrentHashMap<>();
    private volatile RemoteVolumes remote = RemoteVolumes.NONE;

    public BackupService(BackupJournal records, ServerVolumes volumes, StorageSet storages, BackupSettings settings, Clock clock) {
        this.records = records;
        this.volumes = volumes;
        this.storages = storages;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Where the servers whose files are on other nodes are reached (the manager's node agents); set once, when the API
     * that knows them is built, before any backup runs.
     */
    public void useRemoteVolumes(RemoteVolumes remoteVolumes) {
        this.remote = remoteVolumes == null ? RemoteVolumes.NONE : remoteVolumes;
    }

    public BackupSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ backup

    /**
     * Backs up a server's files, then prunes by its retention policy.
     *
     * @return the completed backup
     * @throws BackupException.Busy          when a backup or restore of the server runs
     * @throws BackupException.BadIgnoreFile when its {@code .raptorignore} is a link, too large or not a file
     * @throws BackupException.NodeUnavailable when the server's files are on a node whose agent does not answer (the
     *                                         backup is recorded failed with the reason)
     * @throws IOException                   when reading the files or writing the archive fails (recorded failed)
     */
    public BackupRecord create(BackupTarget target, BackupRequest request, BackupListener listener) throws IOException {
        UUID serverId = target.serverId();
        claim(serverId, "backup");
        try {
            List<String> patterns = new ArrayList<>(target.ignore());
            patterns.addAll(request.ignore());
            Optional<RemoteVolume> remote = remoteOf(serverId, request.name());
            if (remote.isPresent()) {
                return createOn(remote.get(), target, request, patterns, listener);
            }
            ServerFiles files = volumes.files(serverId, target.files());
            VolumeArchive archive = VolumeArchive.of(files, patterns, settings.maxIgnoreFileBytes(), settings.compressionLevel(),
                    settings.threads());
            BackupRecord running = begin(serverId, request.name(), BackupSettings.FORMAT);
            listener.started(running);
            BackupStorage storage = storages.writeTo();
            Instant started = now();
            Progress progress = progress(running, "archiving", listener, started);
            return store(running, storage, target, listener, out -> archive.writeTo(out, progress));
        } finally {
            busy.remove(serverId);
        }
    }

    /**
     * A backup of a server whose files are on another node: the node archives them (its {@code .raptorignore} read
     * there, its refusals before any record), this machine stores the stream as it would its own archive. A node that
     * cannot be reached leaves a failed record saying so.
     */
    private BackupRecord createOn(RemoteVolume node, BackupTarget target, BackupRequest request, List<String> patterns,
                                  BackupListener listener) throws IOException {
        UUID serverId = target.serverId();
        RemoteVolume.Opened archive;
        try {
            archive = node.archive(serverId, target.files(), patterns, settings);
        } catch (BackupException.NodeUnavailable e) {
            fail(begin(serverId, request.name(), BackupSettings.FORMAT), e, listener);
            throw e;
        }
        try (archive) {
            BackupRecord running = begin(serverId, request.name(), BackupSettings.FORMAT);
            listener.started(running);
            Progress progress = progress(running, "archiving", listener, now());
            return store(running, storages.writeTo(), target, listener, out -> archive.writeTo(out, progress));
        }
    }

    private Optional<RemoteVolume> remoteOf(UUID serverId, String name) throws BackupException.NodeUnavailable {
        try {
            return remote.of(serverId);
        } catch (BackupException.NodeUnavailable e) {
            fail(begin(serverId, name, BackupSettings.FORMAT), e, BackupListener.NONE);
            throw e;
        }
    }

    /** Writes what {@code archive} gives into the storage, through the rate limit and SHA-256; then retention. */
    private BackupRecord store(BackupRecord running, BackupStorage storage, BackupTarget target, BackupListener listener,
                               ArchiveWriter archive) throws IOException {
        UUID serverId = running.serverId();
        try (BackupStorage.Upload upload = storage.upload(running.location().key())) {
            MessageDigest sha = sha256();
            OutputStream sink = upload.stream();
            if (settings.writeBytesPerSecond() > 0) {
                sink = new RateLimitedOutputStream(sink, settings.writeBytesPerSecond());
            }
            DigestOutputStream digesting = new DigestOutputStream(sink, sha);
            archive.writeTo(digesting);
            digesting.flush();
            long size = upload.commit();
            BackupRecord done = running.completed(now(), size, HexFormat.of().formatHex(sha.digest()));
            records.finish(done);
            log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", done.id()).addKeyValue("bytes", size)
                    .addKeyValue("location", done.location()).log("backup completed");
            listener.completed(done);
            prune(serverId, target.retention());
            return done;
        } catch (IOException | RuntimeException e) {
            fail(running, e, listener);
            throw e;
        }
    }

    @FunctionalInterface
    private interface ArchiveWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Keeps an archive made elsewhere (a tar.gz, tar.zst, zip... from another panel) as a backup of the server, so it
     * can be restored like one. Its format comes from its content.
     */
    public BackupRecord importArchive(BackupTarget target, String name, InputStream archive) throws IOException {
        UUID serverId = target.serverId();
        claim(serverId, "backup");
        try {
            byte[] head = archive.readNBytes(SNIFF_BYTES);
            ArchiveFormat format = ArchiveSniffer.detect(new SeekableInMemoryByteChannel(head), name == null ? "archive" : name);
            if (format.singleFile()) {
                throw new dev.raptor.files.BadArchiveException(name, "a backup is an archive of files, not a single compressed file");
            }
            BackupRecord running = begin(serverId, name, format.extension());
            try (BackupStorage.Upload upload = storages.writeTo().upload(running.location().key())) {
                MessageDigest sha = sha256();
                OutputStream out = new DigestOutputStream(upload.stream(), sha);
                out.write(head);
                archive.transferTo(out);
                out.flush();
                long size = upload.commit();
                BackupRecord done = running.completed(now(), size, HexFormat.of().formatHex(sha.digest()));
                records.finish(done);
                prune(serverId, target.retention());
                return done;
            } catch (IOException | RuntimeException e) {
                fail(running, e, BackupListener.NONE);
                throw e;
            }
        } finally {
            busy.remove(serverId);
        }
    }

    private BackupRecord begin(UUID serverId, String name, String format) {
        UUID id = UUID.randomUUID();
        Instant now = now();
        String shown = name == null || name.isBlank() ? NAME_STAMP.format(now) : name.strip();
        BackupLocation where = new BackupLocation(storages.writeTo().adapter(), serverId + "/" + id + "." + format);
        BackupRecord running = BackupRecord.running(id, serverId, shown, now, format, where);
        records.begin(running);
        return running;
    }

    private void fail(BackupRecord running, Exception e, BackupListener listener) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        try {
            records.finish(running.failed(now(), reason));
        } catch (RuntimeException store) {
            e.addSuppressed(store); // the next boot answers it
        }
        log.atWarn().addKeyValue("server", running.serverId()).addKeyValue("backup", running.id()).log("backup failed: " + reason);
        listener.failed(running, reason);
    }

    // ------------------------------------------------------------------ restore

    /**
     * Restores a completed backup over the server's files: the new tree is staged and swapped in, the archive's size
     * and checksum verified on the way, before the swap (a damaged one is refused with the server's files untouched). With {@code truncate} the
     * root becomes exactly the archive, without it files the archive does not hold are kept. Stop the server first.
     *
     * @throws BackupException.Corrupt when the archive is not what was written
     */
    public RestoreOutcome restore(BackupTarget target, UUID backupId, boolean truncate, BackupListener listener) throws IOException {
        UUID serverId = target.serverId();
        claim(serverId, "restore");
        try {
            BackupRecord b = completed(serverId, backupId);
            BackupStorage storage = storage(b);
            Optional<RemoteVolume> node = remote.of(serverId);
            listener.started(b);
            if (node.isPresent()) {
                return restoreOn(node.get(), target, b, storage, truncate, listener);
            }
            try {
                ArchiveSource archive = storage.source(b.location().key(), b.name() + "." + b.format());
                if (readInOrder(b)) {
                    archive = new ChecksummedArchive(archive, b); // checked as it is extracted, before the swap
                } else {
                    verify(b, storage, listener); // read at offsets: checked whole first
                }
                Instant started = now();
                Progress extracting = progress(b, "extracting", listener, started);
                RestoreResult result;
                // SFTP/FTP users are locked out (their open sessions end) while the files are replaced.
                try (var locked = volumes.locks().lock(serverId, "restoring a backup")) {
                    result = volumes.restore(serverId, target.files(), archive, truncate, extracting,
                        phase -> {
                            if (phase == RestorePhase.SWAPPING) {
                                listener.progressed(b, new OperationProgress("swapping", 0, -1, 0, -1, 0));
                            }
                            listener.restorePhase(b, phase);
                        });
                } catch (BadArchiveException | PathOutsideRootException | BadPathException unreadable) {
                    // What the archive holds was refused: say so when it is not the archive that was written.
                    if (archive instanceof ChecksummedArchive checked) {
                        try {
                            checked.checkIntact();
                        } catch (BackupException.Corrupt corrupt) {
                            corrupt.addSuppressed(unreadable);
                            throw corrupt;
                        } catch (IOException | RuntimeException unchecked) {
                            unreadable.addSuppressed(unchecked);
                        }
                    }
                    throw unreadable;
                }
                log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", backupId).addKeyValue("truncate", truncate)
                        .addKeyValue("files", result.extracted().files()).log("restore completed");
                listener.completed(b);
                return new RestoreOutcome(b, result);
            } catch (IOException | RuntimeException e) {
                listener.failed(b, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                throw e;
            }
        } finally {
            busy.remove(serverId);
        }
    }

    /**
     * A restore onto another node: the archive is read here once, in order, and streamed to the node, which checks its
     * size and SHA-256 against the record before it touches the server's files (a damaged one is refused there), then
     * stages and swaps it in through its jail. The server's files are locked here too meanwhile.
     */
    private RestoreOutcome restoreOn(RemoteVolume node, BackupTarget target, BackupRecord b, BackupStorage storage, boolean truncate,
                                     BackupListener listener) throws IOException {
        UUID serverId = target.serverId();
        try (var locked = volumes.locks().lock(serverId, "restoring a backup");
             InputStream archive = storage.read(b.location().key())) {
            Progress extracting = progress(b, "extracting", listener, now());
            RestoreResult result = node.restore(serverId, target.files(), b, archive, truncate, extracting, phase -> {
                if (phase == RestorePhase.SWAPPING) {
                    listener.progressed(b, new OperationProgress("swapping", 0, -1, 0, -1, 0));
                }
                listener.restorePhase(b, phase);
            });
            log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", b.id()).addKeyValue("node", node.node())
                    .addKeyValue("truncate", truncate).addKeyValue("files", result.extracted().files()).log("restore completed");
            listener.completed(b);
            return new RestoreOutcome(b, result);
        } catch (IOException | RuntimeException e) {
            listener.failed(b, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            throw e;
        }
    }

    /**
     * Refuses a restore of a server whose files are on a node that does not answer now, before its caller stops the
     * server for it (a server on this machine always passes).
     *
     * @throws BackupException.NodeUnavailable naming the node and why
     */
    public void checkReachable(UUID serverId) throws BackupException.NodeUnavailable {
        Optional<RemoteVolume> node = remote.of(serverId);
        if (node.isPresent()) {
            node.get().checkReachable(serverId);
        }
    }

    /**
     * Whether an extraction reads the backup's archive from its start to its end in order (tar, compressed or not),
     * so its checksum can be taken on the way; a zip is read at offsets, and is checked whole first.
     */
    private static boolean readInOrder(BackupRecord b) {
        return b.format().equals("tar") || b.format().startsWith("tar.");
    }

    /** Reads the whole archive once: its size and SHA-256 must be those recorded. */
    private void verify(BackupRecord b, BackupStorage storage, BackupListener listener) throws IOException {
        MessageDigest sha = sha256();
        long read = 0;
        Instant started = now();
        long lastTold = System.nanoTime();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = storage.read(b.location().key())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                read += n;
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while verifying backup " + b.id());
                }
                long now = System.nanoTime();
                if (now - lastTold > 250_000_000L) {
                    lastTold = now;
                    listener.progressed(b, new OperationProgress("verifying", read, b.sizeBytes(), 0, -1, rate(read, started)));
                }
            }
        }
        if (read != b.sizeBytes()) {
            throw new BackupException.Corrupt(b.serverId(), b.id(), "its size is " + read + " bytes, " + b.sizeBytes() + " were written");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(b.sha256())) {
            throw new BackupException.Corrupt(b.serverId(), b.id(), "its SHA-256 is " + actual + ", " + b.sha256() + " was written");
        }
    }

    // ------------------------------------------------------------------ reading, locking, deleting

    /** A server's backups, oldest first. */
    public List<BackupRecord> list(UUID serverId) {
        return records.list(serverId);
    }

    public BackupRecord find(UUID serverId, UUID backupId) throws BackupException.NotFound {
        return records.find(backupId).filter(b -> b.serverId().equals(serverId))
                .orElseThrow(() -> new BackupException.NotFound(serverId, backupId));
    }

    /** Opens a completed backup's archive for a download. */
    public BackupDownload download(UUID serverId, UUID backupId) throws IOException {
        BackupRecord b = completed(serverId, backupId);
        String safeName = b.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return new BackupDownload(b, serverId.toString().substring(0, 8) + "-" + safeName + "." + b.format(),
                storage(b).read(b.location().key()));
    }

    /** Locks a backup against pruning and deletion, or unlocks it. */
    public BackupRecord setLocked(UUID serverId, UUID backupId, boolean locked) throws BackupException.NotFound {
        BackupRecord b = find(serverId, backupId);
        records.setLocked(backupId, locked);
        return b.withLocked(locked);
    }

    /**
     * Deletes a backup: its archive, then its record.
     *
     * @throws BackupException.Locked when it is locked
     * @throws BackupException.Busy   when it is still being written
     */
    public void delete(UUID serverId, UUID backupId) throws IOException {
        BackupRecord b = find(serverId, backupId);
        if (b.locked()) {
            throw new BackupException.Locked(serverId, backupId);
        }
        if (b.status() == BackupStatus.RUNNING) {
            throw new BackupException.Busy(serverId, "backup");
        }
        remove(b);
    }

    private void remove(BackupRecord b) throws IOException {
        Optional<BackupStorage> storage = storages.forAdapter(b.location().adapter());
        if (storage.isPresent()) {
            storage.get().delete(b.location().key());
        } else if (b.status() == BackupStatus.COMPLETED) {
            throw new IOException("backup " + b.id() + " is kept in '" + b.location().adapter() + "' storage, which this node is not configured for");
        }
        records.delete(b.id());
    }

    /**
     * Applies a retention policy now (after every successful backup too).
     *
     * @return the backups deleted
     */
    public List<BackupRecord> prune(UUID serverId, RetentionPolicy policy) {
        List<BackupRecord> gone = new ArrayList<>();
        for (BackupRecord b : Retention.prunable(records.list(serverId), policy, now())) {
            try {
                remove(b);
                gone.add(b);
                log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", b.id()).addKeyValue("created", b.createdAt())
                        .log("pruned a backup by the server's retention policy");
            } catch (IOException | RuntimeException e) {
                log.atWarn().addKeyValue("server", serverId).addKeyValue("backup", b.id()).log("could not prune a backup: " + e);
            }
        }
        return gone;
    }

    /** Whether the server has files to back up at all: a server never started or installed has no directory yet. */
    public boolean hasFiles(UUID serverId) {
        try {
            if (remote.of(serverId).isPresent()) {
                return true; // on another node: its node knows, and a backup there that finds none says so
            }
        } catch (BackupException.NodeUnavailable e) {
            return true; // tried, so the failed backup records why
        }
        return java.nio.file.Files.isDirectory(volumes.root(serverId));
    }

    /** Whether a backup or restore of the server runs now ("backup", "restore"), for 409s elsewhere. */
    public Optional<String> running(UUID serverId) {
        return Optional.ofNullable(busy.get(serverId));
    }

    // ------------------------------------------------------------------ boot

    /**
     * At boot, before the API serves: every backup left running by the previous run has its partial archive removed
     * and is answered failed; every interrupted restore is finished one way or the other.
     */
    public BootRecovery recover() throws IOException {
        List<BackupRecord> failed = new ArrayList<>();
        for (BackupRecord b : records.running()) {
            Optional<BackupStorage> storage = storages.forAdapter(b.location().adapter());
            String reason = "interrupted: the daemon stopped while the backup was being written";
            if (storage.isPresent()) {
                storage.get().discardPartial(b.location().key());
                reason += "; the partial archive was removed";
            } else {
                reason += "; its '" + b.location().adapter() + "' storage is not configured, so its partial archive may remain there";
            }
            BackupRecord answered = b.failed(now(), reason);
            records.finish(answered);
            failed.add(answered);
            log.atWarn().addKeyValue("server", b.serverId()).addKeyValue("backup", b.id()).log(reason);
        }
        List<RecoveredRestore> restores = volumes.recoverRestores();
        return new BootRecovery(failed, restores);
    }

    // ------------------------------------------------------------------ helpers

    private void claim(UUID serverId, String what) throws BackupException.Busy {
        String already = busy.putIfAbsent(serverId, what);
        if (already != null) {
            throw new BackupException.Busy(serverId, already);
        }
    }

    private BackupRecord completed(UUID serverId, UUID backupId) throws BackupException {
        BackupRecord b = find(serverId, backupId);
        if (b.status() != BackupStatus.COMPLETED) {
            throw new BackupException.NotRestorable(serverId, backupId, b.status().wireName());
        }
        return b;
    }

    private BackupStorage storage(BackupRecord b) throws IOException {
        return storages.forAdapter(b.location().adapter()).orElseThrow(() -> new IOException("backup " + b.id()
                + " is kept in '" + b.location().adapter() + "' storage, which this node is not configured for"));
    }

    private Progress progress(BackupRecord b, String stage, BackupListener listener, Instant started) {
        return Progress.listening(s -> listener.progressed(b, new OperationProgress(stage, s.bytesDone(), s.bytesTotal(),
                s.filesDone(), s.filesTotal(), rate(s.bytesDone(), started))));
    }

    private long rate(long bytes, Instant started) {
        long millis = Math.max(1, clock.millis() - started.toEpochMilli());
        return bytes * 1000 / millis;
    }

    /** The store keeps milliseconds: records made here must equal what it reads back. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
