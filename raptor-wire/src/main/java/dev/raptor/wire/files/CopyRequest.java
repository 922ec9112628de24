package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Set;

/**
 * {@code POST /servers/{id}/files/copy}: {@code {"path": "/world", "to": "/world-backup"}}; without {@code to} the
 * copy goes next to the source as {@code name copy.ext} (then {@code name copy 2.ext}...).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CopyRequest(String path, String to) {
    public static final Set<String> FIELDS = Set.of("path", "to");
}
