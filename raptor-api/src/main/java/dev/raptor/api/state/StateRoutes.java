package dev.raptor.api.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.Problem;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.json.Json;
import dev.raptor.store.transfer.ImportMode;
import dev.raptor.store.transfer.ImportReport;
import dev.raptor.store.transfer.StateImport;
import io.javalin.http.Context;

import java.time.Clock;
import java.util.UUID;

/**
 * The node's whole state as JSON: {@code GET /state/export} and {@code POST /state/import}. Import
 * takes a Raptor export or the legacy {@code containers.json}, checks every server against the
 * runtime and the port registry first, writes all of them in one transaction or none, and then puts
 * them under supervision.
 */
public final class StateRoutes {
    private final ServerFleet fleet;
    private final ApiSettings settings;

    public StateRoutes(ServerFleet fleet, ApiSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
    }

    public void export(Context ctx) {
        Responses.json(ctx, 200, archive().exportState());
    }

    public void importState(Context ctx) {
        ImportMode mode = Query.text(ctx, "mode").map(v -> switch (v) {
            case "replace" -> ImportMode.REPLACE_EXISTING;
            case "fail" -> ImportMode.FAIL_ON_EXISTING;
            default -> throw ProblemException.invalidParameter("mode", "must be 'fail' or 'replace' (was '" + v + "')");
        }).orElse(ImportMode.FAIL_ON_EXISTING);
        JsonNode document = JsonBody.node(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        // Validate the whole document and check it against this node before anything is written.
        fleet.checkAdmission(StateImport.read(document, Clock.systemUTC()).servers().stream().map(StoredServer::spec).toList());
        ImportReport report = archive().importState(document, mode);
        fleet.admit(report.imported());
        Responses.json(ctx, 200, describe(report));
    }

    private SqliteStore archive() {
        if (fleet.store() instanceof SqliteStore sqlite) {
            return sqlite;
        }
        throw new ProblemException(Problem.of(501, "no-archive", "Not supported", "this node's store cannot export or import state"));
    }

    private static ObjectNode describe(ImportReport report) {
        ObjectNode out = Json.object();
        out.put("format", report.format().name());
        var imported = out.putArray("imported");
        report.imported().forEach(id -> imported.add(id.toString()));
        var replaced = out.putArray("replaced");
        report.replaced().forEach(id -> replaced.add(id.toString()));
        ObjectNode docker = out.putObject("legacyDockerIds");
        report.legacyDockerIds().forEach((UUID id, String dockerId) -> docker.put(id.toString(), dockerId));
        var warnings = out.putArray("warnings");
        report.warnings().forEach(warnings::add);
        return out;
    }
}
