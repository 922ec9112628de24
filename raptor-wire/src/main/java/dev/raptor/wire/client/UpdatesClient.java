package dev.raptor.wire.client;

import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.update.UpdateHistory;
import dev.raptor.wire.update.UpdateRequest;
import dev.raptor.wire.update.UpdateSourceDocument;
import org.eclipse.jetty.http.HttpMethod;

/**
 * One server's game updates, made by {@link ServerClient#updates()}: its update source, an update (to the latest or
 * a given version), a rollback, the history. Updates and rollbacks answer like power actions; the {@code NoWait}
 * forms answer at once and {@link OperationsClient#await} follows them. Node API key (or the Unix socket) only.
 */
public final class UpdatesClient {
    private final RaptorClient client;
    /** {@code /servers/{id}}, the id percent-encoded. */
    private final String path;

    UpdatesClient(RaptorClient client, String serverPath) {
        this.client = client;
        this.path = serverPath;
    }

    /** {@code PUT /servers/{id}/update-source}: members left null take their defaults. */
    public UpdateSourceDocument setSource(UpdateSourceDocument source) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.PUT, path + "/update-source", source, "application/json"), UpdateSourceDocument.class, null);
    }

    /** {@code GET /servers/{id}/update-source}: a 404 problem ({@code no-update-source}) when it has none. */
    public UpdateSourceDocument source() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/update-source"), UpdateSourceDocument.class, null);
    }

    /** {@code DELETE /servers/{id}/update-source}. */
    public void removeSource() {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, path + "/update-source"), null);
    }

    /** {@code POST /servers/{id}/update}. */
    public OperationDocument update(UpdateRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/update", request, "application/json"), OperationDocument.class,
                client.settings().operationTimeout());
    }

    /** An update to {@code version} (null: the latest), answered at once (pending). */
    public OperationDocument updateNoWait(String version) {
        return update(new UpdateRequest(version, false, null));
    }

    /** {@code POST /servers/{id}/rollback}. */
    public OperationDocument rollback(UpdateRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/rollback", request, "application/json"), OperationDocument.class,
                client.settings().operationTimeout());
    }

    /** A rollback answered at once (pending). */
    public OperationDocument rollbackNoWait() {
        return rollback(new UpdateRequest(null, false, null));
    }

    /** {@code GET /servers/{id}/updates}. */
    public UpdateHistory history() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/updates"), UpdateHistory.class, null);
    }
}
