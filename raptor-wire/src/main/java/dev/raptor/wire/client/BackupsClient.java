package dev.raptor.wire.client;

import dev.raptor.wire.backup.BackupCreateRequest;
import dev.raptor.wire.backup.BackupDocument;
import dev.raptor.wire.backup.BackupList;
import dev.raptor.wire.backup.RestoreRequest;
import dev.raptor.wire.operation.OperationDocument;
import org.eclipse.jetty.http.HttpMethod;

import java.io.InputStream;
import java.util.List;

/**
 * One server's backups ({@code /servers/{id}/backups...}), made by {@link ServerClient#backups()}: create, list, read,
 * download, import, lock, unlock, delete, and restore. Creating and restoring answer like power actions: by default the
 * daemon waits for the outcome; with {@code wait: false}, or when its wait runs out first, the operation comes back
 * {@code pending}, with its {@code progress}, and {@link OperationsClient#await} follows it. Every route needs the
 * node API key (or the Unix socket). A deleted server's backups stay reachable by its id.
 */
public final class BackupsClient {
    private final RaptorClient client;
    /** {@code /servers/{id}/backups}, the id percent-encoded. */
    private final String path;

    BackupsClient(RaptorClient client, String serverPath) {
        this.client = client;
        this.path = serverPath + "/backups";
    }

    /**
     * {@code POST /servers/{id}/backups}: backs up the server's files (running or not). A backup or restore of the
     * server already running is a 409 problem ({@code backup-busy}); a {@code .raptorignore} that cannot be used a 422.
     */
    public OperationDocument create(BackupCreateRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path, request, "application/json"), OperationDocument.class,
                client.settings().operationTimeout());
    }

    /** A backup named {@code name} (null: its time) leaving out {@code ignore}, answered at once (202, pending). */
    public OperationDocument createNoWait(String name, List<String> ignore) {
        return create(new BackupCreateRequest(name, ignore == null || ignore.isEmpty() ? null : ignore, false, null));
    }

    /** {@code GET /servers/{id}/backups}: oldest first. */
    public BackupList list() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path), BackupList.class, null);
    }

    /** {@code GET /servers/{id}/backups/{bid}}. */
    public BackupDocument get(String backupId) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, backup(backupId)), BackupDocument.class, null);
    }

    /**
     * {@code POST /servers/{id}/backups/{bid}/restore}: a running server is stopped by its stop policy, the archive
     * checked, the files swapped in whole and the server started again; power actions are refused meanwhile (409).
     */
    public OperationDocument restore(String backupId, RestoreRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, backup(backupId) + "/restore", request, "application/json"),
                OperationDocument.class, client.settings().operationTimeout());
    }

    /** A restore answered at once (202, pending); with {@code truncate} files the backup does not hold go. */
    public OperationDocument restoreNoWait(String backupId, boolean truncate) {
        return restore(backupId, new RestoreRequest(truncate, false, null));
    }

    /** {@code DELETE /servers/{id}/backups/{bid}}: the archive and its record; a locked backup is a 409 problem. */
    public void delete(String backupId) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, backup(backupId)), null);
    }

    /** {@code POST /servers/{id}/backups/{bid}/lock}: never pruned nor deleted until unlocked. */
    public BackupDocument lock(String backupId) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, backup(backupId) + "/lock"), BackupDocument.class, null);
    }

    /** {@code POST /servers/{id}/backups/{bid}/unlock}. */
    public BackupDocument unlock(String backupId) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, backup(backupId) + "/unlock"), BackupDocument.class, null);
    }

    /**
     * {@code GET /servers/{id}/backups/{bid}/download}: the archive as stored, streamed (its SHA-256 is the backup's
     * {@code sha256}). The caller closes the stream; closing it early ends the exchange.
     */
    public InputStream download(String backupId) {
        DaemonHttp http = client.http();
        return http.stream(http.request(HttpMethod.GET, backup(backupId) + "/download"));
    }

    /**
     * {@code POST /servers/{id}/backups/{bid}/download-url}: a signed one-shot URL for a browser, which downloads the
     * archive with it and no other credential until it expires. A backup that is not completed is a 409 problem.
     */
    public dev.raptor.wire.backup.BackupDownloadUrlDocument downloadUrl(String backupId) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, backup(backupId) + "/download-url"),
                dev.raptor.wire.backup.BackupDownloadUrlDocument.class, null);
    }

    /**
     * {@code POST /servers/{id}/backups/import}: keeps {@code archive}, made elsewhere (tar.gz, tar.zst, zip...), as a
     * completed backup of the server, streamed from the file; {@code name} null: the time of the import. A file that
     * is no archive the daemon reads is a 422 problem ({@code bad-archive}).
     */
    public BackupDocument importArchive(java.nio.file.Path archive, String name) throws java.io.IOException {
        DaemonHttp http = client.http();
        String target = path + "/import" + (name == null ? "" : "?name=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20"));
        return http.json(http.request(HttpMethod.POST, target)
                        .body(new org.eclipse.jetty.client.PathRequestContent("application/octet-stream", archive)),
                BackupDocument.class, client.settings().operationTimeout());
    }

    private String backup(String backupId) {
        return path + "/" + DaemonHttp.segment(backupId);
    }
}
