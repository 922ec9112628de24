package dev.raptor.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.e2e.Raptorctl.Result;
import dev.raptor.core.testing.Eggs;
import dev.raptor.core.testing.PackServer;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code raptorctl template import|ls|rm}, {@code install|reinstall|install-log} and {@code updates
 * source|run|ls|rollback} as separate processes against a real raptord on the Docker engine, its eggs the test
 * fixtures and its packs served by a local HTTP server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ProvisioningVerbsTest {
    private TestDaemon daemon;
    private Raptorctl ctl;
    private Path dir;

    @BeforeAll
    void bootDaemon(@TempDir Path dir) {
        this.dir = dir;
        daemon = TestDaemon.onEngine(dir, "raptord");
        ctl = Raptorctl.onSocket(daemon);
    }

    @AfterAll
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Result ok(String... args) {
        Result r = ctl.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private Path volume(String id) {
        return daemon.dir().resolve("data/volumes").resolve(id);
    }

    @Test
    void templatesAreImportedListedAndRemovedAndServersMadeFromThemInstall() throws Exception {
        Path egg = dir.resolve("craft.json");
        Files.writeString(egg, Eggs.text(Eggs.BUSYBOX_CRAFT));
        assertThat(ok("template", "import", "--id", "craft", egg.toString()).out().strip()).isEqualTo("craft");
        Result taken = ctl.run("template", "import", "--id", "craft", egg.toString());
        assertThat(taken.exit()).as(taken.toString()).isEqualTo(ExitCode.CONFLICT);
        assertThat(ok("template", "import", "--id", "craft", "--replace", egg.toString()).out().strip()).isEqualTo("craft");
        assertThat(ok("template", "ls").out()).contains("craft", "Busybox Craft", "yes");
        JsonNode listed = ok("template", "ls", "--json").json();
        assertThat(listed.get(0).get("id").asText()).isEqualTo("craft");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"meta\": {\"version\": \"PTDL_v9\"}}");
        Result refused = ctl.run("template", "import", bad.toString());
        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("PTDL");

        String id = daemon.process().client().servers().list().servers().stream().findFirst().map(s -> s.spec().id().toString())
                .orElse(null);
        assertThat(id).as("no server yet").isNull();
        // a server from the template, its install deferred, then installed with the verb
        var created = daemon.process().client().templates().get("craft");
        assertThat(created.install()).isNotNull();
        String server = createFromTemplate("craft-1");
        assertThat(ok("install", "craft-1").out().strip()).isEqualTo("craft-1");
        assertThat(volume(server).resolve("game.sh")).exists();
        assertThat(ok("install-log", "craft-1").out()).contains("install complete:");
        assertThat(ok("reinstall", "craft-1").out().strip()).isEqualTo("craft-1");
        Path failing = dir.resolve("fail.sh");
        Files.writeString(failing, "echo about to fail; exit 3\n");
        Result failed = ctl.run("install", "--script", failing.toString(), "--entrypoint", "sh", "craft-1");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(failed.err()).contains("install failed");
        assertThat(ok("install-log", "craft-1").out()).contains("about to fail");
        assertThat(ok("inspect", "craft-1").json().path("state").asText()).isEqualTo("install-failed");

        ok("rm", "-f", "craft-1");
        assertThat(ok("template", "rm", "craft").out().strip()).isEqualTo("craft");
        assertThat(ok("template", "ls", "--json").json()).isEmpty();
    }

    private String createFromTemplate(String name) {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(daemon.process().baseUrl() + "/servers"))
                .header("Authorization", "Bearer " + daemon.process().apiKey()).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"template": "craft", "name": "%s", "skipInstall": true, "variables": {"MOTD": "hi", "MAX_PLAYERS": 4}}"""
                        .formatted(name))).build();
        try {
            var r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void updatesAreSetRunListedAndRolledBack() throws Exception {
        try (PackServer packs = new PackServer(Files.createDirectories(dir.resolve("packs")))) {
            String id = ok("create", "--name", "upd", "--stop-command", "stop", "--ready-pattern", "^Done!",
                    "raptor-test/gameserver:1", "sh", "run.sh").out().strip();
            ok("updates", "source", "upd", "--manifest", packs.manifest().toString(), "--preserve", "world", "--ready", "60",
                    "--max-backups", "2");
            assertThat(ok("updates", "source", "upd").out()).contains(packs.manifest().toString(), "world", "(never updated)");
            packs.publish("1", PackServer.game("1", true));
            assertThat(ok("updates", "run", "upd").out().strip()).isEqualTo("1");
            ok("start", "upd");
            packs.publish("2", PackServer.game("2", true));
            assertThat(ok("updates", "run", "upd").out().strip()).isEqualTo("2");
            assertThat(Files.readString(volume(id).resolve("version.txt"))).isEqualTo("2\n");

            packs.publish("3", PackServer.game("3", false));
            Result rolled = ctl.run("updates", "run", "upd");
            assertThat(rolled.exit()).as(rolled.toString()).isEqualTo(ExitCode.FAILURE);
            assertThat(rolled.err()).contains("rolled back", "not ready within 60 s");
            assertThat(Files.readString(volume(id).resolve("version.txt"))).isEqualTo("2\n");
            assertThat(ok("inspect", "upd").json().path("state").asText()).isEqualTo("running");

            assertThat(ok("updates", "ls", "upd").out()).contains("succeeded", "rolled-back", "version 2; 3 updates, 2 succeeded");
            assertThat(ok("updates", "rollback", "upd").out().strip()).isEqualTo("1");
            assertThat(Files.readString(volume(id).resolve("version.txt"))).isEqualTo("1\n");
            assertThat(ok("updates", "ls", "--json", "upd").json().get("version").asText()).isEqualTo("1");
            ok("updates", "source", "--remove", "upd");
            Result none = ctl.run("updates", "run", "upd");
            assertThat(none.exit()).as(none.toString()).isEqualTo(ExitCode.NOT_FOUND);
            ok("rm", "-f", "upd");
        }
    }
}
