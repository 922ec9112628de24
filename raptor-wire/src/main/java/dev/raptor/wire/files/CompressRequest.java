package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/compress}: {@code {"paths": ["/world"], "destination": "/backups/world.tar.zst",
 * "format": "tar.zst"}}. Format {@code zip}, {@code tar.gz} (default) or {@code tar.zst}; without a destination the
 * archive is {@code archive-<time>.<ext>} in the paths' common directory. An operation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompressRequest(List<String> paths, String destination, String format, @JsonProperty("wait") Boolean waits,
                              BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("paths", "destination", "format", "wait", "timeout");
}
