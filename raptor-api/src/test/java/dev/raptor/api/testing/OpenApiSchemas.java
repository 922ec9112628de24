package dev.raptor.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.raptor.api.openapi.OpenApiDocument;
import dev.raptor.wire.json.WireJson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What {@code openapi.json} says an answer must look like, checked with a JSON Schema validator (draft
 * 2020-12, the dialect of OpenAPI 3.1, with {@code format} asserted). The rules, per answer:
 * <ul>
 *   <li>its path matches a documented path template and its method is documented there, or else it
 *       is an error answer, whose body must be a {@code Problem};</li>
 *   <li>its status is listed for that operation; an unlisted one is accepted only for an error (4xx,
 *       5xx), under the operation's {@code default} response (every error is a problem);</li>
 *   <li>a listed response without content means an empty body; one with content names the answer's
 *       media type, and the body validates against that media type's schema, which is a
 *       {@code $ref} to {@code #/components/schemas/...} (so every body has a named schema).</li>
 * </ul>
 * Thread-safe; schemas are compiled once.
 */
public final class OpenApiSchemas {
    /** Where the document is registered for the validator; it never leaves the process. */
    private static final String DOCUMENT = "https://raptor.invalid/api/v1/openapi.json";
    private static final String SCHEMAS = "#/components/schemas/";

    private static final OpenApiSchemas INSTANCE = new OpenApiSchemas(OpenApiDocument.load());

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final List<Route> routes;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** One documented path: its template and the pattern concrete paths match. */
    private record Route(String template, Pattern pattern, int parameters) {
    }

    OpenApiSchemas(JsonNode document) {
        this.document = document;
        String text = WireJson.write(document);
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemas(Map.of(DOCUMENT, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        List<Route> found = new ArrayList<>();
        document.get("paths").properties().forEach(p -> {
            String template = p.getKey();
            String regex = "\\Q" + template.replaceAll("\\{[^/}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
            found.add(new Route(template, Pattern.compile(regex), (int) template.chars().filter(c -> c == '{').count()));
        });
        found.sort(Comparator.comparingInt(Route::parameters)); // a literal segment wins over a parameter
        this.routes = List.copyOf(found);
    }

    /** The shipped {@code openapi.json}. */
    public static OpenApiSchemas shipped() {
        return INSTANCE;
    }

    /** The documented path template a concrete path (query and trailing slash ignored) falls under. */
    public Optional<String> template(String target) {
        String path = target;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (Route r : routes) {
            if (r.pattern().matcher(path).matches()) {
                return Optional.of(r.template());
            }
        }
        return Optional.empty();
    }

    /**
     * How an answer disagrees with the document; empty when it agrees.
     *
     * @param route       the path template ({@link #template}), or null for a path the document lacks
     * @param contentType the answer's Content-Type header, null when it has none
     */
    public List<String> disagreements(String method, String route, int status, String contentType, String body) {
        String m = method.toLowerCase(Locale.ROOT);
        JsonNode operation = route == null ? null : document.get("paths").get(route).get(m);
        if (operation == null) {
            // No such route, or not this method: an error, and every error is a problem.
            if (status < 400) {
                return List.of("answered " + status + " on an undocumented route");
            }
            return validate(SCHEMAS + "Problem", "application/problem+json", contentType, body);
        }
        JsonNode responses = operation.get("responses");
        JsonNode response = responses.get(Integer.toString(status));
        if (response == null && status >= 400) {
            response = responses.get("default");
        }
        if (response == null) {
            return List.of("status " + status + " is not documented");
        }
        response = resolve(response);
        JsonNode content = response.get("content");
        if (content == null || content.isEmpty()) {
            return body == null || body.isEmpty() ? List.of() : List.of("documented without a body, answered one: " + abbreviate(body));
        }
        String media = mediaType(contentType);
        JsonNode entry = media == null ? null : content.get(media);
        if (entry == null) {
            return List.of("Content-Type " + contentType + " is not documented (documented: "
                    + String.join(", ", names(content)) + ")");
        }
        String schema = entry.path("schema").path("$ref").asText("");
        if (!schema.startsWith(SCHEMAS)) {
            return List.of("the schema of " + media + " is not a $ref to a component schema");
        }
        return validate(schema, media, contentType, body);
    }

    /** How {@code body} disagrees with component schema {@code name} (e.g. {@code SocketMessage}). */
    public List<String> disagreementsWith(String name, String body) {
        return validate(SCHEMAS + name, "application/json", "application/json", body);
    }

    /** The names of the component schemas (for coverage checks). */
    public List<String> componentNames() {
        return names(document.get("components").get("schemas"));
    }

    /** The documented answers with a body: {@code METHOD template status}, for coverage checks. */
    public List<String> documentedAnswersWithBodies() {
        List<String> out = new ArrayList<>();
        document.get("paths").properties().forEach(p -> p.getValue().properties().forEach(o -> {
            if (o.getKey().equals("parameters")) {
                return;
            }
            o.getValue().get("responses").properties().forEach(r -> {
                JsonNode content = resolve(r.getValue()).get("content");
                if (content != null && !content.isEmpty()) {
                    out.add(o.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey() + " " + r.getKey());
                }
            });
        }));
        return out;
    }

    private List<String> validate(String schemaRef, String media, String contentType, String body) {
        if (!media.equals(mediaType(contentType))) {
            return List.of("Content-Type " + contentType + " where " + media + " is documented");
        }
        JsonNode instance;
        if (media.endsWith("json")) {
            try {
                instance = WireJson.mapper().readTree(body);
            } catch (Exception e) {
                return List.of("the body is not JSON: " + abbreviate(body));
            }
            if (instance == null || instance.isMissingNode()) {
                return List.of("the body is empty");
            }
        } else {
            instance = TextNode.valueOf(body);
        }
        Schema schema = compiled.computeIfAbsent(schemaRef, r -> registry.getSchema(SchemaLocation.of(DOCUMENT + r)));
        List<Error> errors = schema.validate(instance);
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            out.add(schemaRef.substring(SCHEMAS.length()) + ": " + e.getInstanceLocation() + " " + e.getMessage());
        }
        return out;
    }

    /** A response, or the component response it refers to. */
    private JsonNode resolve(JsonNode response) {
        JsonNode ref = response.get("$ref");
        return ref == null ? response : document.at(ref.asText().substring(1));
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String mediaType(String contentType) {
        return contentType == null ? null : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
