package dev.raptor.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.http.Responses;
import dev.raptor.wire.json.JsonMergePatch;
import dev.raptor.wire.json.WireJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenAPI 3.1 description of the API, hand-written in {@code openapi.json} next to this class and
 * served at {@code /api/v1/openapi.json} with the running version filled in. A test keeps it and
 * the registered routes in step.
 */
public final class OpenApiDocument {
    public static final String RESOURCE = "openapi.json";

    private final String text;

    public OpenApiDocument(String version) {
        // The shipped document with the running version merged in (RFC 7396, as a PATCH would).
        this.text = WireJson.write(JsonMergePatch.apply(load(), WireJson.tree(Map.of("info", Map.of("version", version)))));
    }

    /** The document as shipped (for tests and tools). */
    public static JsonNode load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the raptor-api jar");
            }
            return WireJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public void serve(Context ctx) {
        ctx.status(200).contentType(Responses.JSON).result(text);
    }
}
