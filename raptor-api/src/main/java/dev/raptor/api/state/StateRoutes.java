package dev.raptor.api.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.archive.ImportMode;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.ImportReport;
import dev.raptor.core.archive.StateArchive;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.state.StateDocuments;
import dev.raptor.wire.state.StateExportDocument;
import io.javalin.http.Context;

import java.time.Clock;

/**
 * The node's whole state as JSON: {@code GET /state/export} and {@code POST /state/import}. Import
 * takes a Raptor export, the legacy {@code containers.json} or the legacy {@code ftp_credentials.json}
 * (read into a plan by the wire's {@link StateDocuments}), checks every server against the runtime and
 * the port registry first, has the {@link StateArchive} write all of them (and the plan's FTP logins,
 * as SFTP/FTP users) in one transaction or none, and then puts the servers under supervision.
 */
public final class StateRoutes {
    private final ServerFleet fleet;
    /** Null on a node built without one: both routes answer 501. */
    private final StateArchive archive;
    private final ApiSettings settings;

    public StateRoutes(ServerFleet fleet, StateArchive archive, ApiSettings settings) {
        this.fleet = fleet;
        this.archive = archive;
        this.settings = settings;
    }

    public void export(Context ctx) {
        Responses.json(ctx, 200, StateExportDocument.of(archive().export()));
    }

    public void importState(Context ctx) {
        ImportMode mode = Query.text(ctx, "mode").map(v -> switch (v) {
            case "replace" -> ImportMode.REPLACE_EXISTING;
            case "fail" -> ImportMode.FAIL_ON_EXISTING;
            default -> throw ProblemException.invalidParameter("mode", "must be 'fail' or 'replace' (was '" + v + "')");
        }).orElse(ImportMode.FAIL_ON_EXISTING);
        JsonNode document = JsonBody.node(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        // Validate the whole document and check it against this node before anything is written.
        ImportPlan plan = StateDocuments.read(document, Clock.systemUTC());
        fleet.checkAdmission(plan.servers().stream().map(StoredServer::spec).toList());
        ImportReport report = archive().importPlan(plan, mode);
        fleet.admit(report.imported());
        Responses.json(ctx, 200, ImportReportDocument.of(report));
    }

    private StateArchive archive() {
        if (archive == null) {
            throw new ProblemException(Problem.of(501, "no-archive", "Not supported", "this node's store cannot export or import state"));
        }
        return archive;
    }
}
