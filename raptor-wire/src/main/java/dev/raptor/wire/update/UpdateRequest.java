package dev.raptor.wire.update;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/update} ({@code version}, {@code wait}, {@code timeout}) and {@code POST
 * /servers/{id}/rollback} ({@code wait}, {@code timeout}); every member optional.
 *
 * @param version the version to go to (the manifest URL is asked with {@code ?version=}); default: the latest, and
 *                nothing happens when the server already has it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateRequest(String version, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("version", "wait", "timeout");
    public static final Set<String> ROLLBACK_FIELDS = Set.of("wait", "timeout");
}
