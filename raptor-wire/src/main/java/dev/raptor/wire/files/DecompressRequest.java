package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/decompress}: {@code {"path": "/world.zip", "destination": "/world"}}. The format
 * comes from the content (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst, a single .gz/.zst); without a destination
 * it is the archive's directory. An operation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecompressRequest(String path, String destination, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("path", "destination", "wait", "timeout");
}
