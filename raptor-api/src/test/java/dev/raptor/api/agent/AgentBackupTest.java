package dev.raptor.api.agent;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.core.testing.Relay;
import dev.raptor.files.RestorePhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups of a server whose files a node agent serves, on one machine: a daemon on the in-memory engine whose node has
 * an agent ({@link NodeAgentServer} on loopback, its own volumes directory). The archive is made by the agent from its
 * volume and stored by the daemon (record, SHA-256, storage here); a restore is checked by the agent against the
 * record before it touches anything; an agent that is gone is a 503 and a failed record. On a real swarm:
 * raptor-daemon's SwarmFilesAgentTest.
 */
class AgentBackupTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TestAgent fixture = new TestAgent(() -> tmp);

    private String server(TestNode api, String name) {
        return api.create("""
                {"name": "%s", "image": "raptor-test/gameserver:1", "node": "%s", "backups": {"ignore": ["cache/"]}}"""
                .formatted(name, LocalMachine.hostname()));
    }

    private static void put(TestNode api, String id, String path, String content) {
        TestNode.Res r = api.sendBytes("PUT", "/api/v1/servers/" + id + "/files/content?path=" + path,
                content.getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    private Path agentRoot(String id) {
        return fixture.agentVolumes().resolve(id);
    }

    private String backup(TestNode api, String id) {
        TestNode.Res made = api.post("/api/v1/servers/" + id + "/backups", "{\"name\": \"first\", \"timeout\": 60}");
        assertThat(made.status()).as(made.toString()).isEqualTo(200);
        assertThat(made.json().get("status").asText()).as(made.toString()).isEqualTo("done");
        return made.json().get("backupId").asText();
    }

    @Test
    void aBackupIsTheAgentsVolumeStoredHereAndARestoreWithTruncateMakesTheAgentsFilesExactlyThatAgain() throws Exception {
        String key = ApiKey.generate();
        TestNode api = fixture.manager(fixture.agent(key).port(), key);
        String id = server(api, "backed-up-remotely");
        put(api, id, "/world/level.dat", "level one");
        put(api, id, "/server.properties", "motd=hi");
        put(api, id, "/cache/big.bin", "left out by the spec");
        put(api, id, "/.raptorignore", "*.log\n");
        put(api, id, "/latest.log", "left out by .raptorignore");
        Map<String, String> before = digests(agentRoot(id));

        String bid = backup(api, id);
        TestNode.Res listed = api.get("/api/v1/servers/" + id + "/backups");
        var b = listed.json().get("backups").get(0);
        assertThat(b.get("status").asText()).isEqualTo("completed");
        Path stored = fixture.managerDir().resolve("backups").resolve(id).resolve(bid + ".tar.zst");
        assertThat(stored).exists();
        assertThat(sha256(Files.readAllBytes(stored))).isEqualTo(b.get("sha256").asText());
        assertThat(Files.size(stored)).isEqualTo(b.get("size").asLong());
        assertThat(fixture.managerDir().resolve("volumes").resolve(id).resolve("world")).doesNotExist();

        // mutate on the agent, then restore with truncate: exactly the backup's files (those left out are gone too)
        put(api, id, "/world/level.dat", "level two");
        put(api, id, "/new.txt", "not in the backup");
        TestNode.Res restored = api.post("/api/v1/servers/" + id + "/backups/" + bid + "/restore", "{\"truncate\": true, \"timeout\": 60}");
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("done");
        Map<String, String> expected = new java.util.TreeMap<>(before);
        expected.remove("cache/big.bin");
        expected.remove("latest.log");
        assertThat(digests(agentRoot(id))).isEqualTo(expected);
    }

    @Test
    void aTamperedArchiveIsRefusedBeforeTheAgentTouchesTheServersFiles() throws Exception {
        String key = ApiKey.generate();
        TestNode api = fixture.manager(fixture.agent(key).port(), key);
        String id = server(api, "tampered");
        put(api, id, "/world/level.dat", "level one");
        String bid = backup(api, id);
        put(api, id, "/world/level.dat", "level two");
        Map<String, String> now = digests(agentRoot(id));

        Path stored = fixture.managerDir().resolve("backups").resolve(id).resolve(bid + ".tar.zst");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(stored, bytes);

        TestNode.Res restored = api.post("/api/v1/servers/" + id + "/backups/" + bid + "/restore", "{\"truncate\": true, \"timeout\": 60}");
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("failed");
        assertThat(restored.toString()).contains("is damaged").contains("SHA-256");
        assertThat(digests(agentRoot(id))).isEqualTo(now);
        assertThat(Files.list(fixture.agentVolumes()).map(p -> p.getFileName().toString()))
                .as("no spooled archive or staged tree is left beside the volumes").containsExactly(id);
    }

    @Test
    void theAgentsRestoreEndpointRefusesAnArchiveThatIsNotTheRecordedOneWith422AndChangesNothing() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        String id = server(api, "direct");
        put(api, id, "/a.txt", "kept");
        String bid = backup(api, id);
        byte[] archive = Files.readAllBytes(fixture.managerDir().resolve("backups").resolve(id).resolve(bid + ".tar.zst"));
        put(api, id, "/a.txt", "changed");
        String policy = new AgentFilePolicy(0, List.of(), List.of()).encode();
        String wrongSha = sha256("something else".getBytes(StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port()
                                    + "/api/v1/servers/" + id + "/backup/restore?backup=" + UUID.randomUUID() + "&format=tar.zst&size="
                                    + archive.length + "&sha256=" + wrongSha + "&truncate=true"))
                            .header("Authorization", "Bearer " + key).header(AgentFilePolicy.HEADER, policy)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(archive)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            assertThat(r.body()).contains("backup-corrupt");
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port()
                            + "/api/v1/servers/" + id + "/backup/archive")).header(AgentFilePolicy.HEADER, policy)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }
        assertThat(agentRoot(id).resolve("a.txt")).hasContent("changed");
    }

    @Test
    void aBackupOfAServerWhoseAgentIsGoneAnswers503AndItsRecordSaysWhy() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        String id = server(api, "agent-gone");
        put(api, id, "/a.txt", "here");
        agent.close();

        TestNode.Res made = api.post("/api/v1/servers/" + id + "/backups", "{\"timeout\": 60}");
        assertThat(made.status()).as(made.toString()).isEqualTo(503);
        assertThat(made.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(made.json().get("serverId").asText()).isEqualTo(id);
        var records = api.get("/api/v1/servers/" + id + "/backups").json().get("backups");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("status").asText()).isEqualTo("failed");
        assertThat(records.get(0).toString()).contains("cannot be reached");
        assertThat(fixture.managerDir().resolve("backups").resolve(id)).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void aRaptorignoreTheAgentCannotUseIsRefused422BeforeAnyBackupIsRecorded() throws Exception {
        String key = ApiKey.generate();
        TestNode api = fixture.manager(fixture.agent(key).port(), key);
        String id = server(api, "bad-ignore");
        put(api, id, "/a.txt", "here");
        Files.createSymbolicLink(agentRoot(id).resolve(".raptorignore"), Path.of("a.txt"));

        TestNode.Res made = api.post("/api/v1/servers/" + id + "/backups", "{\"timeout\": 60}");
        assertThat(made.status()).as(made.toString()).isEqualTo(422);
        assertThat(made.json().get("type").asText()).endsWith("bad-ignore-file");
        assertThat(made.json().get("detail").asText()).isEqualTo(".raptorignore is a symbolic link; Raptor reads only a regular file there");
        assertThat(api.get("/api/v1/servers/" + id + "/backups").json().get("backups")).isEmpty();
    }

    @Test
    void aRestoreOfAServerWhoseAgentIsGoneAnswers503BeforeAnythingIsStoppedOrChanged() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        String id = server(api, "restore-agent-gone");
        put(api, id, "/a.txt", "kept");
        String bid = backup(api, id);
        agent.close();

        TestNode.Res restored = api.post("/api/v1/servers/" + id + "/backups/" + bid + "/restore", "{\"truncate\": true, \"timeout\": 60}");
        assertThat(restored.status()).as(restored.toString()).isEqualTo(503);
        assertThat(restored.json().get("type").asText()).endsWith("node-unavailable");
        assertThat(restored.json().get("detail").asText()).contains("cannot be reached");
        assertThat(api.get("/api/v1/servers/" + id + "/backups").json().get("backups").get(0).get("status").asText()).isEqualTo("completed");
        assertThat(agentRoot(id).resolve("a.txt")).hasContent("kept");
    }

    @Test
    void theAgentsFileRoutesAreLockedWhileItReceivesAndAppliesARestore() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        String id = server(api, "locked");
        put(api, id, "/a.txt", "backed up");
        String bid = backup(api, id);
        var b = api.get("/api/v1/servers/" + id + "/backups/" + bid).json();
        byte[] archive = Files.readAllBytes(fixture.managerDir().resolve("backups").resolve(id).resolve(bid + ".tar.zst"));
        put(api, id, "/a.txt", "changed");

        // the archive's first half, then the body waits: the agent is in the middle of a restore (a plain socket, so
        // nothing between the test and the agent holds the bytes back)
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", agent.port())) {
            socket.setSoTimeout(60_000);
            var out = socket.getOutputStream();
            String head = "POST /api/v1/servers/" + id + "/backup/restore?backup=" + bid + "&format=tar.zst&size=" + archive.length
                    + "&sha256=" + b.get("sha256").asText() + "&truncate=true HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + key + "\r\n" + AgentFilePolicy.HEADER + ": "
                    + new AgentFilePolicy(0, List.of(), List.of()).encode() + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + archive.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(archive, 0, archive.length / 2);
            out.flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
                TestNode.Res read = api.get("/api/v1/servers/" + id + "/files/content?path=/a.txt");
                assertThat(read.status()).as(read.toString()).isEqualTo(409);
                assertThat(read.json().get("type").asText()).endsWith("files-locked");
            });
            TestNode.Res write = api.sendBytes("PUT", "/api/v1/servers/" + id + "/files/content?path=/b.txt",
                    "during".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
            assertThat(write.status()).as(write.toString()).isEqualTo(409);

            out.write(archive, archive.length / 2, archive.length - archive.length / 2);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"truncated\":true");
        }
        assertThat(agentRoot(id).resolve("a.txt")).hasContent("backed up");
        assertThat(agentRoot(id).resolve("b.txt")).doesNotExist();
        TestNode.Res after = api.get("/api/v1/servers/" + id + "/files/content?path=/a.txt");
        assertThat(after.status()).as("unlocked once the restore is over").isEqualTo(200);
    }

    /** An agent, and a manager that reaches it through a proxy that can cut the connections between them. */
    private record Linked(String key, NodeAgentServer agent, Relay link, TestNode api) {
        /** Cuts the manager's connections to the agent when a restore reaches {@code at}, after {@code first}. */
        AtomicInteger cutAt(RestorePhase at, Runnable first) {
            AtomicInteger cut = new AtomicInteger();
            agent.beforeRestorePhase(phase -> {
                if (phase == at) {
                    first.run();
                    cut.addAndGet(link.cut());
                }
            });
            return cut;
        }
    }

    private Linked throughAProxy() throws Exception {
        return throughAProxy(UnaryOperator.identity());
    }

    /** As {@link #throughAProxy()}, with the manager's agents setting changed by {@code tweak}. */
    private Linked throughAProxy(UnaryOperator<NodeAgents> tweak) throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        Relay link = fixture.closing(Relay.tcp(agent.port()));
        return new Linked(key, agent, link, fixture.manager(link.port(), key, tweak));
    }

    /** How long the manager asks after a broken restore answer in the tests below: short, so the wait ends in the test. */
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(2);

    private static TestNode.Res restore(TestNode api, String id, String bid) {
        return api.post("/api/v1/servers/" + id + "/backups/" + bid + "/restore", "{\"truncate\": true, \"timeout\": 60}");
    }

    private static void start(TestNode api, String id) {
        TestNode.Res started = api.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"timeout\": 60}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
    }

    private static String state(TestNode api, String id) {
        return api.get("/api/v1/servers/" + id).json().get("state").asText();
    }

    @Test
    void aRestoreWhoseConnectionBreaksRightAfterTheSwapIsRecordedCompletedAndTheServerRunsAgain() throws Exception {
        Linked linked = throughAProxy();
        TestNode api = linked.api();
        String id = server(api, "cut-after-swap");
        put(api, id, "/world/level.dat", "level one");
        String bid = backup(api, id);
        Map<String, String> backedUp = digests(agentRoot(id));
        put(api, id, "/world/level.dat", "level two");
        start(api, id);

        AtomicInteger power = new AtomicInteger();
        // the files are the backup's; the manager has not read the answer's end
        AtomicInteger cut = linked.cutAt(RestorePhase.SWAPPED, () -> power.set(
                api.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}").status()));
        TestNode.Res restored = restore(api, id, bid);

        assertThat(cut.get()).as("the manager's connection to the agent was cut after the swap").isPositive();
        assertThat(power.get()).as("power refused while the restore runs").isEqualTo(409);
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("done");
        assertThat(digests(agentRoot(id))).isEqualTo(backedUp);
        assertThat(state(api, id)).as("started again, as it ran").isEqualTo("running");
    }

    @Test
    void aRestoreWhoseConnectionBreaksBeforeTheSwapIsRecordedFailedAndTheServersFilesAreThePreviousOnes() throws Exception {
        Linked linked = throughAProxy();
        TestNode api = linked.api();
        String id = server(api, "cut-before-swap");
        put(api, id, "/world/level.dat", "level one");
        String bid = backup(api, id);
        put(api, id, "/world/level.dat", "level two");
        Map<String, String> previous = digests(agentRoot(id));
        start(api, id);

        AtomicInteger cut = linked.cutAt(RestorePhase.STAGED, () -> { // staged beside the root, not swapped in
        });
        TestNode.Res restored = restore(api, id, bid);

        assertThat(cut.get()).as("the manager's connection to the agent was cut before the swap").isPositive();
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("failed");
        assertThat(restored.toString()).contains("before its files were swapped in").doesNotContain("unknown");
        assertThat(digests(agentRoot(id))).isEqualTo(previous);
        assertThat(Files.list(fixture.agentVolumes()).map(p -> p.getFileName().toString()))
                .as("no spooled archive or staged tree is left beside the volumes").containsExactly(id);
        assertThat(state(api, id)).as("started again, as it ran").isEqualTo("running");
    }

    /** A server on the agent whose backup holds "level one" while its files now hold "level two": both trees. */
    private record Restorable(String id, String backup, Map<String, String> backedUp, Map<String, String> previous) {
    }

    private Restorable restorable(TestNode api, String name) throws Exception {
        String id = server(api, name);
        put(api, id, "/world/level.dat", "level one");
        String bid = backup(api, id);
        Map<String, String> backedUp = digests(agentRoot(id));
        put(api, id, "/world/level.dat", "level two");
        return new Restorable(id, bid, backedUp, digests(agentRoot(id)));
    }

    /** The restore is recorded as one whose outcome is unknown, for {@code why}, and the files are one tree or the other. */
    private void assertOutcomeUnknown(TestNode.Res restored, Restorable r, String why) throws Exception {
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("failed");
        assertThat(restored.toString()).as("not a failure that left the previous files in place")
                .contains("the outcome of the restore on node").contains("is unknown").contains(why)
                .doesNotContain("before its files were swapped in");
        assertThat(digests(agentRoot(r.id()))).as("all the previous files or all the backup's, never a mix")
                .isIn(r.previous(), r.backedUp());
    }

    @Test
    void aRestoreWhoseAgentCannotBeReachedAfterTheCutIsRecordedWithAnUnknownOutcomeWhenTheWaitEnds() throws Exception {
        Linked linked = throughAProxy(agents -> agents.withRestoreOutcomeWait(OUTCOME_WAIT));
        Restorable r = restorable(linked.api(), "unreachable-after-cut");

        // the files are the backup's, the manager has not read the answer's end, and from now on no agent answers it
        AtomicInteger cut = linked.cutAt(RestorePhase.SWAPPED, linked.link()::refuse);
        TestNode.Res restored = restore(linked.api(), r.id(), r.backup());

        assertThat(cut.get()).as("the manager's connection to the agent was cut after the swap").isPositive();
        assertOutcomeUnknown(restored, r, "it could not tell within " + OUTCOME_WAIT.toSeconds() + " s");
        assertThat(restored.toString()).contains("cannot be reached");
    }

    @Test
    void aRestoreWhoseAgentRestartedAfterTheCutIsRecordedWithAnUnknownOutcome() throws Exception {
        // The restarted agent answers the first ask, so the wait never ends this test; it is long only so that an ask
        // that a loaded machine lets time out (5 s) is asked again instead of ending the wait with another reason.
        Linked linked = throughAProxy(agents -> agents.withRestoreOutcomeWait(Duration.ofSeconds(60)));
        Restorable r = restorable(linked.api(), "restarted-after-cut");
        NodeAgentServer restarted = fixture.agent(linked.key()); // the same node's agent as a new process: it knows no restore

        // the files are the backup's; from now on the manager reaches the restarted agent at the same address
        AtomicInteger cut = linked.cutAt(RestorePhase.SWAPPED, () -> linked.link().retarget(restarted.port()));
        TestNode.Res restored = restore(linked.api(), r.id(), r.backup());

        assertThat(cut.get()).as("the manager's connection to the agent was cut after the swap").isPositive();
        assertOutcomeUnknown(restored, r, "the agent knows no restore");
        assertThat(restored.toString()).contains("restarted since");
    }

    /** Every regular file under {@code root}, by relative path, to its SHA-256. */
    static Map<String, String> digests(Path root) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
