package dev.raptor.api.operations;

import dev.raptor.api.http.Query;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.time.Duration;

/**
 * Whether a request waits for its operation and for how long: {@code wait} (default true) and
 * {@code timeout} in seconds (default the configured wait, at most the configured maximum), from
 * the JSON body or else the query string.
 */
public record WaitPolicy(boolean waits, Duration timeout) {

    /** Reads {@code wait} and {@code timeout} from {@code body} (problems go to its collector) or else the query. */
    public static WaitPolicy of(Context ctx, JsonObjectReader body, Duration fallback, Duration max) {
        Boolean wait = body == null ? null : body.bool("wait");
        Duration timeout = body == null ? null : body.seconds("timeout");
        if (timeout != null && (timeout.isNegative() || timeout.compareTo(max) > 0)) {
            body.error("timeout", "must be between 0 and " + max.toSeconds() + " seconds");
            timeout = null;
        }
        if (wait == null) {
            wait = Query.bool(ctx, "wait").orElse(true);
        }
        if (timeout == null) {
            timeout = Query.seconds(ctx, "timeout", max).orElse(fallback);
        }
        return new WaitPolicy(wait, timeout);
    }

    /** For requests without a body (DELETE, PATCH). */
    public static WaitPolicy ofQuery(Context ctx, Duration fallback, Duration max) {
        return of(ctx, null, fallback, max);
    }
}
