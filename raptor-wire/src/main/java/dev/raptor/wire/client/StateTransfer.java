package dev.raptor.wire.client;

import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.state.StateExportDocument;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;

import java.time.Duration;

/**
 * The node's servers as one document ({@code /state/export}, {@code /state/import}): to move them to
 * another node, or to keep a copy. An import is all or nothing.
 */
public final class StateTransfer {
    /** Exports and imports of big nodes take longer than a plain call. */
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(5);

    private final RaptorClient client;

    StateTransfer(RaptorClient client) {
        this.client = client;
    }

    /** {@code GET /state/export}, read as its record. */
    public StateExportDocument export() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, "/state/export"), StateExportDocument.class, TRANSFER_TIMEOUT);
    }

    /** {@code GET /state/export} as the daemon wrote it, byte for byte (to keep in a file). */
    public byte[] exportBytes() {
        DaemonHttp http = client.http();
        return http.bytes(http.request(HttpMethod.GET, "/state/export"), TRANSFER_TIMEOUT);
    }

    /**
     * {@code POST /state/import} of an export document or of the earlier daemon's {@code containers.json},
     * as bytes (the daemon tells the formats apart). With {@code replace} servers that exist are
     * overwritten; without it they make the import a 409 problem, and nothing is imported.
     */
    public ImportReportDocument importDocument(byte[] document, boolean replace) {
        DaemonHttp http = client.http();
        Request r = http.request(HttpMethod.POST, "/state/import" + (replace ? "?mode=replace" : ""))
                .body(new BytesRequestContent("application/json", document));
        return http.json(r, ImportReportDocument.class, TRANSFER_TIMEOUT);
    }

    /** {@link #importDocument(byte[], boolean)} of an export read or built as a record. */
    public ImportReportDocument importDocument(StateExportDocument document, boolean replace) {
        return importDocument(dev.raptor.wire.json.WireJson.writeBytes(document), replace);
    }
}
