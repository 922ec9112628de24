package dev.raptor.api.updates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.backup.update.UpdateAttempt;
import dev.raptor.backup.update.UpdateListener;
import dev.raptor.backup.update.UpdateService;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.update.UpdateOutcome;
import dev.raptor.core.update.UpdateRecord;
import dev.raptor.core.update.UpdateSource;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.operation.OperationProgress;
import dev.raptor.wire.update.UpdateDocument;
import dev.raptor.wire.update.UpdateHistory;
import dev.raptor.wire.update.UpdateRequest;
import dev.raptor.wire.update.UpdateSourceDocument;
import io.javalin.http.Context;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Game updates (the Atlas flow): {@code PUT|GET|DELETE /servers/{id}/update-source}, {@code POST
 * /servers/{id}/update} and {@code /rollback} (answered like power actions: the operation, with progress, after
 * waiting up to {@code timeout}), {@code GET /servers/{id}/updates} (the history). The flow is
 * {@link UpdateService}'s; this parses and answers.
 */
public final class UpdateRoutes {
    static final long DEFAULT_CHECK_SECONDS = 3600;
    static final long DEFAULT_READY_SECONDS = 300;
    static final int DEFAULT_MAX_BACKUPS = 3;

    private final ServerFleet fleet;
    private final UpdateService updates;
    private final Operations operations;
    private final ApiSettings settings;

    public UpdateRoutes(ServerFleet fleet, UpdateService updates, Operations operations, ApiSettings settings) {
        this.fleet = fleet;
        this.updates = updates;
        this.operations = operations;
        this.settings = settings;
    }

