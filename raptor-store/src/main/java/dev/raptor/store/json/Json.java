package dev.raptor.store.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.validation.InvalidSpecException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The store's one Jackson mapper, configured strictly: a duplicate key or trailing garbage is an
 * error rather than a silent "last one wins". Thread-safe.
 */
public final class Json {
    /** Field path used for problems with a whole document (not valid JSON, not an object). */
    public static final String ROOT = "$";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Json() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Parses a JSON document.
     *
     * @throws InvalidSpecException at {@value #ROOT} when the text is not JSON
     */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(ROOT, "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a JSON document from a stream (not closed). */
    public static JsonNode parse(InputStream in) {
        try {
            return MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(ROOT, "is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * Compact JSON as UTF-8 bytes, for answers on the wire: no String in between, which for a large
     * answer (the server list) is most of what writing it allocates.
     */
    public static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** Indented JSON text, for files people read. */
    public static String writePretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** How a node's type is named in messages: "a string", "a number", ... */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "a whole number" : "a number";
            case BOOLEAN -> "true/false";
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "missing";
        };
    }
}
