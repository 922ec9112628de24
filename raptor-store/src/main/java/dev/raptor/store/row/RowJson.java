package dev.raptor.store.row;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The store's own Jackson mapper, for the JSON it keeps in its columns (spec rows, activity details).
 * Strict: a duplicate key, trailing garbage, an unknown member or a missing number is an error, since
 * only this store writes what it reads. Thread-safe.
 */
public final class RowJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RowJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Compact JSON text of a row value. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + value.getClass().getSimpleName() + " could not be written", e);
        }
    }

    /**
     * Reads a row value.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}
