package dev.raptor.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Permission;
import dev.raptor.core.console.ConsoleSubscription;
import dev.raptor.core.console.LiveThreads;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.ServerState;
import dev.raptor.api.testing.ApiExchanges;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console WebSocket and log following, on the real engine with the test game server (issue 5's
 * acceptance tests). A missing engine fails them loudly (see TestEngine); they never skip.
 *
 * <p>Flood checks compare what every socket received with what the engine itself logged: under load
 * the engine's log of a {@code flood} has been seen to hold a repeated run of lines (curl on the
 * engine's API shows the same), and the console must deliver exactly the engine's output, no more,
 * no less, in order.
 */
class ConsoleSocketTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * For a flood to pass through the engine, the daemon and the sockets: 20,000 lines, or megabytes of long ones, take
     * seconds on a quiet machine and have taken over a minute at a load of 30 on 2 cores. Only a hang takes longer.
     */
    static final Duration FLOOD = Duration.ofMinutes(5);
    /** The threads the hubs and sockets start; all must end. */
    static final String[] THREADS = {"console-", "stats-", "disk-usage-", "event-listener-StateChanged"};

    @TempDir
    static Path dir;
    static ConsoleNode node;
    static final List<HttpClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        node = new ConsoleNode(dir);
        for (int i = 0; i < 8; i++) {
            clients.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build());
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        clients.forEach(HttpClient::close);
    }

    static HttpClient http(int i) {
        return clients.get(Math.floorMod(i, clients.size()));
    }

    /** A socket authenticated with the node API key in its first message. */
    static SocketClient attached(UUID server, int i) {
        SocketClient c = SocketClient.connect(http(i), node.ws(server), null);
        c.send("auth", node.apiKey);
        c.await("auth success", WAIT);
        return c;
    }

    /** The N of every {@code line N} the engine logged for the server, in order: the oracle for floods. */
    static int[] engineFlood(UUID server) {
        return node.consoles.tail(server, -1).stream().map(LogLine::text).filter(t -> t.startsWith("line "))
                .mapToInt(t -> Integer.parseInt(t.substring(5))).toArray();
    }

    static void assertFullFloods(int[] engine, int floods) {
        assertFullFloods(engine, floods, 20_000);
    }

    static void assertFullFloods(int[] engine, int floods, int size) {
        long complete = 0;
        int next = 1;
        for (int n : engine) {
            next = n == next ? n + 1 : (n == 1 ? 2 : next);
            if (next == size + 1) {
                complete++;
                next = 1;
            }
        }
        assertThat(complete).as("complete floods in the engine's own log").isEqualTo(floods);
    }

    record Baseline(long threads, int engineStreams, int consoleStreams, int statsStreams, int consoleSubscribers,
                    int statsSubscribers) {
        static Baseline now() {
            return new Baseline(LiveThreads.named(THREADS), node.runtime.openStreams(), node.consoles.openEngineStreams(),
                    node.stats.openEngineStreams(), node.consoles.subscriberCount(), node.stats.subscriberCount());
        }
    }

    // ------------------------------------------------------------------ the endpoint

    @Test
    void aPlainGetOnTheSocketPathAnswers426AndBadUpgradesAreRefusedWithProblems() throws Exception {
        UUID id = node.createServer("plain-get");
        HttpResponse<String> r = http(0).send(HttpRequest.newBuilder(node.http("/api/v1/servers/" + id + "/ws"))
                .header("Authorization", "Bearer " + node.apiKey).build(), HttpResponse.BodyHandlers.ofString());
        ApiExchanges.answer("http", "GET", "/api/v1/servers/" + id + "/ws", r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null), r.body());
        assertThat(r.statusCode()).isEqualTo(426);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("Upgrade")).hasValue("websocket");

        assertThat(SocketClientProbe.upgradeStatus(http(0), node.ws(UUID.randomUUID()), node.apiKey)).isEqualTo(404);
        assertThat(SocketClientProbe.upgradeStatus(http(0), node.ws(id), "not-a-key")).isEqualTo(401);
        String other = node.token(UUID.randomUUID(), Duration.ofMinutes(5), Permission.CONSOLE_READ);
        assertThat(SocketClientProbe.upgradeStatus(http(0), node.ws(id), other)).isEqualTo(403);
        assertThat(SocketClientProbe.upgradeStatus(http(0), node.ws(id), node.apiKey)).isEqualTo(101);
    }

    @Test
    void aFileOperationsAnswerReachesTheSocketsThatMayReadFilesOnly() throws Exception {
        UUID id = node.createServer("file-events");
        try (SocketClient files = SocketClient.connect(http(0), node.ws(id), null);
             SocketClient console = SocketClient.connect(http(1), node.ws(id), null)) {
            files.send("auth", node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ, Permission.FILES_READ));
            files.await("auth success", WAIT);
            console.send("auth", node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ));
            console.await("auth success", WAIT);

            HttpResponse<String> r = http(0).send(HttpRequest.newBuilder(node.http("/api/v1/servers/" + id + "/files/delete"))
                    .header("Authorization", "Bearer " + node.apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"paths\": [\"/old-logs\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

            JsonNode op = WireJson.parse(files.await("operation finished", WAIT).arg());
            assertThat(op.get("kind").asText()).isEqualTo("files");
            assertThat(op.get("action").asText()).isEqualTo("delete");
            assertThat(op.get("status").asText()).isEqualTo("done");
            console.send("send stats");
            console.await("stats", WAIT); // a later frame: whatever the socket was sent before it has arrived
            assertThat(console.events()).noneMatch(e -> e.event().startsWith("operation"));
        }
    }

    @Test
    void firstMessageAuthWithAServerTokenGetsStatusStatsHistoryAndLiveOutput() {
        UUID id = node.runningServer("hello");
        String token = node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ, Permission.CONSOLE_WRITE);
        try (SocketClient c = SocketClient.connect(http(0), node.ws(id), null)) {
            c.send("auth", token);
            c.await("auth success", WAIT);
            assertThat(c.await("status", WAIT).arg()).isEqualTo("running");
            SocketClient.Event stats = c.await(e -> e.event().equals("stats") && WireJson.parse(e.arg()).get("memory_bytes").asLong() > 0, WAIT);
            JsonNode json = WireJson.parse(stats.arg());
            assertThat(json.get("state").asText()).isEqualTo("running");
            assertThat(json.get("memory_bytes").asLong()).as(stats.arg()).isPositive();
            assertThat(json.get("memory_limit_bytes").asLong()).isPositive();
            assertThat(json.has("cpu_absolute") && json.get("network").has("rx_bytes") && json.get("network").has("tx_bytes")
                    && json.has("disk_bytes")).as(stats.arg()).isTrue();
            assertThat(json.get("uptime").asLong()).isPositive();

            c.send("send logs");
            await().atMost(WAIT).until(() -> c.sawLine("Done! For help, type \"help\""));
            c.send("send command", "say hi");
            await().atMost(WAIT).until(() -> c.sawLine("[Server] hi"));
            c.send("send stats");
            c.await("stats", WAIT);
        }
    }

    @Test
    void theNodeApiKeyInTheHeaderAuthenticatesAtOnce() {
        UUID id = node.createServer("header");
        try (SocketClient c = SocketClient.connect(http(0), node.ws(id), node.apiKey)) {
            c.await("auth success", WAIT);
            assertThat(c.await("status", WAIT).arg()).isEqualTo("offline");
        }
    }

    /**
     * A client that acts the moment it is authenticated (a panel that starts a backup, sends a power action) hears of
     * what it caused: the socket's streams are open before it is told {@code auth success}. Tried on several sockets,
     * as the client's reaction and the daemon's next steps race.
     */
    @Test
    void anEventTheMomentTheClientHearsAuthSuccessReachesItsSocket() {
        UUID id = node.createServer("at-auth");
        for (int i = 0; i < 20; i++) {
            String line = "caused at auth success " + i;
            try (SocketClient c = SocketClient.connect(http(i), node.ws(id), null)) {
                c.onArrival("auth success", () -> node.bus.publish(new ServerEvent.InstallOutput(id, java.time.Instant.now(), line)));
                c.send("auth", node.apiKey);
                c.await("auth success", WAIT);
                assertThat(c.await("status", WAIT).arg()).as("the status still comes first").isEqualTo("offline");
                assertThat(c.await("install output", WAIT).arg()).isEqualTo(line);
            }
        }
    }

    @Test
    void aBadTokenIsAJwtErrorAndTheSocketStaysOpenForAnotherTry() {
        UUID id = node.createServer("jwt");
        try (SocketClient c = SocketClient.connect(http(0), node.ws(id), null)) {
            c.send("auth", "nonsense");
            assertThat(c.await("jwt error", WAIT).arg()).isNotBlank();
            c.send("send logs");
            assertThat(c.await("daemon error", WAIT).arg()).contains("authenticate first");
            c.send("auth", node.token(UUID.randomUUID(), Duration.ofMinutes(5), Permission.CONSOLE_READ));
            assertThat(c.await("jwt error", WAIT).arg()).contains("not this one");
            c.send("auth", node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ));
            c.await("auth success", WAIT);
            assertThat(c.await("status", WAIT).arg()).isEqualTo("offline");
        }
    }

    @Test
    void aSocketThatNeverAuthenticatesIsClosed() {
        UUID id = node.createServer("silent");
        try (SocketClient c = SocketClient.connect(http(0), node.ws(id), null)) {
            assertThat(c.closed.orTimeout(ConsoleNode.HANG.toSeconds(), TimeUnit.SECONDS).join()).isEqualTo(ConsoleConnection.CLOSE_AUTH);
            assertThat(c.events()).extracting(SocketClient.Event::event).contains("jwt error");
        }
    }

    @Test
    void sendCommandWithoutConsoleWriteIsRefusedAndNothingReachesTheServer() {
        UUID id = node.runningServer("perms");
        String readOnly = node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ);
        String readWrite = node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ, Permission.CONSOLE_WRITE);
        try (SocketClient reader = SocketClient.connect(http(0), node.ws(id), readOnly);
             SocketClient writer = SocketClient.connect(http(1), node.ws(id), readWrite)) {
            reader.await("auth success", WAIT);
            writer.await("auth success", WAIT);
            reader.send("send command", "say nope");
            assertThat(reader.await("daemon error", WAIT).arg()).contains("console.write");
            reader.send("set state", "stop");
            assertThat(reader.await("daemon error", WAIT).arg()).contains("power");

            writer.send("send command", "say hi");
            await().atMost(WAIT).until(() -> reader.sawLine("[Server] hi") && writer.sawLine("[Server] hi"));
            assertThat(reader.lines()).doesNotContain("[Server] nope");
            assertThat(node.consoles.tail(id, -1).stream().map(LogLine::text)).doesNotContain("[Server] nope");
            assertThat(node.fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        }
    }

    /** The lifetime of the tokens that expire in {@link #anExpiringTokenIsWarnedThenClosedWhileAFreshAuthKeepsTheSocket}. */
    static final Duration SHORT_LIVED = Duration.ofSeconds(20);

    @Test
    void anExpiringTokenIsWarnedThenClosedWhileAFreshAuthKeepsTheSocket() {
        UUID id = node.createServer("expiry");
        try (SocketClient expires = SocketClient.connect(http(0), node.ws(id), null);
             SocketClient renews = SocketClient.connect(http(1), node.ws(id), null)) {
            // Inside the expiry warning (60 s) from the start, so both are warned at once. Their lifetime (from an issue time
            // rounded down to the second) is all the time there is for the steps below up to the renewal: far more than
            // those few round trips need, loaded or not.
            expires.send("auth", node.token(id, SHORT_LIVED, Permission.CONSOLE_READ));
            renews.send("auth", node.token(id, SHORT_LIVED, Permission.CONSOLE_READ));
            expires.await("token expiring", WAIT);
            renews.await("token expiring", WAIT);
            renews.send("auth", node.token(id, Duration.ofMinutes(10), Permission.CONSOLE_READ));

            expires.await("token expired", WAIT);
            assertThat(expires.closed.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(ConsoleConnection.CLOSE_AUTH);

            // the silence under test: well past its first token's expiry, the renewed socket is never told it expired
            await().during(Duration.ofSeconds(4)).atMost(WAIT).until(() -> !renews.closed.isDone()
                    && renews.events().stream().noneMatch(e -> e.event().equals("token expired")));
            renews.send("send stats");
            renews.await("stats", WAIT);
        }
    }

    @Test
    void deletingTheServerTellsItsSocketsAndClosesThem() throws Exception {
        UUID id = node.runningServer("doomed");
        try (SocketClient c = attached(id, 0)) {
            await().atMost(WAIT).until(() -> node.consoles.subscriberCount(id) == 1);
            node.fleet.delete(id, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.closed.orTimeout(60, TimeUnit.SECONDS).join()).isEqualTo(ConsoleConnection.CLOSE_DELETED);
            assertThat(c.events()).anyMatch(e -> e.event().equals("daemon message") && e.arg().contains("deleted"));
            await().atMost(WAIT).until(() -> node.consoles.subscriberCount(id) == 0 && node.stats.subscriberCount(id) == 0);
        }
    }

    // ------------------------------------------------------------------ floods

    @Test
    void aHundredSocketsAllReceiveTheSameFloodInOrderWithNoLineMissing() {
        UUID id = node.runningServer("flood");
        List<SocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                if (i % 2 == 0) {
                    sockets.add(attached(id, i));
                } else {
                    SocketClient c = SocketClient.connect(http(i), node.ws(id), node.apiKey, true, false);
                    c.await("auth success", WAIT);
                    sockets.add(c);
                }
            }
            await().atMost(WAIT).until(() -> node.consoles.subscriberCount(id) == 100);
            sockets.getFirst().send("send command", "flood 20000");
            int[][] engine = new int[1][];
            await().atMost(FLOOD).pollInterval(Duration.ofMillis(500)).until(() -> {
                engine[0] = engineFlood(id);
                return engine[0].length >= 20_000 && engine[0][engine[0].length - 1] == 20_000
                        && sockets.stream().allMatch(s -> s.floodLines() >= engine[0].length);
            });
            assertFullFloods(engine[0], 1);
            for (SocketClient s : sockets) {
                assertThat(s.floodSequence()).as("what a socket received vs the engine's log").isEqualTo(engine[0]);
                assertThat(s.events()).noneMatch(e -> e.event().equals("daemon message") && e.arg().contains("dropped"));
            }
            assertThat(node.consoles.openEngineStreams()).isEqualTo(1);
        } finally {
            sockets.forEach(SocketClient::close);
        }
    }

    /**
     * A browser that stops reading. The kernel's socket buffers take the first ~3 MB written to any
     * socket, so the server prints ~3.5 MB of long lines ({@code echo-env} of a 100 KB variable) to
     * make the stuck socket's writes really block, and this node allows 25,000 lines of lag (enough
     * for the healthy sockets to take a 20,000-line burst), all below the 10 MB at which the engine
     * rotates a container's log (and its follow stream garbles lines).
     */
    @Test
    void aSocketThatNeverReadsCostsTheOthersNothingAndItsQueueStaysBounded(@TempDir Path own) throws Exception {
        int capacity = 25_000;
        try (ConsoleNode small = new ConsoleNode(own, dev.raptor.core.console.ConsoleSettings.defaults().withQueueLines(capacity))) {
            UUID id = small.runningServer("stuck", java.util.Map.of("BIG", "x".repeat(100_000)));
            List<SocketClient> healthy = new ArrayList<>();
            try (StuckSocket stuck = StuckSocket.open(small.api.port(), "/api/v1/servers/" + id + "/ws", small.apiKey)) {
                for (int i = 0; i < 3; i++) {
                    SocketClient c = SocketClient.connect(http(i), small.ws(id), small.apiKey);
                    c.await("auth success", WAIT);
                    healthy.add(c);
                }
                await().atMost(WAIT).until(() -> small.consoles.subscriberCount(id) == 4);
                long[] maxDepth = {0};
                Runnable sample = () -> small.consoles.subscriptions(id).forEach(sub -> maxDepth[0] = Math.max(maxDepth[0], sub.queueDepth()));

                // 20,000 lines flow while the stuck socket reads nothing
                healthy.getFirst().send("send command", "flood 20000");
                awaitSampling(sample, () -> healthy.stream().allMatch(s -> s.floodLines() >= 20_000));
                // then ~3.5 MB that no kernel buffer takes, and 40,000 lines more than its queue holds
                for (int i = 0; i < 35; i++) {
                    small.fleet.sendCommand(id, "echo-env BIG");
                }
                healthy.getFirst().send("send command", "flood 20000");
                awaitSampling(sample, () -> healthy.stream().allMatch(s -> s.floodLines() >= 40_000));
                healthy.getFirst().send("send command", "flood 20000");
                awaitSampling(sample, () -> healthy.stream().allMatch(s -> s.floodLines() >= 60_000));
                awaitSampling(sample, () -> small.consoles.subscriptions(id).stream().anyMatch(sub -> sub.droppedTotal() > 0));

                assertThat(maxDepth[0]).as("deepest queue").isPositive().isLessThanOrEqualTo(capacity);
                assertThat(small.consoles.subscriptions(id).stream().filter(sub -> sub.droppedTotal() > 0))
                        .as("subscribers that lost lines").hasSize(1);
                // the sockets read the container's output as it is written; the engine's log, the oracle, may
                // still be writing the last of it
                int[][] engine = new int[1][];
                await().atMost(FLOOD).untilAsserted(() -> {
                    engine[0] = small.consoles.tail(id, -1).stream().map(LogLine::text).filter(t -> t.startsWith("line "))
                            .mapToInt(t -> Integer.parseInt(t.substring(5))).toArray();
                    assertFullFloods(engine[0], 3);
                });
                for (SocketClient s : healthy) {
                    assertThat(s.floodSequence()).isEqualTo(engine[0]);
                    assertThat(s.lines().stream().filter(l -> l.startsWith("xxxx")).mapToInt(String::length).sum())
                            .as("the long lines, in full").isEqualTo(35 * 100_000);
                    assertThat(s.events()).noneMatch(e -> e.event().equals("daemon message") && e.arg().contains("dropped"));
                }
            } finally {
                healthy.forEach(SocketClient::close);
            }
        }
    }

    /** Waits (bounded, as long as a flood may take) for {@code done}, sampling the queues all the while. */
    private static void awaitSampling(Runnable sample, java.util.concurrent.Callable<Boolean> done) {
        await().atMost(FLOOD).pollInterval(Duration.ofMillis(5)).until(() -> {
            sample.run();
            return done.call();
        });
    }

    // ------------------------------------------------------------------ restarts

    // The restart happens within the same second as the old run's output: the new run's stream is cut from
    // the old one by the engine's nanosecond stamps (not its whole-second filter), at the start request.
    @Test
    void aRestartKeepsSocketsAttachedWithStatusEventsAndTheNewBootsOutput() {
        UUID id = node.runningServer("restart");
        List<SocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(attached(id, i));
                assertThat(sockets.get(i).await("status", WAIT).arg()).isEqualTo("running");
            }
            sockets.getFirst().send("send command", "say before the restart");
            await().atMost(WAIT).until(() -> sockets.stream().allMatch(s -> s.sawLine("[Server] before the restart")));
            sockets.getFirst().send("set state", "restart");
            for (SocketClient s : sockets) {
                for (String state : List.of("stopping", "offline", "starting", "running")) {
                    assertThat(s.await(e -> e.event().equals("status"), WAIT).arg()).isEqualTo(state);
                }
            }
            await().atMost(WAIT).until(() -> sockets.stream().allMatch(s -> count(s, "Done! For help, type \"help\"") >= 1
                    && s.lines().indexOf("Stopping server") >= 0
                    && s.lines().lastIndexOf("Done! For help, type \"help\"") > s.lines().indexOf("Stopping server")));
            sockets.getFirst().send("send command", "say after the restart");
            await().atMost(WAIT).until(() -> sockets.stream().allMatch(s -> s.sawLine("[Server] after the restart")));
            for (SocketClient s : sockets) {
                List<String> lines = s.lines();
                // the new boot, once, between the old run's end and the new run's output; nothing repeated
                assertThat(count(s, "[Server] before the restart")).as(lines.toString()).isEqualTo(1);
                assertThat(count(s, "Stopping server")).as(lines.toString()).isEqualTo(1);
                assertThat(count(s, "Done! For help, type \"help\"")).as(lines.toString()).isEqualTo(1);
                assertThat(lines.indexOf("[Boot] Starting raptor test server (unnamed, port 25565)"))
                        .isGreaterThan(lines.indexOf("Stopping server"));
                assertThat(s.closed).isNotDone();
            }
            assertThat(node.consoles.openEngineStreams()).isEqualTo(1);
        } finally {
            sockets.forEach(SocketClient::close);
        }
    }

    private static long count(SocketClient s, String line) {
        return s.lines().stream().filter(line::equals).count();
    }

    // ------------------------------------------------------------------ HTTP

    @Test
    void followingLogsStreamsChunkedTextUntilTheClientLeaves() throws Exception {
        UUID id = node.runningServer("follow");
        int before = node.consoles.subscriberCount(id);
        StringBuffer got = new StringBuffer();
        // a raw connection, so that "the client leaves" means the TCP connection really closes
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.api.port())) {
            socket.getOutputStream().write(("GET /api/v1/servers/" + id + "/logs?follow=true&tail=5 HTTP/1.1\r\nHost: raptor\r\n"
                    + "Authorization: Bearer " + node.apiKey + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            await().atMost(WAIT).until(() -> got.indexOf("Done! For help, type \"help\"") > 0);
            String head = got.substring(0, got.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).startsWith("http/1.1 200").contains("content-type: text/plain").contains("transfer-encoding: chunked");
            await().atMost(WAIT).until(() -> node.consoles.subscriberCount(id) == before + 1);
            node.fleet.sendCommand(id, "say followed");
            await().atMost(WAIT).until(() -> got.indexOf("[Server] followed\n") > 0);
            assertThat(got.indexOf("[Boot] Starting")).isLessThan(got.indexOf("[Server] followed"));
            socket.close(); // the client leaves
            assertThat(reader.join(WAIT)).isTrue();
        }
        // a follower that left is noticed at the next lines written to it
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            node.fleet.sendCommand(id, "say anyone there");
            return node.consoles.subscriberCount(id) == before;
        });
    }

    @Test
    void tailAndStatsComeFromTheHubsWithDiskUsage() throws Exception {
        UUID id = node.createServer("hubbed");
        Path volume = Files.createDirectories(dir.resolve("volumes").resolve(id.toString()));
        Files.write(volume.resolve("world.dat"), new byte[123_456]);
        node.power(id, PowerAction.START);
        try (SocketClient c = attached(id, 0)) {
            c.send("send command", "say tail me");
            await().atMost(WAIT).until(() -> c.sawLine("[Server] tail me"));
            HttpResponse<String> logs = http(0).send(HttpRequest.newBuilder(node.http("/api/v1/servers/" + id + "/logs?tail=1"))
                    .header("Authorization", "Bearer " + node.apiKey).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(logs.statusCode()).isEqualTo(200);
            assertThat(WireJson.parse(logs.body()).get("lines").findValuesAsText("text")).containsExactly("[Server] tail me");

            await().atMost(WAIT).until(() -> {
                HttpResponse<String> stats = http(0).send(HttpRequest.newBuilder(node.http("/api/v1/servers/" + id + "/stats"))
                        .header("Authorization", "Bearer " + node.apiKey).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode s = WireJson.parse(stats.body());
                return stats.statusCode() == 200 && s.get("diskBytes").asLong() >= 123_456 && s.get("running").asBoolean()
                        && s.get("memoryBytes").asLong() > 0;
            });
            JsonNode wings = WireJson.parse(c.await(e -> e.event().equals("stats") && WireJson.parse(e.arg()).get("disk_bytes").asLong() > 0, WAIT).arg());
            assertThat(wings.get("disk_bytes").asLong()).isGreaterThanOrEqualTo(123_456);
            assertThat(wings.get("disk_age_seconds").isNumber()).as(wings.toString()).isTrue();
        }
    }

    // ------------------------------------------------------------------ nothing leaks

    @Test
    void aThousandConnectAuthDisconnectCyclesLeaveNoThreadStreamOrSubscriberBehind() throws Exception {
        UUID id = node.runningServer("cycles");
        await().atMost(WAIT).until(() -> node.consoles.watchedServers() == 0 && node.stats.watchedServers() == 0);
        Baseline before = Baseline.now();
        AtomicInteger done = new AtomicInteger();
        try (SocketClient anchor = attached(id, 0); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> cycles = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                cycles.add(pool.submit(() -> {
                    SocketClient c = SocketClient.connect(http(n), node.ws(id), null, true, false);
                    c.send("auth", n % 2 == 0 ? node.apiKey : node.token(id, Duration.ofMinutes(5), Permission.CONSOLE_READ));
                    c.await("auth success", WAIT);
                    c.close();
                    done.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : cycles) {
                f.get(3, TimeUnit.MINUTES);
            }
            assertThat(done.get()).isEqualTo(1_000);
            await().atMost(WAIT).until(() -> node.consoles.subscriberCount(id) == 1 && node.stats.subscriberCount(id) == 1);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(Baseline.now()).isEqualTo(before));
    }

    @Test
    void restartsUnderAttachedSocketsLeaveNoThreadStreamOrSubscriberBehind() {
        int restarts = RESTARTS;
        UUID id = node.runningServer("restarts");
        await().atMost(WAIT).until(() -> node.consoles.watchedServers() == 0 && node.stats.watchedServers() == 0);
        Baseline before = Baseline.now();
        List<SocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(attached(id, i));
            }
            for (int i = 0; i < restarts; i++) {
                node.power(id, PowerAction.RESTART);
            }
            sockets.getFirst().send("send command", "say survived");
            await().atMost(WAIT).until(() -> sockets.stream().allMatch(s -> s.sawLine("[Server] survived")));
            for (SocketClient s : sockets) {
                assertThat(s.closed).isNotDone();
                assertThat(s.events().stream().filter(e -> e.event().equals("status") && e.arg().equals("running")).count())
                        .isEqualTo(restarts + 1);
            }
            assertThat(node.consoles.openEngineStreams()).isEqualTo(1);
            assertThat(node.stats.openEngineStreams()).isEqualTo(1);
        } finally {
            sockets.forEach(SocketClient::close);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(Baseline.now()).isEqualTo(before));
    }

    /** Restarts in the test above (about 0.4 s each on 2 cores). */
    static final int RESTARTS = Integer.getInteger("raptor.test.restarts", 200);
}
