package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/delete}: {@code {"paths": ["/logs", "/crash.txt"]}}, directories with all inside,
 * links removed and never followed. An operation: waits for the answer by default (at most {@code timeout}
 * seconds), else 202.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeleteRequest(List<String> paths, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("paths", "wait", "timeout");
}
