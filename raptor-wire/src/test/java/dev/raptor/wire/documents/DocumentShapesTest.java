package dev.raptor.wire.documents;

import dev.raptor.core.server.Specs;
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
import dev.raptor.wire.operation.OperationProgress;
import dev.raptor.wire.problem.ConflictingServer;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecJson;
import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.stats.StatsDocument;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each document is written exactly as the API has always written it (member names, order, nulls,
 * numbers, times), and a client reads it back into an equal record.
 */
class DocumentShapesTest {
    private static final UUID ID = UUID.fromString("3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21");
    private static final Instant T = Instant.parse("2025-03-14T10:15:02.123Z");

    private static <T> void readsBack(T document) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) document.getClass();
        assertThat(WireJson.read(WireJson.write(document), type)).isEqualTo(document);
    }

    @Test
    void aServerIsItsSpecFollowedByWhatRaptorMaintainsWithExplicitNulls() {
        ServerDocument server = new ServerDocument(ServerSpecJson.encode(Specs.minecraft("lobby").toBuilder().id(ID).build()),
                "running", "running", 3, T, T.plusSeconds(1), false, null, null, null, null, null, "none", false, null);

        assertThat(WireJson.write(server)).isEqualTo("{\"id\":\"" + ID + "\",\"name\":\"lobby\","
                + "\"image\":\"ghcr.io/pterodactyl/yolks:java_21\",\"startup\":\"java -Xmx1G -jar server.jar nogui\","
                + "\"environment\":{\"EULA\":\"TRUE\"},"
                + "\"allocations\":[{\"ip\":\"0.0.0.0\",\"port\":25565,\"containerPort\":25565,\"protocol\":\"tcp\",\"primary\":true}],"
                + "\"limits\":{\"memoryMiB\":1024,\"swapMiB\":0,\"cpuPercent\":100,\"diskMiB\":5120,\"ioWeight\":500,\"pidsLimit\":256,\"oomKiller\":true},"
                + "\"stop\":{\"type\":\"command\",\"value\":\"stop\",\"timeoutSeconds\":30},"
                + "\"restart\":{\"policy\":\"no\",\"maxRetries\":0,\"onUnhealthy\":false},\"mounts\":[],\"labels\":{},\"extraHosts\":{},"
                + "\"settleSeconds\":2,\"networks\":[],\"fileRules\":{\"deny\":[],\"readOnly\":[]},\"state\":\"running\",\"desiredState\":\"running\",\"version\":3,\"createdAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"updatedAt\":\"2025-03-14T10:15:03.123Z\",\"crashLoop\":false,\"lastError\":null,\"containerId\":null,"
                + "\"startedAt\":null,\"busyWith\":null,\"health\":\"none\",\"socketConnected\":false,\"lastCommunication\":null}");
        readsBack(server);
    }

    @Test
    void aServerListCountsItsServers() {
        ServerDocument server = new ServerDocument(ServerSpecJson.encode(Specs.everyField()), "offline", "stopped", 1, T, T,
                true, "exited with code 1", "c0ffee", T, "start", null, "unhealthy", true, T);

        assertThat(WireJson.write(new ServerList(List.of(server)))).startsWith("{\"servers\":[{\"id\":")
                .endsWith("\"crashLoop\":true,\"lastError\":\"exited with code 1\",\"containerId\":\"c0ffee\","
                        + "\"startedAt\":\"2025-03-14T10:15:02.123Z\",\"busyWith\":\"start\",\"health\":\"unhealthy\",\"socketConnected\":true,"
                        + "\"lastCommunication\":\"2025-03-14T10:15:02.123Z\"}],\"count\":1}");
        readsBack(new ServerList(List.of(server, server)));
    }

    @Test
    void aPendingOperationHasANullFinishAndNoOutcome() {
        OperationDocument pending = new OperationDocument("op-1", "/api/v1/operations/op-1", ID, "power", "start", "pending", T,
                null, null, null, null, null, null, null, null, null);

        assertThat(WireJson.write(pending)).isEqualTo("{\"id\":\"op-1\",\"href\":\"/api/v1/operations/op-1\","
                + "\"serverId\":\"" + ID + "\",\"kind\":\"power\",\"action\":\"start\",\"status\":\"pending\","
                + "\"createdAt\":\"2025-03-14T10:15:02.123Z\",\"finishedAt\":null}");
        readsBack(pending);
    }

    @Test
    void anAnsweredOperationShowsOnlyTheMembersOfItsOutcome() {
        OperationDocument superseded = new OperationDocument("op-2", "/api/v1/operations/op-2", ID, "power", "stop", "superseded", T,
                T.plusSeconds(2), null, "kill", "superseded by a later 'kill'", null, null, null, null, null);

        assertThat(WireJson.write(superseded)).endsWith("\"finishedAt\":\"2025-03-14T10:15:04.123Z\","
                + "\"supersededBy\":\"kill\",\"reason\":\"superseded by a later 'kill'\"}");
        readsBack(superseded);
    }

    @Test
    void aFileOperationShowsItsPathProgressAndTheProblemThatRefusedIt() {
        Problem quota = Problem.of(507, "quota-exceeded", "Disk quota exceeded", "no room").withPath("/world.zip")
                .withQuota(900, 1000, 200);
        OperationDocument failed = new OperationDocument("op-3", "/api/v1/operations/op-3", ID, "files", "decompress", "failed",
                T, T.plusSeconds(1), null, null, "no room", "/world", new OperationProgress("extracting", 10, -1, 1, 4, 5), quota, null, null);

        assertThat(WireJson.write(failed)).contains("\"kind\":\"files\",\"action\":\"decompress\"")
                .endsWith("\"reason\":\"no room\",\"path\":\"/world\",\"progress\":{\"stage\":\"extracting\",\"bytesDone\":10,"
                        + "\"bytesTotal\":-1,\"filesDone\":1,\"filesTotal\":4,\"bytesPerSecond\":5},\"problem\":{\"type\":\"urn:raptor:problem:quota-exceeded\","
                        + "\"title\":\"Disk quota exceeded\",\"status\":507,\"detail\":\"no room\",\"path\":\"/world.zip\","
                        + "\"usedBytes\":900,\"limitBytes\":1000,\"neededBytes\":200}}");
        readsBack(failed);
    }

    @Test
    void aProblemWritesOnlyTheExtensionsItHas() {
        Problem validation = Problem.of(400, "validation", "Invalid request", "name: is required")
                .withErrors(List.of(new FieldError("name", "is required")));
        Problem conflict = Problem.of(409, "port-conflict", "Port already allocated", "taken")
                .withConflictsWith(new ConflictingServer(ID, null, "0.0.0.0:25565/tcp"));

        assertThat(WireJson.write(validation)).isEqualTo("{\"type\":\"urn:raptor:problem:validation\",\"title\":\"Invalid request\","
                + "\"status\":400,\"detail\":\"name: is required\",\"errors\":[{\"field\":\"name\",\"message\":\"is required\"}]}");
        assertThat(WireJson.write(conflict)).endsWith("\"detail\":\"taken\",\"conflictsWith\":{\"id\":\"" + ID
                + "\",\"binding\":\"0.0.0.0:25565/tcp\"}}");
        assertThat(WireJson.write(Problem.of(400, "bad-request", "Bad Request", null)))
                .isEqualTo("{\"type\":\"urn:raptor:problem:bad-request\",\"title\":\"Bad Request\",\"status\":400}");
        assertThat(validation.slug()).isEqualTo("validation");
        readsBack(validation);
        readsBack(conflict.withLocation(3, 14).withMaxBytes(1024).withIncident("i-1").withServerId(ID).withCurrentVersion(4)
                .withAllowedMethods("GET, PATCH"));
    }

    @Test
    void logsStatsAndActivityKeepTheirShapes() {
        LogsDocument logs = new LogsDocument(ID, List.of(new LogLineDocument(T, "stdout", "Done!")));
        StatsDocument stats = new StatsDocument(ID, "offline", false, T, 0, 0, 0.0, new StatsDocument.Network(0, 0), 0, 0, 0,
                new StatsDocument.Disk(null, 0, null, null, true), null);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("exitCode", "1");
        ActivityPage page = new ActivityPage(List.of(new ActivityEntryDocument(7, T, "crash", "crashed", details)), null);

        assertThat(WireJson.write(logs)).isEqualTo("{\"serverId\":\"" + ID + "\",\"lines\":[{\"at\":\"2025-03-14T10:15:02.123Z\","
                + "\"stream\":\"stdout\",\"text\":\"Done!\"}]}");
        assertThat(WireJson.write(stats)).isEqualTo("{\"serverId\":\"" + ID + "\",\"state\":\"offline\",\"running\":false,"
                + "\"at\":\"2025-03-14T10:15:02.123Z\",\"memoryBytes\":0,\"memoryLimitBytes\":0,\"cpuAbsolute\":0.0,"
                + "\"network\":{\"rxBytes\":0,\"txBytes\":0},\"pids\":0,\"uptimeSeconds\":0,\"diskBytes\":0,"
                + "\"disk\":{\"usedBytes\":null,\"limitBytes\":0,\"measuredAt\":null,\"ageSeconds\":null,\"scanning\":true}}");
        assertThat(WireJson.write(page)).isEqualTo("{\"entries\":[{\"id\":7,\"at\":\"2025-03-14T10:15:02.123Z\",\"type\":\"crash\","
                + "\"message\":\"crashed\",\"details\":{\"exitCode\":\"1\"}}],\"next\":null}");
        readsBack(logs);
        readsBack(stats);
        readsBack(page);
    }

    @Test
    void consoleSocketMessagesAreWingsShaped() {
        WingsStats stats = new WingsStats(1024, 2048, 12.345, new WingsStats.Network(1, 2), 5000, "running", 4096, 12L, null);

        assertThat(SocketMessage.of(SocketMessage.AUTH_SUCCESS).toJson()).isEqualTo("{\"event\":\"auth success\"}");
        assertThat(SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, "a\nb").toJson())
                .isEqualTo("{\"event\":\"console output\",\"args\":[\"a\\nb\"]}");
        assertThat(WireJson.write(stats)).isEqualTo("{\"memory_bytes\":1024,\"memory_limit_bytes\":2048,\"cpu_absolute\":12.345,"
                + "\"network\":{\"rx_bytes\":1,\"tx_bytes\":2},\"uptime\":5000,\"state\":\"running\",\"disk_bytes\":4096,"
                + "\"disk_age_seconds\":12}");
        assertThat(SocketMessage.parse("{\"event\":\"send command\",\"args\":[\"say hi\", 3]}"))
                .isEqualTo(new SocketMessage("send command", List.of("say hi", "3")));
        readsBack(stats);
    }

    @Test
    void tokenHealthSystemAndImportReportKeepTheirShapes() {
        TokenDocument token = new TokenDocument("a.b.c", ID, List.of("console.read", "power"), T, T.plusSeconds(600), 600);
        Map<String, NodeHealth.Check> checks = new LinkedHashMap<>();
        checks.put("engine", new NodeHealth.Check(true, "docker 27 answers"));
        checks.put("store", new NodeHealth.Check(false, "no answer within 3 s"));
        NodeSystem system = new NodeSystem("1.0", T, "docker", NodeSystem.Engine.unreachable("timed out"),
                new NodeSystem.ServerCounts(3, 1, 0, 2, 0), new NodeSystem.Node("node1", "Linux 6 amd64", 2, 0.5, null, null,
                null, "/var/lib/raptor", 100L, 50L, null, "25"));
        ImportReportDocument report = new ImportReportDocument("RAPTOR_EXPORT", List.of(ID), List.of(), Map.of(ID, "f00"), List.of());

        assertThat(WireJson.write(token)).isEqualTo("{\"token\":\"a.b.c\",\"serverId\":\"" + ID + "\","
                + "\"permissions\":[\"console.read\",\"power\"],\"issuedAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"expiresAt\":\"2025-03-14T10:25:02.123Z\",\"expiresIn\":600}");
        assertThat(WireJson.write(new NodeHealth("unhealthy", checks))).isEqualTo("{\"status\":\"unhealthy\",\"checks\":{"
                + "\"engine\":{\"ok\":true,\"detail\":\"docker 27 answers\"},\"store\":{\"ok\":false,\"detail\":\"no answer within 3 s\"}}}");
        assertThat(WireJson.write(system)).isEqualTo("{\"version\":\"1.0\",\"startedAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"runtime\":\"docker\",\"engine\":{\"reachable\":false,\"error\":\"timed out\"},"
                + "\"servers\":{\"total\":3,\"offline\":1,\"starting\":0,\"running\":2,\"stopping\":0},"
                + "\"node\":{\"hostname\":\"node1\",\"os\":\"Linux 6 amd64\",\"cpus\":2,\"loadAverage\":0.5,"
                + "\"dataDir\":\"/var/lib/raptor\",\"diskTotalBytes\":100,\"diskFreeBytes\":50,\"javaVersion\":\"25\"}}");
        assertThat(WireJson.write(report)).isEqualTo("{\"format\":\"RAPTOR_EXPORT\",\"imported\":[\"" + ID + "\"],"
                + "\"replaced\":[],\"legacyDockerIds\":{\"" + ID + "\":\"f00\"},\"warnings\":[]}");
        readsBack(token);
        readsBack(new NodeHealth("unhealthy", checks));
        readsBack(system);
        readsBack(report);
    }

    @Test
    void aGameStatusCarriesTheLastAnswerAndWhyTheLatestQueryWentUnanswered() {
        dev.raptor.core.query.GameStatus answer = new dev.raptor.core.query.GameStatus(T, dev.raptor.core.query.QueryProtocol.MINECRAFT,
                3, 20, "Paper 1.21.4", "lobby", List.of("alice"), java.time.Duration.ofMillis(2));
        GameStatusDocument answered = GameStatusDocument.of(new dev.raptor.core.query.QueryResult.Answered(answer),
                dev.raptor.core.query.QueryProtocol.MINECRAFT);
        assertThat(WireJson.write(answered)).isEqualTo("{\"protocol\":\"minecraft\",\"answered\":true,\"askedAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"answeredAt\":\"2025-03-14T10:15:02.123Z\",\"playersOnline\":3,\"playersMax\":20,\"version\":\"Paper 1.21.4\","
                + "\"motd\":\"lobby\",\"players\":[\"alice\"],\"latencyMillis\":2}");
        GameStatusDocument stale = GameStatusDocument.of(new dev.raptor.core.query.QueryResult.Unanswered(T.plusSeconds(15),
                "minecraft query to 127.0.0.1:25565: connection refused", answer), dev.raptor.core.query.QueryProtocol.MINECRAFT);
        assertThat(stale.answered()).isFalse();
        assertThat(stale.error()).endsWith("connection refused");
        assertThat(stale.playersOnline()).isEqualTo(3);
        readsBack(answered);
    }
}
