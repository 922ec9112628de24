package dev.raptor.api.client;

import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.auth.TokenDocument;
import dev.raptor.wire.backup.BackupCreateRequest;
import dev.raptor.wire.backup.BackupDocument;
import dev.raptor.wire.client.BackupsClient;
import dev.raptor.wire.client.ConsoleWebSocket;
import dev.raptor.wire.client.LogStream;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.client.ServerQuery;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.console.SocketMessage;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;
import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.state.StateExportDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link RaptorClient} against the real API (Javalin on Jetty, over TCP and the Unix socket) of a node
 * whose engine is {@code FakeRuntime}: every call answers the wire record it promises, errors come back
 * as the daemon's problems, and the streams (a followed log, the console socket) carry what the server
 * prints. The client's handling of broken answers is raptor-wire's {@code RaptorClientWireTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RaptorClientTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestNode node;
    private RaptorClient unix;
    private RaptorClient tcp;

    @BeforeAll
    void startNode(@TempDir Path dir) {
        node = TestNode.onFakeEngine(dir);
        unix = RaptorClient.overUnixSocket(node.api.socketPath());
        tcp = RaptorClient.overHttp(URI.create("http://127.0.0.1:" + node.api.port()), node.apiKey);
    }

    @AfterAll
    void stopNode() {
        unix.close();
        tcp.close();
        node.close();
    }

    private static ServerSpecDocument gameServer(String name, int port) {
        return new ServerSpecDocument(null, name, "raptor-test/gameserver:1", null, Map.of("BOOT_DELAY", "0"),
                List.of(new AllocationDocument("127.0.0.1", port, null, null, true)), null,
                new StopDocument("command", "stop", BigDecimal.valueOf(10), null, null), null, null, Map.of("suite", "client"),
                null, null, "Done!", null, null, null, null, null, null);
    }

    private static int port() {
        return 20000 + (int) (Math.random() * 20000);
    }

    private ServerClient running(String name) {
        ServerDocument created = unix.servers().create(gameServer(name, port()));
        ServerClient server = unix.server(created.spec().id());
        assertThat(server.start().status()).isEqualTo("done");
        return server;
    }

    // ------------------------------------------------------------------ the node

    @Test
    void theNodeAnswersItsHealthAndSystemOverBothTransports() {
        for (RaptorClient c : List.of(unix, tcp)) {
            assertThat(c.health().status()).isEqualTo("ok");
            assertThat(c.health().checks()).containsKeys("engine", "store", "disk");
            assertThat(c.system().version()).isEqualTo("test");
            assertThat(c.system().servers().total()).isGreaterThanOrEqualTo(0);
        }
    }

    // ------------------------------------------------------------------ servers

    @Test
    void aServerIsCreatedListedReadAndFilteredAsRecords() {
        ServerDocument created = tcp.servers().create(gameServer("c-created", port()));
        UUID id = created.spec().id();
        assertThat(created.state()).isEqualTo("offline");
        assertThat(created.version()).isPositive();
        assertThat(created.spec().allocations()).singleElement().satisfies(a -> assertThat(a.primary()).isTrue());

        assertThat(unix.servers().get(id)).isEqualTo(tcp.server(id.toString()).get());
        assertThat(unix.servers().list().servers()).extracting(s -> s.spec().id()).contains(id);
        assertThat(unix.servers().list(ServerQuery.all().name("c-created")).servers()).singleElement()
                .satisfies(s -> assertThat(s.spec().id()).isEqualTo(id));
        assertThat(unix.servers().list(ServerQuery.all().state("running").name("c-created")).servers()).isEmpty();
        assertThat(unix.servers().list(ServerQuery.all().label("suite", "client").labelKey("suite")).servers())
                .extracting(s -> s.spec().id()).contains(id);
    }

    @Test
    void aPatchAppliesAtTheVersionItNamesAndAStaleOneIsRefusedWithTheCurrentVersion() {
        ServerDocument created = unix.servers().create(gameServer("c-patch", port()));
        ServerClient server = unix.server(created.spec().id());

        ServerDocument patched = server.patch(ServerPatch.of().with("name", "c-patched").with("environment", Map.of("MOTD", "hi")),
                created.version());
        assertThat(patched.spec().name()).isEqualTo("c-patched");
        assertThat(patched.spec().environment()).containsEntry("MOTD", "hi").containsEntry("BOOT_DELAY", "0");
        assertThat(patched.version()).isGreaterThan(created.version());

        assertThatThrownBy(() -> server.patch(ServerPatch.of().with("name", "stale"), created.version()))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(412);
                    assertThat(e.problem().currentVersion()).isEqualTo(patched.version());
                });
        assertThat(server.get().spec().name()).isEqualTo("c-patched");
    }

    @Test
    void errorsAreTheDaemonsProblemsNamingWhatIsWrong() {
        UUID absent = UUID.randomUUID();
        assertThatThrownBy(() -> unix.server(absent).get())
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.typed()).isTrue();
                    assertThat(e.problem().serverId()).isEqualTo(absent.toString());
                });
        ServerSpecDocument bad = new ServerSpecDocument(null, null, "img", null, null,
                List.of(new AllocationDocument("127.0.0.1", 70000, null, null, true)), null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> unix.servers().create(bad))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.problem().errors()).extracting(f -> f.field()).contains("name", "allocations[0].port");
                });

        int taken = port();
        ServerDocument holder = unix.servers().create(gameServer("c-holder", taken));
        assertThatThrownBy(() -> unix.servers().create(gameServer("c-thief", taken)))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.problem().conflictsWith().id()).isEqualTo(holder.spec().id());
                });
    }

    @Test
    void aWrongKeyIsRefusedWithA401Problem() {
        try (RaptorClient wrong = RaptorClient.overHttp(URI.create("http://127.0.0.1:" + node.api.port()), "not-the-key")) {
            assertThatThrownBy(wrong::system)
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(401));
            assertThat(wrong.health().status()).as("health needs no key").isEqualTo("ok");
        }
    }

    // ------------------------------------------------------------------ power and operations

    @Test
    void powerWaitsForTheOutcomeAndAnActionNotWaitedForIsFollowedToItsEnd() {
        ServerClient server = running("c-power");
        assertThat(server.get().state()).isEqualTo("running");

        OperationDocument accepted = server.powerNoWait("stop");
        assertThat(accepted.id()).isNotNull();
        OperationDocument finished = unix.operations().await(accepted, WAIT);
        assertThat(finished.status()).isEqualTo("done");
        assertThat(finished.state()).isEqualTo("offline");
        assertThat(tcp.operations().get(accepted.id()).status()).isEqualTo("done");

        OperationDocument killed = server.kill();
        assertThat(killed.status()).as("kill on a stopped server is a success").isEqualTo("done");
        assertThat(unix.operations().await(killed, WAIT)).isEqualTo(killed);
    }

    @Test
    void deleteWaitsForItsOutcomeAndTheServerIsGone() {
        ServerClient server = running("c-delete");
        OperationDocument deleted = server.delete(true);
        assertThat(deleted.status()).isEqualTo("done");
        assertThatThrownBy(server::get).isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    // ------------------------------------------------------------------ console

    @Test
    void commandsReachTheConsoleAndItsLogsReadThemBack() {
        ServerClient server = running("c-command");
        server.command("say over the api");
        await().atMost(WAIT).until(() -> server.logs(20).lines().stream().map(LogLineDocument::text).toList()
                .contains("[Server] over the api"));
        assertThat(server.logs(1).lines()).hasSize(1);
        assertThat(server.stats().serverId()).isEqualTo(UUID.fromString(server.id()));
        assertThat(server.activity(10).entries()).extracting(ActivityEntryDocument::type).contains("create", "power.start");

        ServerDocument offline = unix.servers().create(gameServer("c-offline", port()));
        assertThatThrownBy(() -> unix.server(offline.spec().id()).command("say nobody"))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void aFollowedLogStreamsNewLinesUntilItIsClosed() throws Exception {
        ServerClient server = running("c-follow");
        try (LogStream logs = tcp.server(server.id()).followLogs(1)) {
            assertThat(logs.readLine()).isEqualTo("Done! For help, type \"help\"");
            server.command("say followed");
            assertThat(logs.readLine()).isEqualTo("[Server] followed");
        }
    }

    @Test
    void theConsoleSocketAuthenticatesStreamsOutputAndTakesCommands() throws Exception {
        ServerClient server = running("c-socket");
        for (RaptorClient c : List.of(unix, tcp)) {
            List<String> output = new CopyOnWriteArrayList<>();
            List<String> states = new CopyOnWriteArrayList<>();
            try (ConsoleWebSocket console = c.server(server.id()).console(new ConsoleWebSocket.Listener() {
                @Override
                public void onOutput(String lines) {
                    output.addAll(List.of(lines.split("\n")));
                }

                @Override
                public void onStatus(String state) {
                    states.add(state);
                }
            })) {
                assertThat(console.awaitAuthenticated(WAIT)).as("auth success (" + c.endpoint().describe() + ")").isTrue();
                await().atMost(WAIT).until(() -> states.contains("running"));
                String marker = "through the socket " + c.endpoint().describe();
                console.sendCommand("say " + marker);
                await().atMost(WAIT).until(() -> output.contains("[Server] " + marker));
                console.requestLogs();
                await().atMost(WAIT).until(() -> output.contains("Done! For help, type \"help\""));
            }
        }
    }

    @Test
    void aConsoleReadAsBytesGetsItsOutputAsTheFramesBytesAndEveryOtherMessageParsed() throws Exception {
        ServerClient server = running("c-bytes");
        int lines = 20_000;
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        List<String> outputs = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        try (ConsoleWebSocket console = tcp.server(server.id()).console(new ConsoleWebSocket.OutputBytes() {
            @Override
            public void onOutputFrame(java.nio.ByteBuffer json, boolean last) {
                byte[] b = new byte[json.remaining()];
                json.get(b);
                message.writeBytes(b);
                if (last) {
                    outputs.add(message.toString(java.nio.charset.StandardCharsets.UTF_8));
                    message.reset();
                }
            }

            @Override
            public void onStatus(String state) {
                states.add(state);
            }
        })) {
            assertThat(console.awaitAuthenticated(WAIT)).isTrue();
            await().atMost(WAIT).until(() -> states.contains("running"));
            console.sendCommand("flood " + lines);
            await().atMost(WAIT).until(() -> outputs.stream().anyMatch(o -> o.contains("line " + lines + "\"")
                    || o.contains("line " + lines + "\\n")));
        }
        List<String> received = new java.util.ArrayList<>();
        for (String o : outputs) {
            assertThat(o).startsWith(ConsoleWebSocket.OutputBytes.OUTPUT_PREFIX);
            SocketMessage m = SocketMessage.parse(o);
            assertThat(m.event()).isEqualTo(SocketMessage.CONSOLE_OUTPUT);
            m.args().forEach(a -> received.addAll(List.of(a.split("\n"))));
        }
        List<String> flood = received.stream().filter(l -> l.startsWith("line ")).toList();
        assertThat(flood).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(flood.get(i)).isEqualTo("line " + (i + 1));
        }
    }

    @Test
    void aServerTokenOpensTheConsoleItAllowsAndNothingElse() throws Exception {
        ServerClient server = running("c-token");
        TokenDocument token = unix.server(server.id()).token(List.of("console.read", "console.write"), Duration.ofMinutes(5));
        assertThat(token.serverId()).isEqualTo(UUID.fromString(server.id()));
        assertThat(token.permissions()).containsExactly("console.read", "console.write");

        try (RaptorClient browser = RaptorClient.overHttp(URI.create("http://127.0.0.1:" + node.api.port()), token.token())) {
            assertThat(browser.server(server.id()).stats().state()).isEqualTo("running");
            assertThatThrownBy(() -> browser.server(server.id()).stop())
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(403));
            assertThatThrownBy(browser.servers()::list)
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(403));
            List<SocketMessage> notices = new CopyOnWriteArrayList<>();
            try (ConsoleWebSocket console = browser.server(server.id()).console(new ConsoleWebSocket.Listener() {
                @Override
                public void onNotice(SocketMessage message) {
                    notices.add(message);
                }
            })) {
                assertThat(console.awaitAuthenticated(WAIT)).isTrue();
                console.setState("stop");
                await().atMost(WAIT).until(() -> notices.stream().anyMatch(m -> m.event().equals(SocketMessage.DAEMON_ERROR)
                        && m.arg().orElse("").contains("power")));
            }
        }
        assertThat(server.get().state()).isEqualTo("running");
    }

    // ------------------------------------------------------------------ state

    @Test
    void stateExportsAndImportsAsRecords() {
        ServerDocument created = unix.servers().create(gameServer("c-export", port()));
        UUID id = created.spec().id();
        StateExportDocument export = tcp.state().export();
        assertThat(export.format()).isEqualTo(StateExportDocument.FORMAT);
        StateExportDocument.Server mine = export.servers().stream().filter(s -> s.spec().id().equals(id)).findFirst().orElseThrow();

        unix.server(id).delete(false);
        StateExportDocument justMine = new StateExportDocument(export.format(), export.formatVersion(), export.exportedAt(), List.of(mine));
        ImportReportDocument report = unix.state().importDocument(justMine, false);
        assertThat(report.imported()).containsExactly(id);
        assertThat(unix.server(id).get().spec().name()).isEqualTo("c-export");

        assertThatThrownBy(() -> unix.state().importDocument(justMine, false))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(unix.state().importDocument(justMine, true).replaced()).containsExactly(id);
        assertThat(new String(unix.state().exportBytes(), java.nio.charset.StandardCharsets.UTF_8)).contains(id.toString());
    }

    // ------------------------------------------------------------------ backups

    @Test
    void backupsAreMadeListedDownloadedLockedRestoredAndDeletedAsRecords() throws Exception {
        ServerClient server = running("c-backup");
        Path root = node.fleet.settings().volumesRoot().resolve(server.id());
        java.nio.file.Files.createDirectories(root);
        java.nio.file.Files.writeString(root.resolve("world.dat"), "saved");
        BackupsClient backups = server.backups();

        OperationDocument made = backups.create(new BackupCreateRequest("first", List.of("logs/"), null, null));
        assertThat(made.status()).as(made.toString()).isEqualTo("done");
        assertThat(made.action()).isEqualTo("backup");
        BackupDocument b = backups.get(made.backupId().toString());
        assertThat(b.status()).isEqualTo("completed");
        assertThat(b.name()).isEqualTo("first");
        assertThat(tcp.server(server.id()).backups().list().backups()).extracting(BackupDocument::id).containsExactly(b.id());

        byte[] archive;
        try (var in = backups.download(b.id().toString())) {
            archive = in.readAllBytes();
        }
        assertThat(archive).hasSize(b.size().intValue());
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(archive)))
                .isEqualTo(b.sha256());

        // a browser's link: typed, bound to the backup, and good for one GET without credentials
        dev.raptor.wire.backup.BackupDownloadUrlDocument link = backups.downloadUrl(b.id().toString());
        assertThat(link.backupId()).isEqualTo(b.id());
        assertThat(link.url()).startsWith("/api/v1/backups/download?token=");
        assertThat(link.expiresAt()).isAfter(java.time.Instant.now().minusSeconds(1));
        java.net.http.HttpResponse<byte[]> byLink = node.http.send(java.net.http.HttpRequest.newBuilder(node.uri(link.url())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(byLink.statusCode()).isEqualTo(200);
        assertThat(byLink.body()).isEqualTo(archive);

        assertThat(backups.lock(b.id().toString()).locked()).isTrue();
        assertThatThrownBy(() -> backups.delete(b.id().toString()))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(backups.unlock(b.id().toString()).locked()).isFalse();

        java.nio.file.Files.writeString(root.resolve("world.dat"), "changed");
        OperationDocument accepted = backups.restoreNoWait(b.id().toString(), true);
        assertThat(accepted.action()).isEqualTo("restore");
        OperationDocument restored = unix.operations().await(accepted, WAIT);
        assertThat(restored.status()).as(restored.toString()).isEqualTo("done");
        assertThat(restored.backupId()).isEqualTo(b.id());
        assertThat(restored.progress()).isNotNull();
        assertThat(java.nio.file.Files.readString(root.resolve("world.dat"))).isEqualTo("saved");
        assertThat(server.get().state()).as("started again after the restore").isEqualTo("running");

        backups.delete(b.id().toString());
        assertThat(backups.list().backups()).isEmpty();
        assertThatThrownBy(() -> backups.get(b.id().toString()))
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
        server.delete(true);
    }
}
