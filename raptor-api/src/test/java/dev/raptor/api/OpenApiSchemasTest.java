package dev.raptor.api;

import dev.raptor.api.testing.OpenApiSchemas;
import dev.raptor.core.archive.ExportedState;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.query.QueryResult;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.activity.ActivityPage;
import dev.raptor.wire.auth.TokenDocument;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.console.LogsDocument;
import dev.raptor.wire.console.SocketMessage;
import dev.raptor.wire.console.WingsStats;
import dev.raptor.wire.game.GameStatusDocument;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.node.NodeHealth;
import dev.raptor.wire.node.NodeSystem;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.problem.ConflictingServer;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecJson;
import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.state.StateExportDocument;
import dev.raptor.wire.stats.StatsDocument;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schemas of {@code openapi.json} are not vacuous: each wire record's document validates against its
 * schema, and a body that drops, adds, renames or retypes a member, or comes with the wrong status or
 * media type, does not.
 */
class OpenApiSchemasTest {
    private static final OpenApiSchemas SCHEMAS = OpenApiSchemas.shipped();
    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";
    private static final UUID ID = UUID.fromString("3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21");
    private static final Instant T = Instant.parse("2025-03-14T10:15:02.123456789Z");

    private static final GameStatusDocument GAME = GameStatusDocument.of(new QueryResult.Unanswered(T, "no answer within 3000 ms",
            new GameStatus(T, QueryProtocol.MINECRAFT, 3, 20, "1.21.4", "lobby", List.of("alice"), java.time.Duration.ofMillis(2))),
            QueryProtocol.MINECRAFT);

    private static ServerDocument server() {
        return new ServerDocument(ServerSpecJson.encode(Specs.everyField().toBuilder().query(GameQuery.minecraft()).build()),
                "running", "running", 2, T, T, false, null, "c0ffee", T, null, GAME, "healthy", true, T);
    }

    private static List<String> answer(String method, String path, int status, String contentType, Object document) {
        String body = document instanceof String s ? s : WireJson.write(document);
        return SCHEMAS.disagreements(method, SCHEMAS.template(path).orElse(null), status, contentType, body);
    }

    @Test
    void everyAnswerRecordValidatesAgainstItsSchema() {
        OperationDocument pending = new OperationDocument("op", "/api/v1/operations/op", ID, "power", "start", "pending", T, null,
                null, null, null, null, null, null, null, null);
        OperationDocument done = new OperationDocument("op", "/api/v1/operations/op", ID, "power", "start", "done", T, T, "running",
                null, null, null, null, null, null, null);
        String s = "/api/v1/servers/" + ID;

        assertThat(answer("GET", s, 200, JSON, server())).isEmpty();
        assertThat(answer("GET", "/api/v1/servers?state=running", 200, JSON, new ServerList(List.of(server(), server())))).isEmpty();
        assertThat(answer("POST", s + "/power", 202, JSON, pending)).isEmpty();
        assertThat(answer("GET", "/api/v1/operations/op", 200, JSON, done)).isEmpty();
        assertThat(answer("GET", s + "/logs", 200, JSON, new LogsDocument(ID, List.of(new LogLineDocument(T, "stderr", "x"))))).isEmpty();
        assertThat(answer("GET", s + "/logs", 200, "text/plain; charset=utf-8", "a\nb\n")).isEmpty();
        assertThat(answer("GET", s + "/stats", 200, JSON, new StatsDocument(ID, "offline", false, T, 0, 0, 0.0,
                new StatsDocument.Network(0, 0), 0, 0, 0, new StatsDocument.Disk(null, 0, null, null, true), null))).isEmpty();
        assertThat(answer("GET", s + "/stats", 200, JSON, new StatsDocument(ID, "running", true, T, 1, 2, 3.0,
                new StatsDocument.Network(4, 5), 6, 7, 8, new StatsDocument.Disk(8L, 1024, T, 3L, false), GAME))).isEmpty();
        assertThat(answer("GET", s + "/activity", 200, JSON, new ActivityPage(List.of(
                new ActivityEntryDocument(1, T, "crash", "crashed", Map.of("exitCode", "1"))), s + "/activity?before=1"))).isEmpty();
        assertThat(answer("POST", s + "/tokens", 201, JSON, new TokenDocument("a.b.c", ID, List.of("power"), T, T, 600))).isEmpty();
        assertThat(answer("GET", "/api/v1/health", 503, JSON, new NodeHealth("unhealthy",
                Map.of("engine", new NodeHealth.Check(false, "no answer"))))).isEmpty();
        assertThat(answer("GET", "/api/v1/system", 200, JSON, new NodeSystem("1", T, "docker",
                new NodeSystem.Engine(true, "27", "1.47", Map.of("os", "linux"), List.of(), null),
                new NodeSystem.ServerCounts(1, 1, 0, 0, 0), new NodeSystem.Node("h", "Linux", 2, 0.1, 0.2, 1L, 1L, "/d", 1L, 1L,
                null, "25")))).isEmpty();
        assertThat(answer("GET", "/api/v1/state/export", 200, JSON, StateExportDocument.of(new ExportedState(T,
                List.of(new StoredServer(Specs.everyField(), 1, DesiredState.RUNNING, T, T)))))).isEmpty();
        assertThat(answer("POST", "/api/v1/state/import", 200, JSON, new ImportReportDocument("LEGACY_CONTAINERS",
                List.of(ID), List.of(), Map.of(ID, "f00"), List.of("w")))).isEmpty();
        assertThat(answer("POST", "/api/v1/servers", 409, PROBLEM, Problem.of(409, "port-conflict", "Port already allocated", "x")
                .withConflictsWith(new ConflictingServer(ID, "lobby", "0.0.0.0:25565/tcp")))).isEmpty();
        assertThat(answer("POST", "/api/v1/servers", 400, PROBLEM, Problem.of(400, "malformed-json", "Malformed JSON", "x")
                .withLocation(1, 2))).isEmpty();
        assertThat(SCHEMAS.disagreementsWith("SocketMessage", SocketMessage.of("console output", "a").toJson())).isEmpty();
        assertThat(SCHEMAS.disagreementsWith("WingsStats", WireJson.write(new WingsStats(1, 2, 0.5, new WingsStats.Network(3, 4),
                5, "running", 6, null, null)))).isEmpty();
        assertThat(SCHEMAS.disagreementsWith("WingsStats", WireJson.write(new WingsStats(1, 2, 0.5, new WingsStats.Network(3, 4),
                5, "running", 6, 7L, GAME)))).isEmpty();
    }

