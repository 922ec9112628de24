package dev.raptor.api.http;

import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;

/** Writes answers: a document (a record of {@code raptor-wire}) as JSON, or a problem. */
public final class Responses {
    public static final String JSON = "application/json";

    private Responses() {
    }

    /** {@code document} as compact JSON, written straight to bytes by the contract's one mapper. */
    public static void json(Context ctx, int status, Object document) {
        ctx.status(status).contentType(JSON).result(WireJson.writeBytes(document));
    }

    public static void problem(Context ctx, Problem problem) {
        if (problem.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"raptor\"");
        }
        if (problem.status() == 405 && problem.allowedMethods() != null) {
            ctx.header("Allow", problem.allowedMethods());
        }
        ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(WireJson.write(problem));
    }
}
