package dev.raptor.api.sftp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.core.sftp.SftpPermission;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.core.sftp.SftpUserExistsException;
import dev.raptor.core.sftp.SftpUserNotFoundException;
import dev.raptor.core.sftp.SftpUserDirectory;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.sftp.SftpPasswordRequest;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserList;
import dev.raptor.wire.sftp.SftpUserRequest;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A server's SFTP/FTP users: {@code POST}, {@code GET} and {@code DELETE /servers/{id}/sftp-users[/{username}]}
 * with the node key, and {@code PUT .../{username}/password} for a server token holder too (a panel user
 * rotating their own password). Passwords are handed to the store as {@code char[]} and never answered.
 */
public final class SftpUserRoutes {
    private final ServerFleet fleet;
    private final SftpUserDirectory users;
    private final ApiSettings settings;

    public SftpUserRoutes(ServerFleet fleet, SftpUserDirectory users, ApiSettings settings) {
        this.fleet = fleet;
        this.users = users;
        this.settings = settings;
    }

    public void create(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String username = r.text("username");
        if (username == null && !r.has("username")) {
            r.error("username", "is required");
        }
        String password = r.text("password");
        List<String> keys = strings(r, "publicKeys", problems);
        Set<SftpPermission> permissions = EnumSet.noneOf(SftpPermission.class);
        List<String> named = strings(r, "permissions", problems);
        for (int i = 0; i < named.size(); i++) {
            try {
                permissions.add(SftpPermission.of(named.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add("permissions[" + i + "]", "must be read, write or delete (was '" + named.get(i) + "')");
            }
        }
        if (r.has("permissions") && named.isEmpty() && problems.isEmpty()) {
            r.error("permissions", "must name at least one of read, write, delete (or be left out for all)");
        }
        Instant expiresAt = r.instant("expiresAt");
        r.rejectUnknown(SftpUserRequest.FIELDS, Set.of());
        NewSftpUser user = new NewSftpUser(username, password == null ? null : password.toCharArray(), keys, permissions, expiresAt);
        try {
            user.validate(); // every bad field in one answer, with the request's own
        } catch (InvalidSpecException e) {
            e.errors().forEach(fe -> problems.add(fe.field(), fe.message()));
        }
        problems.throwIfAny();
        fleet.controller(id); // 404 for an unknown server
        try {
            SftpUser u = users.create(id, user);
            ctx.header("Location", "/api/v1/servers/" + id + "/sftp-users/" + u.username());
            Responses.json(ctx, 201, document(u));
        } catch (SftpUserExistsException e) {
            throw new ProblemException(Problem.of(409, "sftp-user-exists", "SFTP user already exists", e.getMessage())
                    .withServerId(id));
        }
    }

    public void list(Context ctx) {
        UUID id = Query.serverId(ctx);
        fleet.controller(id);
        Responses.json(ctx, 200, new SftpUserList(users.list(id).stream().map(SftpUserRoutes::document).toList()));
    }

    public void delete(Context ctx) {
        UUID id = Query.serverId(ctx);
        fleet.controller(id);
        String username = ctx.pathParam("username");
        if (!users.remove(id, username)) {
            throw notFound(id, username);
        }
        ctx.status(204);
    }

    public void password(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String password = r.text("password");
        if (password == null && !r.has("password")) {
            r.error("password", "is required");
        }
        r.rejectUnknown(SftpPasswordRequest.FIELDS, Set.of());
        problems.throwIfAny();
        fleet.controller(id);
        String username = ctx.pathParam("username");
        try {
            users.setPassword(id, username, password.toCharArray());
        } catch (SftpUserNotFoundException e) {
            throw notFound(id, username);
        }
        ctx.status(204);
    }

    private static ProblemException notFound(UUID id, String username) {
        return new ProblemException(Problem.of(404, "sftp-user-not-found", "No such SFTP user",
                "server " + id + " has no SFTP user named " + username).withServerId(id));
    }

    private static List<String> strings(JsonObjectReader r, String name, Problems problems) {
        List<JsonNode> nodes = r.array(name);
        List<String> out = new ArrayList<>();
        if (nodes == null) {
            return out;
        }
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            if (n.isTextual()) {
                out.add(n.textValue());
            } else {
                problems.add(name + "[" + i + "]", "must be a string");
            }
        }
        return out;
    }

    static SftpUserDocument document(SftpUser u) {
        return new SftpUserDocument(u.username(), u.loginName(), u.serverId(), u.hasPassword(), u.publicKeys(),
                u.permissions().stream().map(SftpPermission::wireName).sorted().toList(), u.expiresAt(), u.createdAt(),
                u.updatedAt());
    }
}
