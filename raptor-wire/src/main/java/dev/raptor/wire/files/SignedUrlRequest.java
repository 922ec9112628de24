package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Set;

/**
 * {@code POST /servers/{id}/files/upload-url} and {@code /download-url}: {@code {"path": "/plugins"}}. For an upload
 * the path is the directory the files go to; for a download, the file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignedUrlRequest(String path) {
    public static final Set<String> FIELDS = Set.of("path");
}
