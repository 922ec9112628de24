package dev.raptor.api.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.validation.FieldError;
import dev.raptor.store.json.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem document, the body of every error answer ({@code application/problem+json}).
 * Members beyond the standard five are extensions: {@code errors} for validation, {@code line} and
 * {@code column} for malformed JSON, {@code conflictsWith} for port conflicts, {@code operation}...
 *
 * @param type       URI naming the kind of problem, {@code urn:raptor:problem:<slug>}
 * @param title      short summary of the kind, the same for every occurrence
 * @param status     the HTTP status
 * @param detail     what went wrong this time, in words an operator understands
 * @param extensions further members, in order
 */
public record Problem(String type, String title, int status, String detail, Map<String, JsonNode> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:raptor:problem:";

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, Map.of());
    }

    /** The same problem with one more extension member. */
    public Problem with(String name, JsonNode value) {
        Map<String, JsonNode> ext = new LinkedHashMap<>(extensions);
        ext.put(name, value);
        return new Problem(type, title, status, detail, ext);
    }

    public Problem with(String name, String value) {
        return with(name, Json.mapper().getNodeFactory().textNode(value));
    }

    public Problem with(String name, long value) {
        return with(name, Json.mapper().getNodeFactory().numberNode(value));
    }

    /** The same problem listing field errors under {@code errors}: {@code [{"field": ..., "message": ...}]}. */
    public Problem withErrors(List<FieldError> errors) {
        var array = Json.mapper().createArrayNode();
        for (FieldError e : errors) {
            array.addObject().put("field", e.field()).put("message", e.message());
        }
        return with("errors", array);
    }

    /** The slug after {@link #TYPE_PREFIX}, e.g. {@code validation}. */
    public String slug() {
        return type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("type", type);
        o.put("title", title);
        o.put("status", status);
        if (detail != null) {
            o.put("detail", detail);
        }
        extensions.forEach(o::set);
        return o;
    }

    /** Reads a problem document (for clients such as the CLI); unknown members become extensions. */
    public static Problem fromJson(JsonNode json) {
        Map<String, JsonNode> ext = new LinkedHashMap<>();
        json.properties().forEach(e -> {
            if (!List.of("type", "title", "status", "detail").contains(e.getKey())) {
                ext.put(e.getKey(), e.getValue());
            }
        });
        return new Problem(json.path("type").asText("about:blank"), json.path("title").asText(""),
                json.path("status").asInt(0), json.hasNonNull("detail") ? json.get("detail").asText() : null, ext);
    }
}
