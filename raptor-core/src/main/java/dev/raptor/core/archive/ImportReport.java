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
 * @param sftpLogins      the login names ({@code <username>.<short server id>}) of the SFTP/FTP users written, in
 *                        document order
 */
public record ImportReport(ImportFormat format, List<UUID> imported, List<UUID> replaced,
                           Map<UUID, String> legacyDockerIds, List<String> warnings, List<String> sftpLogins) {
    public ImportReport {
        Objects.requireNonNull(format, "format");
        imported = List.copyOf(imported);
        replaced = List.copyOf(replaced);
        legacyDockerIds = Map.copyOf(legacyDockerIds);
        warnings = List.copyOf(warnings);
        sftpLogins = List.copyOf(sftpLogins);
    }

    /** A report of servers only. */
    public ImportReport(ImportFormat format, List<UUID> imported, List<UUID> replaced, Map<UUID, String> legacyDockerIds,
                        List<String> warnings) {
        this(format, imported, replaced, legacyDockerIds, warnings, List.of());
    }
}
