package dev.raptor.wire.state;

import dev.raptor.core.archive.ImportReport;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@code POST /state/import} wrote.
 *
 * @param format          {@code RAPTOR_EXPORT}, {@code LEGACY_CONTAINERS} or {@code LEGACY_FTP_CREDENTIALS}
 * @param imported        every server written, in document order (replaced ones included)
 * @param replaced        those among them that overwrote an existing server ({@code ?mode=replace})
 * @param legacyDockerIds for legacy entries, the old daemon's Docker container id, by server id (for the record only)
 * @param warnings        what the operator should know, e.g. a memory limit taken as bytes
 * @param sftpLogins      the login names of the SFTP/FTP users written (a legacy {@code ftp_credentials.json}); empty
 *                        otherwise
 */
public record ImportReportDocument(String format, List<UUID> imported, List<UUID> replaced,
                                   Map<UUID, String> legacyDockerIds, List<String> warnings, List<String> sftpLogins) {

    public static ImportReportDocument of(ImportReport report) {
        return new ImportReportDocument(report.format().name(), report.imported(), report.replaced(),
                report.legacyDockerIds(), report.warnings(), report.sftpLogins());
    }
}
