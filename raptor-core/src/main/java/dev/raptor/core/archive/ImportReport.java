package dev.raptor.core.archive;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What an import wrote.
 *
 * @param format          the kind of document imported
 * @param imported        every server written, in document order (including replaced ones)
 * @param replaced        those among them that overwrote an existing server ({@link ImportMode#REPLACE_EXISTING})
 * @param legacyDockerIds for legacy entries, the old daemon's Docker container id, by server id (for the record only)
 * @param warnings        things the operator should know, e.g. a memory limit taken as bytes
 */
public record ImportReport(ImportFormat format, List<UUID> imported, List<UUID> replaced,
                           Map<UUID, String> legacyDockerIds, List<String> warnings) {
    public ImportReport {
        Objects.requireNonNull(format, "format");
        imported = List.copyOf(imported);
        replaced = List.copyOf(replaced);
        legacyDockerIds = Map.copyOf(legacyDockerIds);
        warnings = List.copyOf(warnings);
    }
}
