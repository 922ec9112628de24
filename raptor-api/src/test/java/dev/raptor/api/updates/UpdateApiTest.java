package dev.raptor.api.updates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.backup.update.UpdateChecker;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.PackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Game updates on the real Docker engine, the packs served by a real local HTTP server: 1 -> 2 keeping the preserved
 * files, a pack whose checksum is wrong (nothing stops), a version that never prints its ready line (rolled back, the
 * previous version running, files as before), a rollback on request, the pre-update backups' retention, and the
 * refusals.
 */
class UpdateApiTest {
    private static final Duration HANG = Duration.ofSeconds(180);
    @TempDir
    static Path dir;
    static TestNode node;
    static PackServer packs;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir.resolve("node"));
        packs = new PackServer(Files.createDirectories(dir.resolve("packs")));
    }

    @AfterAll
    static void stop() {
        packs.close();
        node.close();
    }

    /** A server running version 1 of the test game, its source this test's pack server. */
    private static String serverOnVersionOne(String name, int readySeconds, int maxBackups) {
        String id = node.create("""
                {"name": "%s", "image": "%s", "startup": "sh run.sh", "readyPattern": "^Done!",
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""".formatted(name, TestEngine.IMAGE));
        TestNode.Res source = node.call("PUT", "/api/v1/servers/" + id + "/update-source", """
                {"manifest": "%s", "preserve": ["world", "server.properties"], "readySeconds": %d, "maxBackups": %d}"""
                .formatted(packs.manifest(), readySeconds, maxBackups));
        assertThat(source.status()).as(source.toString()).isEqualTo(200);
        packs.publish("1", PackServer.game("1", true));
        TestNode.Res first = node.post("/api/v1/servers/" + id + "/update", "{\"timeout\": 120}");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("status").asText()).as(first.toString()).isEqualTo("done");
        assertThat(first.json().get("state").asText()).as("a stopped server is updated and left stopped").isEqualTo("offline");
        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"timeout\": 120}");
        assertThat(started.json().get("state").asText()).as(started.toString()).isEqualTo("running");
        return id;
    }

    private static Path volume(String id) {
        return dir.resolve("node").resolve("volumes").resolve(id);
    }

    private static String file(String id, String path) throws Exception {
        return Files.readString(volume(id).resolve(path));
    }

    private static JsonNode history(String id) {
        TestNode.Res r = node.get("/api/v1/servers/" + id + "/updates");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<String> backupNames(String id) {
        List<String> names = new ArrayList<>();
        node.get("/api/v1/servers/" + id + "/backups").json().get("backups").forEach(b -> names.add(b.get("name").asText()));
        return names;
    }

    @Test
    void anUpdateFromOneToTwoRunsTheNewVersionAndKeepsThePreservedFiles() throws Exception {
        String id = serverOnVersionOne("update-ok", 120, 1);
        // what the game made of its files while version 1 ran
        Files.writeString(volume(id).resolve("server.properties"), "motd=the operator's own\n");
        Files.writeString(volume(id).resolve("world").resolve("level.dat"), "the players' world\n");

        packs.publish("2", PackServer.game("2", true));
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/update", "{\"timeout\": 150}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
        assertThat(r.json().get("state").asText()).isEqualTo("running");
        assertThat(r.json().get("action").asText()).isEqualTo("update");
        assertThat(file(id, "version.txt")).isEqualTo("2\n");
        assertThat(file(id, "boots.log")).as("version 2 booted after version 1").endsWith("started 1\nstarted 2\n");
        assertThat(file(id, "server.properties")).isEqualTo("motd=the operator's own\n");
        assertThat(file(id, "world/level.dat")).isEqualTo("the players' world\n");
        assertThat(file(id, "world/README")).as("the pack's world files are not applied either").contains("version 1");
        JsonNode h = history(id);
        assertThat(h.get("version").asText()).isEqualTo("2");
        assertThat(h.get("count").asInt()).isEqualTo(2);
        assertThat(h.get("succeeded").asInt()).isEqualTo(2);
        JsonNode second = h.get("updates").get(1);
        assertThat(second.get("from").asText()).isEqualTo("1");
        assertThat(second.get("to").asText()).isEqualTo("2");
        assertThat(second.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(second.get("backupId").asText()).isEqualTo(r.json().get("backupId").asText());
        assertThat(backupNames(id)).as("maxBackups 1 keeps the newest pre-update backup only").containsExactly("before update to 2");
        TestNode.Res activity = node.get("/api/v1/servers/" + id + "/activity");
        assertThat(activity.body()).contains("update.started", "update.progress", "update.succeeded");
        assertThat(node.get("/metrics").body()).as("counted by outcome").contains("raptor_updates_total{outcome=\"succeeded\"");

        TestNode.Res again = node.post("/api/v1/servers/" + id + "/update", "{}");
        assertThat(again.json().get("status").asText()).isEqualTo("done");
        assertThat(again.json().get("progress").get("stage").asText()).as("already on the latest").isEqualTo("up-to-date");
        assertThat(history(id).get("count").asInt()).isEqualTo(2);

        // and back: the previous version's backup, whole, and version 1 running again
        TestNode.Res back = node.post("/api/v1/servers/" + id + "/rollback", "{\"timeout\": 150}");
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        assertThat(back.json().get("status").asText()).as(back.toString()).isEqualTo("done");
        assertThat(back.json().get("state").asText()).isEqualTo("running");
        assertThat(file(id, "version.txt")).isEqualTo("1\n");
        assertThat(history(id).get("version").asText()).isEqualTo("1");
        assertThat(history(id).get("updates").get(2).get("outcome").asText()).isEqualTo("rolled-back");
    }

    @Test
    void aPackWhoseChecksumIsWrongFailsBeforeAnythingStops() throws Exception {
        String id = serverOnVersionOne("update-bad-sum", 120, 3);
        String startedAt = node.get("/api/v1/servers/" + id).json().get("startedAt").asText();
        List<String> backupsBefore = backupNames(id);
        byte[] pack = packs.pack("2", PackServer.game("2", true));
        packs.publishWithChecksum("2", pack, "0".repeat(64));

        TestNode.Res r = node.post("/api/v1/servers/" + id + "/update", "{\"timeout\": 120}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("failed");
        assertThat(r.json().get("reason").asText()).contains("SHA-256", "nothing was stopped");
        JsonNode server = node.get("/api/v1/servers/" + id).json();
        assertThat(server.get("state").asText()).isEqualTo("running");
        assertThat(server.get("startedAt").asText()).as("never stopped").isEqualTo(startedAt);
        assertThat(file(id, "version.txt")).isEqualTo("1\n");
        assertThat(backupNames(id)).as("no backup: nothing was about to change").isEqualTo(backupsBefore);
        JsonNode last = history(id).get("updates").get(1);
        assertThat(last.get("outcome").asText()).isEqualTo("failed");
        assertThat(last.get("stage").asText()).isEqualTo("done");
        assertThat(history(id).get("version").asText()).isEqualTo("1");
    }

    @Test
    void aNewVersionThatNeverPrintsItsReadyLineIsRolledBackAndThePreviousOneRunsAgain() throws Exception {
        String id = serverOnVersionOne("update-never-ready", 8, 3);
        Files.writeString(volume(id).resolve("notes.txt"), "written while version 1 ran\n");
        packs.publish("3", PackServer.game("3", false));

        TestNode.Res accepted = node.post("/api/v1/servers/" + id + "/update", "{\"wait\": false}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        TestNode.Res second = node.post("/api/v1/servers/" + id + "/update", "{}");
        assertThat(second.status()).as("one update at a time: " + second).isEqualTo(409);
        assertThat(second.json().get("type").asText()).endsWith("update-busy");
        String href = accepted.json().get("href").asText();
        await().atMost(HANG).until(() -> !node.get(href).json().get("status").asText().equals("pending"));
        TestNode.Res r = node.get(href);

        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("failed");
        assertThat(r.json().get("reason").asText()).startsWith("update rolled back:").contains("not ready within 8 s", "previous version runs again");
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).isEqualTo("running");
        assertThat(file(id, "version.txt")).isEqualTo("1\n");
        assertThat(file(id, "notes.txt")).isEqualTo("written while version 1 ran\n");
        assertThat(file(id, "boots.log")).as("the files are the backup's: version 3's boot is not in them")
                .doesNotContain("started 3").endsWith("started 1\nstarted 1\n");
        JsonNode last = history(id).get("updates").get(1);
        assertThat(last.get("outcome").asText()).isEqualTo("rolled-back");
        assertThat(last.get("to").asText()).isEqualTo("3");
        assertThat(last.get("reason").asText()).contains("did not come up");
        assertThat(history(id).get("version").asText()).isEqualTo("1");
        TestNode.Res activity = node.get("/api/v1/servers/" + id + "/activity");
        assertThat(activity.body()).contains("update.rolled-back", "rolling back");
    }

    @Test
    void badSourcesAndRequestsAreRefusedNamingWhatIsWrong() {
        String id = node.create("""
                {"name": "update-refusals", "image": "%s", "startup": "sh run.sh"}""".formatted(TestEngine.IMAGE));

        TestNode.Res none = node.post("/api/v1/servers/" + id + "/update", "{}");
        assertThat(none.status()).as(none.toString()).isEqualTo(404);
        assertThat(none.json().get("type").asText()).endsWith("no-update-source");
        assertThat(node.get("/api/v1/servers/" + id + "/update-source").status()).isEqualTo(404);
        TestNode.Res nothing = node.post("/api/v1/servers/" + id + "/rollback", "{}");
        assertThat(nothing.status()).as(nothing.toString()).isEqualTo(409);
        assertThat(nothing.json().get("type").asText()).endsWith("nothing-to-roll-back");

        TestNode.Res bad = node.call("PUT", "/api/v1/servers/" + id + "/update-source", """
                {"manifest": "ftp://example.com/m.json", "checkEverySeconds": 1, "readySeconds": 0, "maxBackups": 0,
                 "preserve": ["../etc"], "colour": "red"}""");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body()).contains("manifest", "checkEverySeconds", "readySeconds", "maxBackups", "preserve[0]", "colour");
        assertThat(node.get("/api/v1/servers/" + id + "/update-source").status()).as("nothing half-applied").isEqualTo(404);

        TestNode.Res badRollback = node.post("/api/v1/servers/" + id + "/rollback", "{\"truncate\": true}");
        assertThat(badRollback.status()).as(badRollback.toString()).isEqualTo(400);
        assertThat(badRollback.body()).contains("truncate");

        TestNode.Res badVersion = node.post("/api/v1/servers/" + id + "/update", "{\"version\": \"../1\"}");
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.body()).contains("version");

        TestNode.Res set = node.call("PUT", "/api/v1/servers/" + id + "/update-source",
                "{\"manifest\": \"http://127.0.0.1:" + TestNode.freePort() + "/manifest.json\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("checkEverySeconds").asLong()).isEqualTo(3600);
        assertThat(node.get("/api/v1/servers/" + id + "/update-source").json().get("maxBackups").asInt()).isEqualTo(3);
        TestNode.Res unreachable = node.post("/api/v1/servers/" + id + "/update", "{}");
        assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(502);
        assertThat(unreachable.json().get("type").asText()).endsWith("update-source-failed");
        assertThat(history(id).get("count").asInt()).as("nothing started").isZero();

        String huge = "{\"manifest\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        for (String[] route : List.of(new String[]{"PUT", "/update-source"}, new String[]{"POST", "/update"},
                new String[]{"POST", "/rollback"})) {
            TestNode.Res tooLarge = node.call(route[0], "/api/v1/servers/" + id + route[1], huge);
            assertThat(tooLarge.status()).as(route[0] + " " + route[1] + ": " + tooLarge).isEqualTo(413);
            TestNode.Res text = node.send(route[0], "/api/v1/servers/" + id + route[1], "{}", "Authorization", "Bearer " + node.apiKey,
                    "Content-Type", "text/plain");
            assertThat(text.status()).as(route[0] + " " + route[1] + ": " + text).isEqualTo(415);
        }
        assertThat(node.get("/api/v1/servers/" + id + "/update-source").json().get("manifest").asText()).as("nothing changed")
                .startsWith("http://127.0.0.1:");

        TestNode.Res gone = node.call("DELETE", "/api/v1/servers/" + id + "/update-source", null);
        assertThat(gone.status()).isEqualTo(204);
        assertThat(node.get("/api/v1/servers/" + id + "/update-source").status()).isEqualTo(404);
    }

    @Test
    void anUpdateAnswers202WhenNotWaitedForAndItsOperationShowsTheOutcome() {
        String id = serverOnVersionOne("update-no-wait", 120, 3);
        packs.publish("2", PackServer.game("2", true));

        TestNode.Res r = node.post("/api/v1/servers/" + id + "/update", "{\"wait\": false}");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String href = r.json().get("href").asText();
        await().atMost(HANG).until(() -> !node.get(href).json().get("status").asText().equals("pending"));
        assertThat(node.get(href).json().get("status").asText()).isEqualTo("done");
        assertThat(history(id).get("version").asText()).isEqualTo("2");

        TestNode.Res back = node.post("/api/v1/servers/" + id + "/rollback", "{\"wait\": false}");
        assertThat(back.status()).as(back.toString()).isEqualTo(202);
        String backHref = back.json().get("href").asText();
        await().atMost(HANG).until(() -> !node.get(backHref).json().get("status").asText().equals("pending"));
        assertThat(node.get(backHref).json().get("status").asText()).isEqualTo("done");
        assertThat(history(id).get("version").asText()).isEqualTo("1");
    }

    @Test
    void theCheckerAppliesANewVersionOfAnAutoSourceOnItsOwn() throws Exception {
        String id = serverOnVersionOne("update-auto", 120, 3);
        TestNode.Res auto = node.call("PUT", "/api/v1/servers/" + id + "/update-source", """
                {"manifest": "%s", "auto": true, "checkEverySeconds": 10, "readySeconds": 120}""".formatted(packs.manifest()));
        assertThat(auto.status()).isEqualTo(200);
        packs.publish("2", PackServer.game("2", true));

        try (UpdateChecker checker = UpdateChecker.start(node.updates, Duration.ofMillis(500))) {
            await().atMost(HANG).until(() -> history(id).get("count").asInt() == 2
                    && !history(id).get("updates").get(1).get("outcome").asText().equals("running"));
        }

        assertThat(history(id).get("updates").get(1).get("outcome").asText()).isEqualTo("succeeded");
        assertThat(history(id).get("version").asText()).isEqualTo("2");
        assertThat(file(id, "version.txt")).isEqualTo("2\n");
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).isEqualTo("running");
    }
}
