package dev.raptor.backup.update;

import dev.raptor.backup.BackupListener;
import dev.raptor.backup.BackupRequest;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.BackupTarget;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerBusyException;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.Upgrade;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.update.UpdateJournal;
import dev.raptor.core.update.UpdateOutcome;
import dev.raptor.core.update.UpdateRecord;
import dev.raptor.core.update.UpdateSource;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.Progress;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.rules.AccessRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps servers on the latest version of their game (the Atlas runner's flow), on the backups and the server's
 * controller. One per node.
 *
 * <p>An update: the manifest is read; the pack is downloaded into {@code <staging>/<server>/} and its size and SHA-256
 * checked <b>before anything is stopped</b> (a bad pack fails the update and the server never noticed); free space
 * for the pack and a backup is checked before the download. Then, as one {@link Upgrade} on the server's controller
 * (serialised with power actions, which answer 409 meanwhile): stop, back up (a regular backup, named after the
 * update), swap the pack in keeping the preserved paths ({@link ServerVolumes#apply}: all at once, a crash leaves the
 * old files or the new), start and wait for the ready line within the source's deadline. A failed apply, a crash at
 * boot or no ready line in time: the backup is restored whole and the previous version started again; the history
 * says {@code rolled-back} and why. Every stage is written down before it runs, so a daemon killed in the middle is
 * settled by {@link #recover()} at the next boot: the pre-update backup is restored when the files may have changed,
 * so the server is on the old version, whole, never half.
 *
 * <p>Pre-update backups beyond the source's {@code maxBackups} (oldest first, locked ones kept) are deleted after each
 * update. One update per server at a time.
 */
public final class UpdateService {
    private static final Logger log = LoggerFactory.getLogger(UpdateService.class);
    /** Manifests are small; a longer one is not a manifest. */
    private static final int MAX_MANIFEST = 64 * 1024;
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration ENGINE_CALL = Duration.ofSeconds(60);
    private static final Duration MANIFEST_DEADLINE = Duration.ofSeconds(30);
    /** A pack download that has not finished by then is abandoned. */
    private static final Duration DOWNLOAD_DEADLINE = Duration.ofHours(2);

    private final ServerFleet fleet;
    private final BackupService backups;
    private final ServerVolumes volumes;
    private final UpdateJournal journal;
    private final Path staging;
    private final Clock clock;
    private final HttpClient http;
    private final Map<UUID, UpdateRecord> running = new ConcurrentHashMap<>();

    public UpdateService(ServerFleet fleet, BackupService backups, ServerVolumes volumes, UpdateJournal journal, Path staging, Clock clock) {
        this.fleet = fleet;
        this.backups = backups;
        this.volumes = volumes;
        this.journal = journal;
        this.staging = staging;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    // ------------------------------------------------------------------ the source and the history

    /** Sets the server's update source. */
    public void configure(UUID serverId, UpdateSource source) {
        known(serverId);
        journal.saveSource(serverId, source);
        activity(serverId, "update.source", "update source set to " + source.manifest(), Map.of("manifest", source.manifest().toString()));
    }

    public Optional<UpdateSource> source(UUID serverId) {
        return journal.source(serverId);
    }

    public boolean removeSource(UUID serverId) {
        boolean removed = journal.removeSource(serverId);
        if (removed) {
            activity(serverId, "update.source", "update source removed", Map.of());
        }
        return removed;
    }

    /** The version the server's files hold, as the last update left them. */
    public Optional<String> version(UUID serverId) {
        return journal.version(serverId);
    }

    /** The server's updates, oldest first. */
    public List<UpdateRecord> history(UUID serverId) {
        return journal.history(serverId);
    }

    /** Every server's update source (for the checker). */
    public Map<UUID, UpdateSource> sources() {
        return journal.sources();
    }

    /** Whether an update or rollback of the server runs now. */
    public boolean running(UUID serverId) {
        return running.containsKey(serverId);
    }

    /**
     * Reads the server's source: its latest version, or {@code version} when one is asked for (the manifest URL is
     * then asked with {@code ?version=}, and must answer that version).
     */
    public UpdateManifest check(UUID serverId, String version) {
        UpdateSource source = journal.source(serverId).orElseThrow(() -> new UpdateException.NoSource(serverId));
        URI at = version == null ? source.manifest() : withVersion(source.manifest(), version);
        UpdateManifest m = UpdateManifest.parse(at, fetchSmall(at));
        if (version != null && !m.version().equals(version)) {
            throw new UpdateException.BadManifest(at, "version " + version + " was asked for, the source answered " + m.version());
        }
        return m;
    }

    // ------------------------------------------------------------------ update

    /**
     * Updates the server to the source's latest version (or {@code version}); answers at once, the update running on
     * a thread of its own. Refusals come before anything is written.
     *
     * @throws UpdateException.NoSource    when the server has no update source
     * @throws UpdateException.Busy        when an update of it runs
     * @throws UpdateException.SourceFailed or {@link UpdateException.BadManifest} when the source cannot say what to install
     */
    public UpdateAttempt update(UUID serverId, String version, UpdateListener listener) {
        known(serverId);
        UpdateSource source = journal.source(serverId).orElseThrow(() -> new UpdateException.NoSource(serverId));
        UpdateManifest m = check(serverId, version);
        String current = journal.version(serverId).orElse(null);
        if (version == null && m.version().equals(current)) {
            return new UpdateAttempt.UpToDate(current);
        }
        UpdateRecord u = UpdateRecord.started(serverId, current, m.version(), now());
        if (running.putIfAbsent(serverId, u) != null) {
            throw new UpdateException.Busy(serverId);
        }
        CompletableFuture<UpdateRecord> finished = new CompletableFuture<>();
        try {
            journal.record(u);
        } catch (RuntimeException e) {
            running.remove(serverId);
            throw e;
        }
        publish(u, "started", null);
        activity(serverId, "update.started", "update " + describe(current) + " -> " + m.version() + " started", Map.of("to", m.version()));
        Thread.ofPlatform().name("update-" + serverId).start(() -> {
            UpdateRecord last = u;
            try {
                last = run(u, source, m, listener);
            } catch (RuntimeException | Error e) {
                last = finish(u, UpdateOutcome.FAILED, "unexpected: " + e);
                log.atError().addKeyValue("server", serverId).setCause(e).log("update failed unexpectedly");
            } finally {
                running.remove(serverId);
                finished.complete(last);
            }
        });
        return new UpdateAttempt.Started(u, finished);
    }

    private UpdateRecord run(UpdateRecord u, UpdateSource source, UpdateManifest m, UpdateListener listener) {
        UUID id = u.serverId();
        Path pack = staging.resolve(id.toString()).resolve(u.id() + ".pack");
        try {
            // 1. the pack, checked, before anything stops
            try {
                checkSpace(id, m.size());
                download(u, m, pack, listener);
            } catch (IOException e) {
                return finish(u, UpdateOutcome.FAILED, message(e) + "; nothing was stopped or changed");
            }
            // 2..5 on the controller: stop, back up, apply, start, wait for ready (or roll back)
            Step step = new Step(u, source, pack, listener);
            CompletableFuture<PowerResult> result;
            try {
                result = fleet.maintain(id, "update", step);
            } catch (ServerBusyException e) {
                return finish(u, UpdateOutcome.FAILED, message(e) + "; nothing was stopped or changed");
            }
            PowerResult r = result.join();
            UpdateRecord now = step.record;
            return switch (r) {
                case PowerResult.Done d -> {
                    UpdateRecord done = finish(now, UpdateOutcome.SUCCEEDED, null);
                    prune(id, source.maxBackups());
                    yield done;
                }
                case PowerResult.Failed f -> {
                    UpdateRecord done = finish(now, step.rolledBack ? UpdateOutcome.ROLLED_BACK : UpdateOutcome.FAILED, f.reason());
                    prune(id, source.maxBackups());
                    yield done;
                }
                // the daemon shuts down: the record stays running, the next boot's recover() settles it
                case PowerResult.Superseded s -> now;
            };
        } finally {
            try {
                Files.deleteIfExists(pack);
            } catch (IOException e) {
                log.atWarn().addKeyValue("server", id).log("could not remove a downloaded pack: " + e);
            }
        }
    }

    /** The controller's part: backup and apply (stopped), then roll back on its word. */
    private final class Step implements Upgrade {
        private final UpdateSource source;
        private final Path pack;
        private final UpdateListener listener;
        private final BackupTarget target;
        volatile UpdateRecord record;
        volatile boolean rolledBack;

        Step(UpdateRecord u, UpdateSource source, Path pack, UpdateListener listener) {
            this.record = u;
            this.source = source;
            this.pack = pack;
            this.listener = listener;
            this.target = target(u.serverId());
        }

        @Override
        public Duration readyWithin() {
            return source.readyWithin();
        }

        @Override
        public void run() throws Exception {
            UUID id = record.serverId();
            record = stage(record.at("backing-up"), listener);
            BackupRecord b = backups.create(target, new BackupRequest("before update to " + record.to(), List.of()), progressTo(listener));
            record = record.backedUp(b.id());
            journal.record(record); // before the files change: a crash from here on restores this backup
            record = stage(record.at("applying"), listener);
            try (var locked = volumes.locks().lock(id, "applying an update")) {
                volumes.apply(id, target.files(), ArchiveSource.of(pack), source.preserve(), progress(listener, "applying"), phase -> {
                });
            }
            journal.setVersion(id, record.to());
            record = stage(record.at("starting"), listener);
        }

        @Override
        public void rollBack(String reason) throws Exception {
            record = stage(record.at("rolling-back"), listener);
            if (record.backupId() != null) {
                backups.restore(target, record.backupId(), true, progressTo(listener));
                rolledBack = true; // without a backup nothing had changed: the update just failed
            }
            journal.setVersion(record.serverId(), record.from());
        }
    }

    // ------------------------------------------------------------------ rollback

    /**
     * Goes back to the version before the last succeeded update: its pre-update backup is restored whole (files
     * changed since are lost: the backup is the previous version as it was) and the server started again if it ran.
     *
     * @throws UpdateException.NothingToRollBack when no succeeded update kept its backup
     */
    public UpdateAttempt.Started rollback(UUID serverId, UpdateListener listener) {
        known(serverId);
        UpdateRecord last = null;
        for (UpdateRecord r : journal.history(serverId)) {
            if (r.outcome() == UpdateOutcome.SUCCEEDED && r.backupId() != null && backupKept(serverId, r.backupId())) {
                last = r;
            }
        }
        if (last == null) {
            throw new UpdateException.NothingToRollBack(serverId);
        }
        String current = journal.version(serverId).orElse(null);
        UpdateRecord u = new UpdateRecord(UUID.randomUUID(), serverId, current, last.from() == null ? "(before " + last.to() + ")" : last.from(),
                now(), null, UpdateOutcome.RUNNING, "rolling-back", last.backupId(), null);
        if (running.putIfAbsent(serverId, u) != null) {
            throw new UpdateException.Busy(serverId);
        }
        UpdateRecord from = last;
        CompletableFuture<PowerResult> result;
        try {
            result = fleet.maintain(serverId, "rollback", () -> {
                backups.restore(target(serverId), from.backupId(), true, progressTo(listener));
                journal.setVersion(serverId, from.from());
            });
        } catch (RuntimeException e) {
            running.remove(serverId);
            throw e;
        }
        journal.record(u);
        publish(u, "started", null);
        activity(serverId, "update.rollback", "rollback to " + describe(from.from()) + " (backup " + from.backupId() + ") started", Map.of());
        CompletableFuture<UpdateRecord> finished = result.handle((r, e) -> {
            running.remove(serverId);
            if (r instanceof PowerResult.Superseded) {
                return u; // the next boot settles it (the restore itself is all or nothing)
            }
            String why = e != null ? message(e) : r instanceof PowerResult.Failed f ? f.reason() : null;
            return finish(u, why == null ? UpdateOutcome.ROLLED_BACK : UpdateOutcome.FAILED, why);
        });
        return new UpdateAttempt.Started(u, finished);
    }

    // ------------------------------------------------------------------ boot

    /**
     * At boot, after the backups' recovery and before servers start: every update a crash cut short is settled. One
     * that may have changed the files (its pre-update backup was taken) has that backup restored whole and the
     * previous version recorded: the server is on the old version, never half of the new; one that had not got that
     * far changed nothing. Both read {@code rolled-back} or {@code failed} with the reason.
     */
    public List<UpdateRecord> recover() {
        List<UpdateRecord> settled = new ArrayList<>();
        for (UpdateRecord u : journal.running()) {
            String why = "the daemon stopped during the update (at " + u.stage() + ")";
            UpdateRecord done;
            if (u.backupId() != null && fleet.store().find(u.serverId()).isPresent()) {
                try {
                    // the new version may still run (game servers outlive the daemon): it goes before its files do
                    for (ContainerInfo c : fleet.runtime().find(u.serverId(), Deadline.in(ENGINE_CALL))) {
                        if (c.running()) {
                            fleet.runtime().kill(c.ref(), Deadline.in(ENGINE_CALL));
                            fleet.runtime().awaitExit(c.ref(), Deadline.in(ENGINE_CALL));
                        }
                    }
                    backups.restore(target(u.serverId()), u.backupId(), true, BackupListener.NONE);
                    journal.setVersion(u.serverId(), u.from());
                    done = finish(u, UpdateOutcome.ROLLED_BACK, why + "; the files before it were restored from backup " + u.backupId());
                } catch (IOException | RuntimeException e) {
                    // the server's desired state still says run: boot starts whatever files it has, so say so loudly
                    done = finish(u, UpdateOutcome.FAILED, why + "; restoring backup " + u.backupId() + " failed: " + message(e));
                }
            } else {
                done = finish(u, UpdateOutcome.FAILED, why + "; nothing had been changed");
            }
            log.atWarn().addKeyValue("server", u.serverId()).addKeyValue("update", u.id()).log(done.reason());
            settled.add(done);
        }
        try {
            if (Files.isDirectory(staging)) {
                try (var dirs = Files.list(staging)) {
                    for (Path d : dirs.toList()) {
                        try (var packs = Files.list(d)) {
                            for (Path p : packs.toList()) {
                                Files.deleteIfExists(p);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.atWarn().log("could not clear the update downloads a crash left: " + e);
        }
        return settled;
    }

    // ------------------------------------------------------------------ helpers

    private UpdateRecord stage(UpdateRecord u, UpdateListener listener) {
        journal.record(u);
        listener.stage(u);
        publish(u, "progress", null);
        activity(u.serverId(), "update.progress", "update to " + u.to() + ": " + u.stage(), Map.of("stage", u.stage()));
        return u;
    }

    private UpdateRecord finish(UpdateRecord u, UpdateOutcome outcome, String reason) {
        UpdateRecord done = u.finished(outcome, now(), reason);
        journal.record(done);
        publish(done, outcome.wireName(), reason);
        activity(u.serverId(), "update." + outcome.wireName(), "update " + describe(u.from()) + " -> " + u.to() + " " + outcome.wireName()
                + (reason == null ? "" : ": " + reason), Map.of("to", u.to()));
        log.atInfo().addKeyValue("server", u.serverId()).addKeyValue("from", u.from()).addKeyValue("to", u.to())
                .addKeyValue("outcome", outcome.wireName()).log(reason == null ? "update finished" : reason);
        return done;
    }

    /** Deletes pre-update backups beyond the newest {@code keep} (locked ones stay). */
    private void prune(UUID serverId, int keep) {
        List<UUID> made = new ArrayList<>();
        for (UpdateRecord r : journal.history(serverId)) {
            if (r.backupId() != null && !made.contains(r.backupId()) && backupKept(serverId, r.backupId())) {
                made.add(r.backupId());
            }
        }
        for (int i = 0; i < made.size() - keep; i++) {
            try {
                backups.delete(serverId, made.get(i));
                log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", made.get(i)).log("pruned a pre-update backup (maxBackups)");
            } catch (IOException | RuntimeException e) {
                log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", made.get(i)).log("kept a pre-update backup: " + message(e));
            }
        }
    }

    private boolean backupKept(UUID serverId, UUID backupId) {
        try {
            return backups.find(serverId, backupId).status() == BackupStatus.COMPLETED;
        } catch (IOException e) {
            return false;
        }
    }

    /** The pack and a backup of the server's files must fit on the disk (the backup at most the files' size). */
    private void checkSpace(UUID id, long packBytes) throws IOException {
        Files.createDirectories(staging.resolve(id.toString()));
        long files = volumes.diskUsage().figure(id).bytes().orElseGet(() -> sizeOf(volumes.root(id)));
        long free = Files.getFileStore(staging).getUsableSpace();
        if (free < packBytes + files) {
            throw new IOException("not enough disk space: the pack (" + packBytes + " bytes) and a backup of the server's files (up to "
                    + files + " bytes) need " + (packBytes + files) + " bytes, " + free + " are free");
        }
    }

    private static long sizeOf(Path root) {
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Downloads the pack into {@code to}, checking its size while it comes and its SHA-256 at the end. */
    private void download(UpdateRecord u, UpdateManifest m, Path to, UpdateListener listener) throws IOException {
        stage(u.at("downloading"), listener);
        Path partial = to.resolveSibling(to.getFileName() + ".part");
        MessageDigest sha = sha256();
        long read = 0;
        Instant started = clock.instant();
        long told = 0;
        try (InputStream in = open(m.pack(), DOWNLOAD_DEADLINE); OutputStream out = Files.newOutputStream(partial)) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while downloading " + m.pack());
                }
                read += n;
                if (read > m.size()) {
                    throw new IOException("the pack is larger than the manifest's " + m.size() + " bytes");
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
                if (System.nanoTime() - told > 250_000_000L) {
                    told = System.nanoTime();
                    long millis = Math.max(1, Duration.between(started, clock.instant()).toMillis());
                    listener.progressed("downloading", read, m.size(), read * 1000 / millis);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (read != m.size()) {
            Files.deleteIfExists(partial);
            throw new IOException("the pack's size is " + read + " bytes, the manifest says " + m.size());
        }
        if (!actual.equals(m.sha256())) {
            Files.deleteIfExists(partial);
            throw new IOException("the pack's SHA-256 is " + actual + ", the manifest says " + m.sha256());
        }
        listener.progressed("downloading", read, m.size(), 0);
        Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A small document (a manifest), whole. */
    private byte[] fetchSmall(URI at) {
        try (InputStream in = open(at, MANIFEST_DEADLINE)) {
            byte[] body = in.readNBytes(MAX_MANIFEST + 1);
            if (body.length > MAX_MANIFEST) {
                throw new UpdateException.BadManifest(at, "it is over " + MAX_MANIFEST + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UpdateException.SourceFailed(at, message(e));
        }
    }

    /**
     * Opens an {@code http(s)} or {@code file} address for reading; a stream still open at {@code deadline} is closed
     * under its reader (who then fails), so a stalled source never holds an update forever.
     */
    private InputStream open(URI at, Duration deadline) throws IOException {
        InputStream in;
        switch (String.valueOf(at.getScheme())) {
            case "file" -> in = Files.newInputStream(Path.of(at));
            case "http", "https" -> {
                HttpResponse<InputStream> r;
                try {
                    r = http.send(HttpRequest.newBuilder(at).timeout(MANIFEST_DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while asking " + at);
                }
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException(at + " answered HTTP " + r.statusCode());
                }
                in = r.body();
            }
            default -> throw new IOException("unsupported address " + at + " (http, https or file)");
        }
        InputStream stream = in;
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(deadline);
                stream.close();
            } catch (InterruptedException | IOException done) {
                // closed in time, or closing failed: nothing to do
            }
        });
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                watchdog.interrupt();
                super.close();
            }
        };
    }

    private static URI withVersion(URI manifest, String version) {
        String q = "version=" + java.net.URLEncoder.encode(version, java.nio.charset.StandardCharsets.UTF_8);
        String s = manifest.toString();
        return URI.create(s + (manifest.getRawQuery() == null ? "?" : "&") + q);
    }

    private BackupTarget target(UUID id) {
        ServerSpec spec = known(id);
        return new BackupTarget(id, FilePolicy.of(spec.limits(), AccessRules.NONE), backups.settings().retention());
    }

    /** From the store, not the fleet: {@link #recover()} runs before the fleet's boot has made the servers' controllers. */
    private ServerSpec known(UUID id) {
        return fleet.store().find(id).orElseThrow(() -> new ServerNotFoundException(id)).spec();
    }

    private static BackupListener progressTo(UpdateListener listener) {
        return new BackupListener() {
            @Override
            public void progressed(BackupRecord backup, OperationProgress p) {
                listener.progressed(p.stage(), p.bytesDone(), p.bytesTotal(), p.bytesPerSecond());
            }
        };
    }

    private static Progress progress(UpdateListener listener, String stage) {
        return Progress.listening(s -> listener.progressed(stage, s.bytesDone(), s.bytesTotal(), 0));
    }

    private void publish(UpdateRecord u, String phase, String reason) {
        fleet.bus().publish(new ServerEvent.UpdateChanged(u.serverId(), Instant.now(), phase, u, reason));
    }

    private void activity(UUID serverId, String type, String message, Map<String, String> details) {
        try {
            fleet.store().appendActivity(serverId, type, message, details);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", serverId).log("could not record an update's activity: " + e);
        }
    }

    private static String describe(String version) {
        return version == null ? "(unknown)" : version;
    }

    private static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
