package dev.raptor.core.archive;

import dev.raptor.core.server.StoredServer;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A validated import document, ready to be written: every server in it is valid and no id repeats.
 *
 * @param format          which kind of document it was
 * @param servers         the servers to write, in document order
 * @param legacyDockerIds for legacy entries, the Docker container id the old daemon recorded (ignored:
 *                        Raptor finds containers by label), by server id
 * @param warnings        things worth telling the operator that did not stop the import
 * @param ftpLogins       the earlier daemon's FTP logins to make SFTP/FTP users of (written after the servers, in the
 *                        same transaction, so they may belong to servers of the same plan)
 */
public record ImportPlan(ImportFormat format, List<StoredServer> servers, Map<UUID, String> legacyDockerIds,
                         List<String> warnings, List<LegacyFtpLogin> ftpLogins) {
    public ImportPlan {
        Objects.requireNonNull(format, "format");
        servers = List.copyOf(servers);
        legacyDockerIds = Map.copyOf(legacyDockerIds);
        warnings = List.copyOf(warnings);
        ftpLogins = List.copyOf(ftpLogins);
    }

    /** A plan of servers only. */
    public ImportPlan(ImportFormat format, List<StoredServer> servers, Map<UUID, String> legacyDockerIds, List<String> warnings) {
        this(format, servers, legacyDockerIds, warnings, List.of());
    }
}
