package dev.raptor.api.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ServerExec;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.util.UUID;

/** {@code POST /servers/{id}/exec}: a command run inside the running server, answered with its output and exit code. */
public final class ExecRoutes {
    private final ServerExec exec;
    private final ApiSettings settings;

    public ExecRoutes(ServerExec exec, ApiSettings settings) {
        this.exec = exec;
        this.settings = settings;
    }

    /** An {@link ExecRequestDocument}; 200 {@link ExecResultDocument}, 409 when the server does not run. */
    public void exec(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        ExecRequest request = ExecRequestDocument.read(JsonObjectReader.of(body, "", problems));
        problems.throwIfAny();
        Principal principal = ctx.attribute(Authenticator.PRINCIPAL);
        Responses.json(ctx, 200, ExecResultDocument.of(exec.run(id, request, principal == null ? "unknown" : principal.who())));
    }
}