    @Test
    void aServerMissingARequiredMemberOrWithAnExtraOneDisagrees() {
        String s = "/api/v1/servers/" + ID;
        String body = WireJson.write(server());

        assertThat(answer("GET", s, 200, JSON, body.replace("\"lastError\":null,", ""))).singleElement().asString()
                .contains("lastError");
        assertThat(answer("GET", s, 200, JSON, body.replace("\"crashLoop\":false", "\"crashLoop\":false,\"crashloop\":true")))
                .isNotEmpty().anySatisfy(w -> assertThat(w).contains("crashloop"));
        assertThat(answer("GET", s, 200, JSON, body.replace("\"state\":\"running\"", "\"state\":\"up\""))).isNotEmpty();
        assertThat(answer("GET", s, 200, JSON, body.replace("\"version\":2", "\"version\":\"2\""))).isNotEmpty();
        assertThat(answer("GET", s, 200, JSON, body.replace("\"timeoutSeconds\":45", "\"timeoutSeconds\":\"45s\""))).isNotEmpty();
        assertThat(answer("GET", s, 200, JSON, body.replace("\"createdAt\":\"2025-03-14T10:15:02.123456789Z\"",
                "\"createdAt\":\"yesterday\""))).isNotEmpty();
    }

    @Test
    void aProblemWithAnUnknownMemberOrWithoutItsTypeDisagrees() {
        String problem = WireJson.write(Problem.of(404, "server-not-found", "No such server", "gone")
                .withErrors(List.of(new FieldError("a", "b"))));

        assertThat(answer("GET", "/api/v1/servers/" + ID, 404, PROBLEM, problem)).isEmpty();
        assertThat(answer("GET", "/api/v1/servers/" + ID, 404, PROBLEM, problem.replace("\"detail\"", "\"details\""))).isNotEmpty();
        assertThat(answer("GET", "/api/v1/servers/" + ID, 404, PROBLEM,
                problem.replace("\"type\":\"urn:raptor:problem:server-not-found\",", ""))).isNotEmpty();
    }

    @Test
    void anUndocumentedStatusOrMediaTypeOrBodyDisagrees() {
        String s = "/api/v1/servers/" + ID;

        assertThat(answer("GET", s, 201, JSON, server())).singleElement().asString()
                .contains("status 201 is not documented");
        assertThat(answer("GET", s, 418, PROBLEM, Problem.of(418, "teapot", "Teapot", null))).isEmpty(); // an error: default
        assertThat(answer("GET", s, 418, JSON, "{\"teapot\": true}")).isNotEmpty();
        assertThat(answer("GET", s, 200, "text/html", WireJson.write(server()))).singleElement().asString()
                .contains("text/html");
        assertThat(answer("GET", s, 404, JSON, Problem.of(404, "server-not-found", "No such server", "gone"))).isNotEmpty();
        assertThat(answer("POST", s + "/commands", 204, null, "{}")).singleElement().asString().contains("without a body");
        assertThat(answer("POST", s + "/commands", 204, null, "")).isEmpty();
    }

    @Test
    void anAnswerOnAnUndocumentedRouteMustBeAProblem() {
        assertThat(answer("GET", "/api/v1/nowhere", 404, PROBLEM, Problem.of(404, "no-route", "Not found", "x"))).isEmpty();
        assertThat(answer("PUT", "/api/v1/servers", 405, PROBLEM, Problem.of(405, "method-not-allowed", "Method not allowed", "x")
                .withAllowedMethods("GET, POST"))).isEmpty();
        assertThat(answer("GET", "/api/v1/nowhere", 200, JSON, "{}")).isNotEmpty();
        assertThat(answer("GET", "/api/v1/nowhere", 404, PROBLEM, "{\"status\": 404}")).isNotEmpty();
    }

    @Test
    void consoleSocketFramesAreCheckedToo() {
        assertThat(SCHEMAS.disagreementsWith("SocketMessage", "{\"event\":\"console output\",\"args\":[1]}")).isNotEmpty();
        assertThat(SCHEMAS.disagreementsWith("SocketMessage", "{\"event\":\"teleport\"}")).isNotEmpty();
        assertThat(SCHEMAS.disagreementsWith("WingsStats", "{\"memoryBytes\":1}")).isNotEmpty();
    }
}