    /** {@code PUT /servers/{id}/update-source}: sets it whole (every member but {@code manifest} has a default). */
    public void putSource(Context ctx) {
        UUID id = existing(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        URI manifest = null;
        String text = r.text("manifest");
        if (text == null) {
            if (!r.has("manifest")) {
                r.error("manifest", "is required");
            }
        } else {
            try {
                manifest = new URI(text);
                if (!List.of("http", "https", "file").contains(String.valueOf(manifest.getScheme())) || !manifest.isAbsolute()) {
                    r.error("manifest", "must be an http://, https:// or file:// address (was '" + text + "')");
                }
            } catch (URISyntaxException e) {
                r.error("manifest", "is not an address: " + e.getReason());
            }
        }
        Long every = r.longValue("checkEverySeconds");
        if (every != null && (every < 10 || every > 30L * 24 * 3600)) {
            r.error("checkEverySeconds", "must be between 10 and 2592000 (was " + every + ")");
        }
        Boolean auto = r.bool("auto");
        List<String> preserve = new ArrayList<>();
        List<JsonNode> paths = r.array("preserve");
        if (paths != null) {
            for (int i = 0; i < paths.size(); i++) {
                JsonNode p = paths.get(i);
                String path = p.isTextual() ? p.asText().strip() : null;
                if (path == null || path.isEmpty() || path.equals("/") || path.contains("\n") || path.contains("\0")
                        || List.of(path.split("/")).contains("..")) {
                    r.error("preserve[" + i + "]", "must be a path inside the server's root, such as world or server.properties");
                } else {
                    preserve.add(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
                }
            }
        }
        Long ready = r.longValue("readySeconds");
        if (ready != null && (ready < 1 || ready > 24 * 3600)) {
            r.error("readySeconds", "must be between 1 and 86400 (was " + ready + ")");
        }
        Integer max = r.integer("maxBackups");
        if (max != null && (max < 1 || max > 100)) {
            r.error("maxBackups", "must be between 1 and 100 (was " + max + ")");
        }
        r.rejectUnknown(UpdateSourceDocument.FIELDS, Set.of("version"));
        problems.throwIfAny();
        UpdateSource source = new UpdateSource(manifest, Duration.ofSeconds(every == null ? DEFAULT_CHECK_SECONDS : every),
                auto != null && auto, preserve, Duration.ofSeconds(ready == null ? DEFAULT_READY_SECONDS : ready),
                max == null ? DEFAULT_MAX_BACKUPS : max);
        updates.configure(id, source);
        Responses.json(ctx, 200, document(id, source));
    }

    /** {@code GET /servers/{id}/update-source}: 404 when it has none. */
    public void getSource(Context ctx) {
        UUID id = existing(ctx);
        UpdateSource s = updates.source(id).orElseThrow(() -> new dev.raptor.backup.update.UpdateException.NoSource(id));
        Responses.json(ctx, 200, document(id, s));
    }

    /** {@code DELETE /servers/{id}/update-source}: 204 (the history and the version stay). */
    public void deleteSource(Context ctx) {
        UUID id = existing(ctx);
        updates.removeSource(id);
        ctx.status(204);
    }

    /** {@code POST /servers/{id}/update}: to the latest version, or {@code version}. */
    public void update(Context ctx) {
        UUID id = existing(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String version = r.text("version");
        if (version != null && !version.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")) {
            r.error("version", "must be a version name (letters, digits, . _ + -, at most 100) (was '" + version + "')");
        }
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(UpdateRequest.FIELDS, Set.of());
        problems.throwIfAny();
        Operation.Live live = new Operation.Live();
        UpdateAttempt attempt = updates.update(id, version, listener(live));
        CompletableFuture<Operation.Outcome> outcome = switch (attempt) {
            case UpdateAttempt.UpToDate u -> {
                live.progress(new OperationProgress("up-to-date", 0, -1, 0, -1, 0));
                yield CompletableFuture.completedFuture(new Operation.Outcome(OperationStatus.DONE, now(), state(id), null, null));
            }
            case UpdateAttempt.Started s -> s.finished().thenApply(rec -> outcome(id, rec, live));
        };
        OperationAnswer.send(ctx, operations, operations.track(id, OperationKind.POWER, "update", null, live, outcome), wait);
    }

    /** {@code POST /servers/{id}/rollback}: to the version before the last succeeded update. */
    public void rollback(Context ctx) {
        UUID id = existing(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(UpdateRequest.ROLLBACK_FIELDS, Set.of());
        problems.throwIfAny();
        Operation.Live live = new Operation.Live();
        UpdateAttempt.Started s = updates.rollback(id, listener(live));
        live.backupId(s.update().backupId());
        // for a rollback, rolled-back is the success
        CompletableFuture<Operation.Outcome> outcome = s.finished().thenApply(rec -> rec.outcome() == UpdateOutcome.ROLLED_BACK
                ? new Operation.Outcome(OperationStatus.DONE, now(), state(id), null, null) : outcome(id, rec, live));
        OperationAnswer.send(ctx, operations, operations.track(id, OperationKind.POWER, "rollback", null, live, outcome), wait);
    }

    /** {@code GET /servers/{id}/updates}. */
    public void history(Context ctx) {
        UUID id = Query.serverId(ctx);
        List<UpdateRecord> all = updates.history(id);
        if (fleet.find(id).isEmpty() && all.isEmpty()) {
            throw new ServerNotFoundException(id);
        }
        int succeeded = (int) all.stream().filter(u -> u.outcome() == UpdateOutcome.SUCCEEDED).count();
        Responses.json(ctx, 200, new UpdateHistory(id.toString(), updates.version(id).orElse(null), all.size(), succeeded,
                all.stream().map(UpdateRoutes::document).toList()));
    }

    private Operation.Outcome outcome(UUID id, UpdateRecord rec, Operation.Live live) {
        if (rec.backupId() != null) {
            live.backupId(rec.backupId());
        }
        return switch (rec.outcome()) {
            case SUCCEEDED -> new Operation.Outcome(OperationStatus.DONE, now(), state(id), null, null);
            case ROLLED_BACK -> new Operation.Outcome(OperationStatus.FAILED, now(), state(id), null, rec.reason());
            case FAILED -> new Operation.Outcome(OperationStatus.FAILED, now(), state(id), null, rec.reason());
            case RUNNING -> new Operation.Outcome(OperationStatus.SUPERSEDED, now(), state(id), "daemon shutdown",
                    "the daemon shut down during the update; its next boot settles it (GET /servers/" + id + "/updates)");
        };
    }

    private static UpdateListener listener(Operation.Live live) {
        return new UpdateListener() {
            @Override
            public void stage(UpdateRecord update) {
                if (update.backupId() != null) {
                    live.backupId(update.backupId());
                }
                live.progress(new OperationProgress(update.stage(), 0, -1, 0, -1, 0));
            }

            @Override
            public void progressed(String stage, long done, long total, long bytesPerSecond) {
                live.progress(new OperationProgress(stage, done, total, 0, -1, bytesPerSecond));
            }
        };
    }

    private String state(UUID id) {
        return fleet.find(id).map(s -> s.state().wireName()).orElse(null);
    }

    private UUID existing(Context ctx) {
        UUID id = Query.serverId(ctx);
        if (fleet.find(id).isEmpty()) {
            throw new ServerNotFoundException(id);
        }
        return id;
    }

    private UpdateSourceDocument document(UUID id, UpdateSource s) {
        return new UpdateSourceDocument(s.manifest().toString(), s.checkEvery().toSeconds(), s.auto(), s.preserve(),
                s.readyWithin().toSeconds(), s.maxBackups(), updates.version(id).orElse(null));
    }

    static UpdateDocument document(UpdateRecord u) {
        return new UpdateDocument(u.id().toString(), u.from(), u.to(), u.startedAt(), u.finishedAt(), u.outcome().wireName(), u.stage(),
                u.backupId() == null ? null : u.backupId().toString(), u.reason());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
