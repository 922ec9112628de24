package dev.raptor.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.problem.Problem;
import dev.raptor.store.json.Json;
import io.javalin.http.Context;

/** Writes JSON and problem answers. */
public final class Responses {
    public static final String JSON = "application/json";

    private Responses() {
    }

    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON).result(Json.writeBytes(body));
    }

    public static void problem(Context ctx, Problem problem) {
        if (problem.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"raptor\"");
        }
        if (problem.status() == 405 && problem.extensions().containsKey("allowedMethods")) {
            ctx.header("Allow", problem.extensions().get("allowedMethods").asText());
        }
        ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(Json.write(problem.toJson()));
    }
}
