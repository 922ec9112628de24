package dev.raptor.api.installs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.install.InstallService;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /servers/{id}/install} and {@code /reinstall} (answered like power actions: the operation, after
 * waiting up to {@code timeout}), and {@code GET /servers/{id}/install/log} (the last install's output, also after
 * a failure). A body may give the script ({@code {"script": "...", "entrypoint": "ash", "image": "..."}}); without
 * one the server's recorded script (from its template) runs.
 */
public final class InstallRoutes {
    private static final Set<String> FIELDS = Set.of("script", "entrypoint", "image", "wait", "timeout");

    private final InstallService installs;
    private final Operations operations;
    private final ApiSettings settings;

    public InstallRoutes(InstallService installs, Operations operations, ApiSettings settings) {
        this.installs = installs;
        this.operations = operations;
        this.settings = settings;
    }

    public void install(Context ctx) {
        run(ctx, false);
    }

    public void reinstall(Context ctx) {
        run(ctx, true);
    }

    private void run(Context ctx, boolean reinstall) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String script = r.text("script");
        String entrypoint = r.text("entrypoint");
        String image = r.text("image");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(FIELDS, Set.of());
        if (script == null && (entrypoint != null || image != null)) {
            problems.add("script", "is required with entrypoint or image");
        }
        InstallScript given = null;
        if (script != null) {
            try {
                given = new InstallScript(image, entrypoint, script);
            } catch (InvalidSpecException e) {
                e.errors().forEach(fe -> problems.add(fe.field(), fe.message()));
            }
        }
        problems.throwIfAny();
        String action = reinstall ? "reinstall" : "install";
        Operation op = operations.track(id, action, installs.install(id, given, reinstall));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    public void log(Context ctx) {
        UUID id = Query.serverId(ctx);
        Path file = installs.log(id).orElseThrow(() -> ProblemException.notFound("server " + id + " has no install log: no install ran yet"));
        try {
            ctx.status(200).contentType("text/plain; charset=utf-8").result(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the install log " + file, e);
        }
    }
}
