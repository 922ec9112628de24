package dev.raptor.wire.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import dev.raptor.core.validation.InvalidSpecException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The one Jackson mapper of the contract, shared by the daemon (which answers every document with it)
 * and clients (which read the same records back). Thread-safe.
 *
 * <p>Reading is strict about syntax: a duplicate key or trailing garbage is an error rather than a
 * silent "last one wins", and decimals keep their digits ({@code BigDecimal}). Reading a record skips
 * members it does not know, so that a client keeps working against a newer daemon; what the daemon
 * receives is read by the validating readers ({@link JsonObjectReader}), which name unknown members as
 * errors instead. Times are ISO-8601 strings ({@code 2025-03-14T10:15:02.123Z}).
 */
public final class WireJson {
    /** Field path used for problems with a whole document (not valid JSON, not an object). */
    public static final String ROOT = "$";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(instants())
            .build();

    private WireJson() {
    }

    /**
     * The one time type of the contract: {@link Instant}, as ISO-8601 text. Only its (de)serializers are
     * registered, not the whole JSR-310 module (some seventy classes raptorctl would load on every start
     * for types no document has); a document with another time type fails loudly when it is written.
     */
    private static SimpleModule instants() {
        return new SimpleModule("raptor-instants")
                .addSerializer(Instant.class, InstantSerializer.INSTANCE)
                .addDeserializer(Instant.class, InstantDeserializer.INSTANT);
    }

    public static JsonMapper mapper() {
        return MAPPER;
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

    /** A document (a record of this module, or a tree) as a tree, e.g. the base a merge patch applies to. */
    public static JsonNode tree(Object document) {
        return MAPPER.valueToTree(document);
    }

    /** Reads a document of type {@code type} (a record of this module). */
    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + " document: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a document of type {@code type} from a tree. */
    public static <T> T read(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + " document: " + e.getOriginalMessage(), e);
        }
    }

    /** Compact JSON text. */
    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + document.getClass().getSimpleName() + " could not be written", e);
        }
    }

    /**
     * Compact JSON as UTF-8 bytes, for answers on the wire: no String in between, which for a large
     * answer (the server list) is most of what writing it allocates.
     */
    public static byte[] writeBytes(Object document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + document.getClass().getSimpleName() + " could not be written", e);
        }
    }

    /** Indented JSON text, for files people read. */
    public static String writePretty(Object document) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + document.getClass().getSimpleName() + " could not be written", e);
        }
    }

    /** How a node's type is named in messages: "a string", "a number", ... */
    public static String describe(JsonNode node) {
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
