package dev.raptor.api.backups;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.backup.BackupDownload;
import dev.raptor.backup.BackupRequest;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.BackupTarget;
import dev.raptor.backup.ServerBackups;
import dev.raptor.backup.schedule.BackupTimetable;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.validation.Problems;
import dev.raptor.files.BadArchiveException;
import dev.raptor.wire.backup.BackupCreateRequest;
import dev.raptor.wire.backup.BackupDownloadUrlDocument;
import dev.raptor.wire.backup.BackupList;
import dev.raptor.wire.backup.RestoreRequest;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code /servers/{id}/backups...}: create (an operation with progress, answered like a power action), list (with when
 * the next scheduled backup starts), read, download (streamed; for a browser, by a signed one-shot link from
 * {@code download-url}, redeemed at {@link #DOWNLOAD_PATH} without the API key), import (an archive made elsewhere, streamed in), delete, lock and unlock, and restore, which the
 * server's controller serialises with power actions (a running server is stopped by its stop policy and started again after; power actions answer 409
 * meanwhile). Backups and restores run on platform threads of their own; the request only waits for the answer.
 */
public final class BackupRoutes {
    /** The purpose of a backup's signed download link: it redeems nowhere else, and no other link redeems here. */
    static final String DOWNLOAD = "backups.download";
    /** Where a browser redeems a backup's signed download link ({@code ?token=}). */
    public static final String DOWNLOAD_PATH = "/api/v1/backups/download";

    private final ServerFleet fleet;
    /** Null on a node built without backups: every route answers 501. */
    private final BackupService backups;
    /** The backups as the servers' specs say (ignore patterns, retention, console commands); null without backups. */
    private final ServerBackups serverBackups;
    /** When each server's next scheduled backup starts. */
    private final BackupTimetable timetable;
    private final Operations operations;
    /** The node's signed links, shared with the file routes' (one mechanism, purposes kept apart). */
    private final SignedLinks links;
    private final ApiSettings settings;

    public BackupRoutes(ServerFleet fleet, BackupService backups, BackupTimetable timetable, Operations operations, SignedLinks links,
                        ApiSettings settings) {
        this.fleet = fleet;
        this.backups = backups;
        this.serverBackups = backups == null ? null : new ServerBackups(fleet, backups);
        this.timetable = timetable == null ? BackupTimetable.NONE : timetable;
        this.operations = operations;
        this.links = links;
        this.settings = settings;
    }

    /** {@code POST /servers/{id}/backups} with a {@link BackupCreateRequest}. */
    public void create(Context ctx) throws Exception {
        service();
        UUID id = Query.serverId(ctx);
        serverBackups.target(id); // 404 for an unknown server before the body is read
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String name = r.text("name");
        if (name != null && name.length() > 200) {
            r.error("name", "has at most 200 characters (was " + name.length() + ")");
        }
        List<String> ignore = new ArrayList<>();
        List<JsonNode> patterns = r.array("ignore");
        if (patterns != null) {
            for (int i = 0; i < patterns.size(); i++) {
                JsonNode p = patterns.get(i);
                if (!p.isTextual()) {
                    r.error("ignore[" + i + "]", "must be a string (a gitignore pattern)");
                } else {
                    ignore.add(p.asText());
                }
            }
        }
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(BackupCreateRequest.FIELDS, Set.of());
        problems.throwIfAny();

        Operation.Live live = new Operation.Live();
        BackupEvents events = new BackupEvents("backup", fleet.bus(), fleet.store(), live);
        CompletableFuture<BackupRecord> started = new CompletableFuture<>();
        CompletableFuture<Operation.Outcome> ended = new CompletableFuture<>();
        Thread.ofPlatform().name("backup-" + id).start(() -> {
            try {
                serverBackups.create(id, new BackupRequest(name, ignore), new dev.raptor.backup.BackupListener() {
                    @Override
                    public void started(BackupRecord backup) {
                        events.started(backup);
                        started.complete(backup);
                    }

                    @Override
                    public void progressed(BackupRecord backup, dev.raptor.core.operation.OperationProgress progress) {
                        events.progressed(backup, progress);
                    }

                    @Override
                    public void completed(BackupRecord backup) {
                        events.completed(backup);
                    }

                    @Override
                    public void failed(BackupRecord backup, String reason) {
                        events.failed(backup, reason);
                    }
                });
                ended.complete(new Operation.Outcome(OperationStatus.DONE, now(), null, null, null));
            } catch (IOException | RuntimeException e) {
                if (!started.completeExceptionally(e)) {
                    ended.complete(new Operation.Outcome(OperationStatus.FAILED, now(), null, null, reason(e)));
                }
            }
        });
        try {
            started.join(); // refusals (a busy server, a bad .raptorignore) are the request's answer, before any operation
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        Operation op = operations.track(id, OperationKind.BACKUP, "backup", null, live, ended);
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /**
     * {@code POST /servers/{id}/backups/import?name=…}: the body is an archive made elsewhere (tar.gz, tar.zst, tar, zip…;
     * its format is read from its first bytes), streamed into the backup storage and kept as a completed backup of the
     * server, with its size and SHA-256, to restore like any other. 201 with the backup; not an archive: 422. The
     * server's retention applies after it, as after any backup.
     */
    public void importArchive(Context ctx) throws IOException {
        BackupService service = service();
        UUID id = Query.serverId(ctx);
        BackupTarget target = serverBackups.target(id);
        String name = ctx.queryParam("name");
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw ProblemException.invalidParameter("name", "has 1 to 200 characters (was " + name.length() + ")");
        }
        BackupRecord b;
        try (InputStream body = ctx.req().getInputStream()) {
            b = service.importArchive(target, name, body);
        } catch (BadArchiveException e) {
            throw new ProblemException(Problem.of(422, "bad-archive", "Not an archive", e.getMessage()).withServerId(id));
        }
        new dev.raptor.backup.BackupPublisher("import", fleet.bus(), fleet.store()).completed(b);
        ctx.header("Location", "/api/v1/servers/" + id + "/backups/" + b.id());
        Responses.json(ctx, 201, BackupDocuments.of(b));
    }

    /** {@code GET /servers/{id}/backups}: the backups, the spec's schedule and when the scheduler starts the next one. */
    public void list(Context ctx) {
        UUID id = knownServer(ctx);
        String schedule = fleet.find(id).map(s -> s.stored().spec().backups().schedule()).orElse(null);
        Instant next = schedule == null ? null : timetable.next(id).orElse(null);
        Responses.json(ctx, 200, new BackupList(service().list(id).stream().map(BackupDocuments::of).toList(), schedule,
                timetable.zone().getId(), next));
    }

    /** {@code GET /servers/{id}/backups/{bid}}. */
    public void get(Context ctx) throws IOException {
        UUID id = knownServer(ctx);
        Responses.json(ctx, 200, BackupDocuments.of(service().find(id, backupId(ctx))));
    }

    /** {@code GET /servers/{id}/backups/{bid}/download}: the archive as stored, streamed. */
    public void download(Context ctx) throws IOException {
        UUID id = knownServer(ctx);
        stream(ctx, id, backupId(ctx));
    }

    /**
     * {@code POST /servers/{id}/backups/{bid}/download-url}: 201 with a signed one-shot URL for a browser, bound to this
     * backup ({@link BackupDownloadUrlDocument}); the backup must be completed now (409 otherwise), and is looked up
     * again when the link is used.
     */
    public void downloadUrl(Context ctx) throws IOException {
        UUID id = knownServer(ctx);
        UUID bid = backupId(ctx);
        BackupRecord b = service().find(id, bid);
        if (b.status() != dev.raptor.core.backup.BackupStatus.COMPLETED) {
            throw new dev.raptor.backup.BackupException.NotRestorable(id, bid, b.status().wireName());
        }
        SignedLinks.Link link = links.issue(DOWNLOAD, id, bid.toString(), settings.files().linkTtl());
        Responses.json(ctx, 201, new BackupDownloadUrlDocument(link.url(DOWNLOAD_PATH), bid, link.claims().expiresAt()));
    }

    /** {@code GET /backups/download?token=}: the link's backup, as {@link #download} streams it; a link is good once. */
    public void linkDownload(Context ctx) throws IOException {
        SignedLinks.Claims c = links.redeem(Query.text(ctx, "token").orElse(null), DOWNLOAD);
        UUID bid;
        try {
            bid = UUID.fromString(c.resource());
        } catch (IllegalArgumentException e) {
            // signed by this node for this purpose, so never seen; refused rather than trusted
            throw new SignedLinks.InvalidLinkException("the link names no backup");
        }
        stream(ctx, c.serverId(), bid);
    }

    private void stream(Context ctx, UUID id, UUID bid) throws IOException {
        try (BackupDownload d = service().download(id, bid)) {
            ctx.status(200);
            ctx.header("Content-Type", d.backup().format().endsWith("zst") ? "application/zstd" : "application/octet-stream");
            ctx.header("Content-Length", Long.toString(d.backup().sizeBytes()));
            ctx.header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
            ctx.header("ETag", "\"" + d.backup().sha256() + "\"");
            ctx.header("X-Checksum-SHA256", d.backup().sha256());
            try (InputStream in = d.content(); OutputStream out = ctx.outputStream()) {
                in.transferTo(out);
            }
        }
    }

    /** {@code DELETE /servers/{id}/backups/{bid}}: 204; a locked backup is 409. */
    public void delete(Context ctx) throws IOException {
        UUID id = knownServer(ctx);
        service().delete(id, backupId(ctx));
        ctx.status(204);
    }

    /** {@code POST /servers/{id}/backups/{bid}/lock}. */
    public void lock(Context ctx) throws IOException {
        setLocked(ctx, true);
    }

    /** {@code POST /servers/{id}/backups/{bid}/unlock}. */
    public void unlock(Context ctx) throws IOException {
        setLocked(ctx, false);
    }

    private void setLocked(Context ctx, boolean locked) throws IOException {
        UUID id = knownServer(ctx);
        Responses.json(ctx, 200, BackupDocuments.of(service().setLocked(id, backupId(ctx), locked)));
    }

    /** {@code POST /servers/{id}/backups/{bid}/restore} with a {@link RestoreRequest}. */
    public void restore(Context ctx) throws IOException {
        BackupService service = service();
        UUID id = Query.serverId(ctx);
        BackupTarget target = serverBackups.target(id);
        UUID bid = backupId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        Boolean truncate = r.bool("truncate");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(RestoreRequest.FIELDS, Set.of());
        problems.throwIfAny();
        BackupRecord b = service.find(id, bid);
        if (b.status() != dev.raptor.core.backup.BackupStatus.COMPLETED) {
            throw new dev.raptor.backup.BackupException.NotRestorable(id, bid, b.status().wireName());
        }
        service.checkReachable(id); // a worker's agent that does not answer: 503 before the server is stopped for nothing
        Operation.Live live = new Operation.Live();
        live.backupId(bid);
        BackupEvents events = new BackupEvents("restore", fleet.bus(), fleet.store(), live);
        CompletableFuture<PowerResult> result = fleet.maintain(id, "restore",
                () -> service.restore(target, bid, truncate != null && truncate, events));
        Operation op = operations.track(id, OperationKind.BACKUP, "restore", null, live,
                result.thenApply(res -> Operation.Outcome.of(res, now())));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /** Milliseconds, as every other operation's times (and the store's). */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private BackupService service() {
        if (backups == null) {
            throw new ProblemException(Problem.of(501, "no-backups", "Not supported", "this node is not set up for backups"));
        }
        return backups;
    }

    /**
     * The server of a route that reads, locks or deletes backups. A deleted server's backups outlive it (its files
     * are gone, so they may be all that is left of them): they stay listed, downloadable and deletable by its id.
     * A server that neither exists nor has backups is 404.
     */
    private UUID knownServer(Context ctx) {
        BackupService service = service();
        UUID id = Query.serverId(ctx);
        if (fleet.find(id).isEmpty() && service.list(id).isEmpty()) {
            throw new ServerNotFoundException(id);
        }
        return id;
    }

    private static UUID backupId(Context ctx) {
        String v = ctx.pathParam("bid");
        try {
            return UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidParameter("bid", "must be a backup id, a UUID (was '" + v + "')");
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
