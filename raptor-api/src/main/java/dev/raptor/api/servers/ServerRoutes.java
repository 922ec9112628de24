package dev.raptor.api.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.Provisioning;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.PolledAnswer;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.backup.schedule.BackupTimetable;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.json.JsonMergePatch;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecJson;
import dev.raptor.wire.template.ServerCreation;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** The server resource: {@code POST|GET /servers}, {@code GET|PATCH|DELETE /servers/{id}}. */
public final class ServerRoutes {
    public static final String PATH = "/api/v1/servers/";

    private final ServerFleet fleet;
    private final Operations operations;
    private final ApiSettings settings;
    private final GameStatuses games;
    private final MessageSockets messages;

    private final Provisioning provisioning;
    /** When each server's next scheduled backup starts (its document's {@code nextBackupAt}). */
    private final BackupTimetable backups;
    /** Each server's encoded document, so that a list re-encodes only what changed. */
    private final EncodedServers encoded = new EncodedServers();
    /** The list as last answered, compressed: a poll of an unchanged fleet is not compressed again. */
    private final PolledAnswer answer = new PolledAnswer();

    /**
     * @param messages     the message sockets, whose connection state the documents show
     * @param provisioning templates for servers made from them; null = a body naming a template is refused
     * @param backups      the node's backup scheduler; null = documents never tell a next backup
     */
    public ServerRoutes(ServerFleet fleet, Operations operations, ApiSettings settings, GameStatuses games, MessageSockets messages,
                        Provisioning provisioning, BackupTimetable backups) {
        this.games = games;
        this.messages = messages;
        this.backups = backups == null ? BackupTimetable.NONE : backups;
        this.provisioning = provisioning;
        this.fleet = fleet;
        this.operations = operations;
        this.settings = settings;
    }

    public void create(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        ServerCreation creation = ServerCreation.decode(body, id -> provisioning == null ? Optional.empty() : provisioning.templates().find(id));
        StoredServer created = fleet.create(creation.spec());
        if (creation.template() != null && creation.template().install() != null && provisioning.installs() != null) {
            provisioning.installs().define(created.id(), creation.template().id(), creation.template().install());
            if (!creation.skipInstall()) {
                // runs on the server's controller; the answer does not wait for it (GET the server: state installing)
                operations.track(created.id(), "install", provisioning.installs().install(created.id(), null, false));
            }
        }
        ServerSnapshot snapshot = current(created.id());
        ctx.header("Location", PATH + created.id());
        ctx.header("ETag", ServerDocument.etag(snapshot.stored().version()));
        Responses.json(ctx, 201, ServerDocuments.of(snapshot, games, messages, backups));
    }

    public void list(Context ctx) {
        // the bytes Jackson would write for a ServerList of these documents (ServerListBytesTest)
        answer.send(ctx, 200, encoded.list(fleet.list(), ServerFilter.of(ctx), games, messages, backups));
    }

    /**
     * What {@link #list} answers a request without a query whose {@code Accept-Encoding} is {@code acceptEncoding}
     * (null: none): for the poll answered in place ({@link PolledListInPlace}), from the same kept answer.
     */
    PolledAnswer.Body polledBody(String acceptEncoding) {
        return answer.body(encoded.list(fleet.list(), ServerFilter.ALL, games, messages, backups), acceptEncoding);
    }

    public void get(Context ctx) {
        ServerSnapshot snapshot = current(Query.serverId(ctx));
        ctx.header("ETag", ServerDocument.etag(snapshot.stored().version()));
        Responses.json(ctx, 200, ServerDocuments.of(snapshot, games, messages, backups));
    }

    /**
     * RFC 7396 merge patch of the spec, guarded by {@code If-Match: "<version>"} when given. A running
     * server gets the change at its next start, or at once (recreated) with {@code ?apply=now}; then
     * the answer waits for the recreate like a power request and names it in {@code Operation-Location}.
     */
    public void patch(Context ctx) {
        UUID id = Query.serverId(ctx);
        boolean applyNow = Query.text(ctx, "apply").map(v -> switch (v) {
            case "now" -> true;
            case "next-start" -> false;
            default -> throw ProblemException.invalidParameter("apply", "must be 'now' or 'next-start' (was '" + v + "')");
        }).orElse(false);
        WaitPolicy wait = WaitPolicy.ofQuery(ctx, settings.defaultWait(), settings.maxWait());
        OptionalLong ifMatch = ifMatch(ctx);
        ObjectNode patch = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON_OR_MERGE_PATCH, false);
        StoredServer stored = current(id).stored();
        long expected = ifMatch.orElse(stored.version());
        if (expected != stored.version()) {
            throw new StaleVersionException(id, expected, stored.version());
        }
        // The patch is read as a tree, the one place a tree is right: RFC 7396 works on members, null included.
        JsonNode merged = JsonMergePatch.apply(ServerSpecJson.tree(stored.spec()), patch);
        ServerSpec spec = ServerSpecJson.decode(merged, ServerDocument.READ_ONLY);
        fleet.update(id, expected, spec);
        if (applyNow) {
            Operation op = operations.track(id, "apply-spec", fleet.applySpec(id));
            ctx.header("Operation-Location", op.href());
            if (wait.waits()) {
                operations.await(op, wait.timeout());
            }
        }
        get(ctx);
    }

    /** Stops the server by its stop policy (or kills it with {@code ?force=true}) and removes it with its data. */
    public void delete(Context ctx) {
        UUID id = Query.serverId(ctx);
        boolean force = Query.bool(ctx, "force").orElse(false);
        WaitPolicy wait = WaitPolicy.ofQuery(ctx, settings.defaultWait(), settings.maxWait());
        Operation op = operations.submit(id, force ? "delete (forced)" : "delete", begun -> fleet.delete(id, force, begun));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    private ServerSnapshot current(UUID id) {
        return fleet.find(id).orElseThrow(() -> new ServerNotFoundException(id));
    }

    /** {@code "3"}, {@code W/"3"} or {@code 3}; {@code *} (or no header) means "whatever is current". */
    private static OptionalLong ifMatch(Context ctx) {
        String raw = ctx.header("If-Match");
        if (raw == null || raw.isBlank() || raw.strip().equals("*")) {
            return OptionalLong.empty();
        }
        String v = raw.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter("If-Match", "must be the server's version as its ETag gives it, e.g. \"3\" (was '" + raw + "')");
        }
    }
}
