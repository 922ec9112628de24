package dev.raptor.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.auth.TokenDocument;
import dev.raptor.wire.auth.TokenRequest;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /servers/{id}/tokens}: a {@link TokenRequest} {@code {"permissions": ["console.read", ...],
 * "expiresIn": 600}} issues a server token (default and longest lifetime {@link TokenService#MAX_TTL}).
 */
public final class TokenRoutes {
    private final ServerFleet fleet;
    private final TokenService tokens;
    private final ApiSettings settings;

    public TokenRoutes(ServerFleet fleet, TokenService tokens, ApiSettings settings) {
        this.fleet = fleet;
        this.tokens = tokens;
        this.settings = settings;
    }

    public void issue(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        List<JsonNode> names = r.array("permissions");
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        if (names == null && !r.has("permissions")) {
            r.error("permissions", "is required: a list of " + Permission.allWireNames());
        } else if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                JsonNode n = names.get(i);
                var p = n.isTextual() ? Permission.parse(n.textValue()) : java.util.Optional.<Permission>empty();
                if (p.isEmpty()) {
                    problems.add("permissions[" + i + "]", "must be one of " + Permission.allWireNames() + " (was " + n + ")");
                } else {
                    permissions.add(p.get());
                }
            }
            if (names.isEmpty()) {
                r.error("permissions", "must name at least one permission");
            }
        }
        Duration ttl = r.seconds("expiresIn");
        if (ttl == null) {
            ttl = TokenService.MAX_TTL;
        } else if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(TokenService.MAX_TTL) > 0) {
            r.error("expiresIn", "must be between 1 and " + TokenService.MAX_TTL.toSeconds() + " seconds");
        }
        r.rejectUnknown(TokenRequest.FIELDS, Set.of());
        problems.throwIfAny();
        fleet.controller(id); // 404 for an unknown server
        TokenService.Issued issued = tokens.issue(id, permissions, ttl);
        Responses.json(ctx, 201, new TokenDocument(issued.token(), id,
                issued.claims().permissions().stream().sorted().map(Permission::wireName).toList(),
                issued.claims().issuedAt(), issued.claims().expiresAt(), ttl.toSeconds()));
    }
}
