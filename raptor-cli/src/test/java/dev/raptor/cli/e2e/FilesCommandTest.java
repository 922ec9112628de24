package dev.raptor.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.e2e.Raptorctl.Result;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code raptorctl files} as an operator uses it, each verb its own process against a live raptord on the real engine:
 * files go up and come back byte for byte, directories are made, moved, chmodded and deleted, archives are made and
 * extracted inside the server, and the jail's refusals come back as errors with their exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FilesCommandTest {
    private static final String IMAGE = "raptor-test/gameserver:1";

    private TestDaemon daemon;
    private Raptorctl ctl;
    private Path work;

    @BeforeAll
    void bootDaemon(@TempDir Path dir) throws Exception {
        daemon = TestDaemon.onEngine(dir, "raptord");
        ctl = Raptorctl.onSocket(daemon);
        work = Files.createDirectories(dir.resolve("work"));
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

    private String server(String name) {
        return ok("create", "--name", name, IMAGE).out().strip();
    }

    @Test
    void aFileGoesUpAndComesBackByteForByte() throws Exception {
        String s = server("files-roundtrip");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(13).nextBytes(content);
        Path local = Files.write(work.resolve("world.dat"), content);

        Result put = ok("files", "put", s, local.toString(), "/saves/");
        assertThat(put.out().strip()).isEqualTo("/saves/world.dat (3MiB)");
        Result back = ok("files", "get", s, "/saves/world.dat", work.resolve("back.dat").toString());

        assertThat(back.out()).contains("back.dat");
        assertThat(Files.mismatch(local, work.resolve("back.dat"))).isEqualTo(-1);
        assertThat(back.err()).as("no progress line off a terminal").isEmpty();
        JsonNode list = ok("files", "ls", s, "/saves", "--json").json();
        assertThat(list.get("path").asText()).isEqualTo("/saves");
        assertThat(list.get("entries").get(0).get("name").asText()).isEqualTo("world.dat");
        assertThat(list.get("entries").get(0).get("size").asLong()).isEqualTo(content.length);
    }

    @Test
    void standardInputBecomesAFileAndCatPrintsIt() {
        String s = server("files-cat");

        ctl.runWithInput("motd=hello from stdin\n", "files", "put", s, "-", "/server.properties");
        Result cat = ok("files", "cat", s, "/server.properties");

        assertThat(cat.out()).isEqualTo("motd=hello from stdin\n");
        Result table = ok("files", "ls", s);
        assertThat(table.lines().getFirst()).matches("MODE +SIZE +MODIFIED +NAME");
        assertThat(table.out()).contains("server.properties");
    }

    @Test
    void directoriesAreMadeMovedChmoddedAndDeleted() {
        String s = server("files-tree");
        ok("files", "mkdir", s, "/plugins/config");
        ctl.runWithInput("#!/bin/sh\n", "files", "put", s, "-", "/plugins/start.sh");

        assertThat(ok("files", "mv", s, "/plugins/start.sh", "/start.sh").out().strip()).isEqualTo("/plugins/start.sh -> /start.sh");
        assertThat(ok("files", "chmod", s, "755", "/start.sh").out().strip()).isEqualTo("0755 /start.sh");
        JsonNode root = ok("files", "ls", s, "/", "--json").json();
        assertThat(root.findValuesAsText("name")).contains("plugins", "start.sh");
        assertThat(entry(root, "start.sh").get("mode").asText()).isEqualTo("0755");

        ok("files", "rm", s, "/plugins", "/start.sh");
        assertThat(ok("files", "ls", s, "/", "--json").json().get("entries")).isEmpty();
    }

    @Test
    void anArchiveIsMadeAndExtractedInsideTheServer() {
        String s = server("files-archive");
        ctl.runWithInput("region 0\n", "files", "put", s, "-", "/world/region-0.dat");
        ctl.runWithInput("level\n", "files", "put", s, "-", "/world/level.dat");

        Result zip = ok("files", "zip", s, "/world", "-o", "/backups/world.tar.zst");
        assertThat(zip.out().strip()).isEqualTo("/backups/world.tar.zst");
        JsonNode unzipped = ok("files", "unzip", s, "/backups/world.tar.zst", "-d", "/restored", "--json").json();

        assertThat(unzipped.get("status").asText()).isEqualTo("done");
        assertThat(unzipped.get("action").asText()).isEqualTo("decompress");
        assertThat(ok("files", "cat", s, "/restored/world/region-0.dat").out()).isEqualTo("region 0\n");
        assertThat(ok("files", "cat", s, "/restored/world/level.dat").out()).isEqualTo("level\n");
    }

    @Test
    void theJailsRefusalsAreErrorsWithTheirExitCodes() {
        String s = server("files-refused");

        Result outside = ctl.run("files", "cat", s, "/../../etc/passwd");
        Result missing = ctl.run("files", "get", s, "/nothing-here.txt", work.resolve("nothing.txt").toString());
        Result badArchive = ctl.runWithInput("not an archive", "files", "put", s, "-", "/fake.zip");

        assertThat(outside.exit()).as(outside.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(outside.err()).contains("outside");
        assertThat(outside.out()).doesNotContain("root:");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(work.resolve("nothing.txt")).doesNotExist();
        assertThat(badArchive.exit()).isZero();
        Result unzip = ctl.run("files", "unzip", s, "/fake.zip");
        assertThat(unzip.exit()).as(unzip.toString()).isNotZero();
        assertThat(unzip.err()).containsIgnoringCase("archive");
    }

    @Test
    void helpListsTheFileVerbs() {
        String help = ok("files", "--help").out();

        assertThat(help).contains("ls", "cat", "put", "get", "rm", "mv", "mkdir", "chmod", "zip", "unzip");
        assertThat(ok("--help").out()).contains("files");
        assertThat(new String(ok("files", "put", "--help").out().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .contains("LOCAL", "REMOTE");
    }

    private static JsonNode entry(JsonNode list, String name) {
        for (JsonNode e : list.get("entries")) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no entry " + name + " in " + list);
    }
}
