package dev.raptor.api.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a request's JSON body strictly: the content type must be JSON (415 otherwise), the body must
 * fit the limit (413), and it must parse (400 naming line and column) into an object (400). The tree
 * then goes to a validating reader ({@link dev.raptor.wire.json.JsonObjectReader}, the spec codec), which
 * names every bad or unknown member at once, something binding straight to a record could not do.
 */
public final class JsonBody {
    public static final Set<String> JSON = Set.of("application/json");
    public static final Set<String> JSON_OR_MERGE_PATCH = Set.of("application/json", "application/merge-patch+json");

    private JsonBody() {
    }

    /**
     * The body as a JSON object. An absent body (no content type, no bytes) reads as {@code {}} when
     * {@code emptyAllowed}, so that {@code POST} without a body reaches validation instead of a 415.
     */
    public static ObjectNode object(Context ctx, long maxBytes, Set<String> mediaTypes, boolean emptyAllowed) {
        JsonNode node = node(ctx, maxBytes, mediaTypes, emptyAllowed);
        if (!node.isObject()) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body must be a JSON object, not " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    /** The body as any JSON value (object or array), with the same checks as {@link #object}. */
    public static JsonNode node(Context ctx, long maxBytes, Set<String> mediaTypes, boolean emptyAllowed) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            discard(ctx, declared, maxBytes);
            throw tooLarge(maxBytes);
        }
        String contentType = ctx.contentType();
        if (contentType == null || contentType.isBlank()) {
            byte[] body = read(ctx);
            if (body.length == 0 && emptyAllowed) {
                return WireJson.mapper().createObjectNode();
            }
            throw unsupported(mediaTypes, null);
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaTypes.contains(mediaType)) {
            throw unsupported(mediaTypes, contentType);
        }
        byte[] body = read(ctx);
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (body.length == 0) {
            if (emptyAllowed) {
                return WireJson.mapper().createObjectNode();
            }
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", "the request body is empty; a JSON object is expected"));
        }
        JsonNode node;
        try {
            node = WireJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Problem p = Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON: "
                    + e.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
            if (at != null) {
                p = p.withLocation(at.getLineNr(), at.getColumnNr());
            }
            throw new ProblemException(p);
        } catch (IOException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", "the body could not be read: " + e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", "the body holds no JSON value"));
        }
        return node;
    }

    /** The body's bytes (Javalin enforces the size limit); a body the connection failed to deliver is a 400. */
    private static byte[] read(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (io.javalin.http.HttpResponseException e) {
            throw e;
        } catch (Exception e) {
            // Jetty reports a broken chunked encoding or an early end as an IOException from the body stream
            throw new ProblemException(Problem.of(400, "body-unreadable", "Request body unreadable",
                    "the request body could not be read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
    }

    /**
     * Reads and drops a declared-too-large body when it is at most {@link #DISCARD_FACTOR} times the limit,
     * so that the 413 reaches a client that writes its whole body before reading (most do) and the
     * keep-alive connection stays usable; a larger one is refused on a connection that closes.
     */
    private static void discard(Context ctx, long declared, long maxBytes) {
        if (declared > maxBytes * DISCARD_FACTOR) {
            ctx.header("Connection", "close");
            return;
        }
        try (var in = ctx.req().getInputStream()) {
            byte[] sink = new byte[64 * 1024];
            long left = declared;
            while (left > 0) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            ctx.header("Connection", "close");
        }
    }

    /** How many times the limit a too-large body may be and still be read off the connection before the 413. */
    private static final long DISCARD_FACTOR = 8;

    private static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(Problem.of(413, "body-too-large", "Request body too large",
                "the request body may be at most " + maxBytes + " bytes").withMaxBytes(maxBytes));
    }

    private static ProblemException unsupported(Set<String> mediaTypes, String given) {
        return new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                (given == null ? "the request has a body but no Content-Type" : "Content-Type '" + given + "' is not accepted")
                        + "; send " + String.join(" or ", mediaTypes.stream().sorted().toList())));
    }
}
