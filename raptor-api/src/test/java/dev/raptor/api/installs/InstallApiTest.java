package dev.raptor.api.installs;

import dev.raptor.api.testing.TestNode;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.testing.Eggs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Installs on the real Docker engine: servers made from egg templates, their scripts run in helper containers. */
class InstallApiTest {
    private static final Duration HANG = Duration.ofSeconds(120);
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        for (String egg : Eggs.ALL) {
            TestNode.Res r = node.post("/api/v1/templates", Eggs.text(egg));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String create(String json) {
        TestNode.Res r = node.post("/api/v1/servers", json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static String state(String id) {
        return node.get("/api/v1/servers/" + id).json().get("state").asText();
    }

    private static Path volume(String id) {
        return dir.resolve("volumes").resolve(id);
    }

    private static boolean helperExists(String id) {
        String name = "raptor-" + id + "-installer";
        try {
            node.runtime.inspect(new ContainerRef(name, name, UUID.fromString(id)), Deadline.in(HANG));
            return true;
        } catch (EngineException.NotFound gone) {
            return false;
        }
    }

    @Test
    void aServerMadeFromATemplateIsInstalledInAHelperAndThenRuns() throws Exception {
        String id = create("""
                {"template": "busybox-craft", "name": "craft", "variables": {"MOTD": "Welcome", "MAX_PLAYERS": 8}}""");

        await().atMost(HANG).until(() -> state(id).equals("offline") && Files.exists(volume(id).resolve("game.sh")));
        assertThat(Files.readString(volume(id).resolve("server.properties"))).contains("motd=Welcome", "max-players=8");
        assertThat(Files.readString(volume(id).resolve("eula.txt"))).contains("eula=true");
        assertThat(helperExists(id)).isFalse();
        TestNode.Res log = node.get("/api/v1/servers/" + id + "/install/log");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body()).contains("installing Busybox Craft for 8 players", "install complete:", "[Raptor] install done");

        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.json().get("state").asText()).isEqualTo("running");
        await().atMost(HANG).untilAsserted(() -> assertThat(node.get("/api/v1/servers/" + id + "/logs?tail=20").body())
                .contains("--memory 0 --mode survival", "motd: Welcome"));
        assertThat(node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"stop\"}").json().get("state").asText())
                .isEqualTo("offline");
    }

    @Test
    void aFailingScriptLeavesAReadableLogAndTheServerInstallFailedUntilReinstalled() throws Exception {
        String id = create("""
                {"template": "voxel-survival-pelican", "name": "voxel", "variables": {"FAIL_INSTALL": true}}""");

        await().atMost(HANG).until(() -> state(id).equals("install-failed"));
        TestNode.Res log = node.get("/api/v1/servers/" + id + "/install/log");
        assertThat(log.body()).contains("error: the pack server answered 404", "the install script exited with code 3");
        TestNode.Res refused = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).endsWith("install-failed");
        assertThat(node.get("/api/v1/servers/" + id).json().get("lastError").asText()).contains("exited with code 3");

        TestNode.Res patched = node.send("PATCH", "/api/v1/servers/" + id, "{\"environment\": {\"FAIL_INSTALL\": \"0\"}}",
                "Authorization", "Bearer " + node.apiKey, "Content-Type", "application/merge-patch+json");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        TestNode.Res reinstalled = node.post("/api/v1/servers/" + id + "/reinstall", "{\"timeout\": 120}");
        assertThat(reinstalled.status()).as(reinstalled.toString()).isEqualTo(200);
        assertThat(reinstalled.json().get("status").asText()).isEqualTo("done");
        assertThat(state(id)).isEqualTo("offline");
        assertThat(Files.isDirectory(volume(id).resolve("world"))).isTrue();
        assertThat(node.get("/api/v1/servers/" + id + "/install/log").body()).contains("voxel install done");
    }

    @Test
    void powerActionsAreRefusedDuringAnInstallAndAKillCancelsItAndRemovesTheHelper() {
        String id = create("""
                {"template": "busybox-craft", "name": "slow", "variables": {"INSTALL_DELAY": 300}}""");
        await().atMost(HANG).until(() -> state(id).equals("installing") && helperExists(id));

        TestNode.Res busy = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().get("type").asText()).endsWith("server-busy");

        TestNode.Res killed = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"kill\"}");
        assertThat(killed.status()).as(killed.toString()).isEqualTo(200);
        await().atMost(HANG).until(() -> !helperExists(id));
        await().atMost(HANG).until(() -> state(id).equals("install-failed"));
        assertThat(node.get("/api/v1/servers/" + id + "/install/log").body()).contains("[Raptor] install cancelled");
    }

    @Test
    void aServerWithoutAScriptCannotBeInstalledWithoutOne() {
        String id = create(TestNode.gameServer("plain", 0));
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/install", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("script");
        assertThat(node.get("/api/v1/servers/" + id + "/install/log").status()).isEqualTo(404);

        TestNode.Res given = node.post("/api/v1/servers/" + id + "/install",
                "{\"script\": \"cd /mnt/server && echo given > given.txt && echo wrote it\", \"entrypoint\": \"sh\"}");
        assertThat(given.status()).as(given.toString()).isEqualTo(200);
        assertThat(given.json().get("status").asText()).isEqualTo("done");
        assertThatThrownBy(() -> Files.readString(volume(id).resolve("nope"))).isInstanceOf(java.io.IOException.class);
        await().atMost(HANG).untilAsserted(() -> assertThat(Files.readString(volume(id).resolve("given.txt"))).isEqualTo("given\n"));
    }

    @Test
    void installsAreAnsweredLikePowerActions() throws Exception {
        String id = create("""
                {"template": "busybox-craft", "name": "answers", "skipInstall": true, "variables": {"INSTALL_DELAY": 300}}""");
        TestNode.Res accepted = node.post("/api/v1/servers/" + id + "/install", "{\"wait\": false}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        await().atMost(HANG).until(() -> state(id).equals("installing"));
        for (String verb : new String[]{"install", "reinstall"}) {
            TestNode.Res busy = node.post("/api/v1/servers/" + id + "/" + verb, "{}");
            assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
            assertThat(busy.json().get("type").asText()).endsWith("server-busy");
            String big = "{\"script\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
            assertThat(node.post("/api/v1/servers/" + id + "/" + verb, big).status()).isEqualTo(413);
        }
        assertThat(node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"kill\"}").status()).isEqualTo(200);
        await().atMost(HANG).untilAsserted(() -> assertThat(state(id) + " " + helperExists(id)).isEqualTo("install-failed false"));
        TestNode.Res again = node.post("/api/v1/servers/" + id + "/reinstall", "{\"wait\": false}");
        assertThat(again.status()).as(again.toString()).isEqualTo(202);
        assertThat(node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"kill\"}").status()).isEqualTo(200);
        await().atMost(HANG).until(() -> !helperExists(id) && !state(id).equals("installing"));

        // other maintenance (a restore) refuses a delete, where an install is cancelled by one
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        var restore = node.fleet.maintain(UUID.fromString(id), "restore", release::await);
        await().atMost(HANG).until(() -> "restore".equals(node.get("/api/v1/servers/" + id).json().path("busyWith").asText()));
        TestNode.Res refused = node.call("DELETE", "/api/v1/servers/" + id, null);
        assertThat(refused.status()).isEqualTo(409);
        release.countDown();
        restore.get(HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(node.post("/api/v1/templates", "{\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}").status()).isEqualTo(413);
    }
}
