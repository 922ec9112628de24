package dev.raptor.wire.files;

import java.util.Set;

/** {@code POST /servers/{id}/files/directory}: {@code {"path": "/plugins/config"}} (parents are made too). */
public record DirectoryRequest(String path) {
    public static final Set<String> FIELDS = Set.of("path");
}
