package dev.raptor.cli.command;

import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorctlMain;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.testing.CannedDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code state export|import} against canned answers of the contract: {@code GET /api/v1/state/export}
 * answers the export document (kept byte for byte); {@code POST /api/v1/state/import} ({@code ?mode=replace}
 * to overwrite) takes an export or a legacy containers.json and answers the import report, or 409 for
 * servers that already exist.
 */
class StateCommandTest {
    private static final String EXPORT = "{\"format\":\"raptor-state\",\"formatVersion\":1,\"exportedAt\":\"2025-03-14T10:15:02Z\","
            + "\"servers\":[{\"spec\":{\"id\":\"3f9c2d1e-1111-4000-8000-000000000001\",\"name\":\"lobby\"},\"version\":3,"
            + "\"desired\":\"running\"}]}";

    private static final String AA = "aaaaaaaa-1111-4000-8000-000000000001";
    private static final String BB = "bbbbbbbb-2222-4000-8000-000000000002";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run raptorctl(Path socket, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RaptorctlMain.run(args, Map.of("RAPTOR_SOCKET", socket.toString()), InputStream.nullInputStream(), out, err, Terminal.plain());
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exportWritesTheDaemonsDocumentToTheFile() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200, EXPORT))) {
            Path file = dir.resolve("export.json");
            Run run = raptorctl(daemon.socket(), "state", "export", file.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("exported 1 server to " + file + "\n");
            assertThat(Files.readString(file)).isEqualTo(EXPORT);
            assertThat(daemon.requests().getFirst().method()).isEqualTo("GET");
            assertThat(daemon.requests().getFirst().target()).isEqualTo("/api/v1/state/export");
            try (var leftovers = Files.list(dir)) {
                assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d.sock", "export.json");
            }
        }
    }

    @Test
    void importPostsTheFileAndPrintsTheReport() throws Exception {
        Path legacy = dir.resolve("containers.json");
        Files.writeString(legacy, "[{\"name\":\"survival\",\"image\":\"ghcr.io/x/y:1\",\"allocation\":{\"ip\":\"0.0.0.0\",\"port\":25565}}]");
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200,
                "{\"format\":\"LEGACY_CONTAINERS\",\"imported\":[\"" + AA + "\",\"" + BB + "\"],\"replaced\":[\"" + BB + "\"],"
                        + "\"legacyDockerIds\":{},\"warnings\":[\"memory_limit taken as bytes\"]}"))) {
            Run run = raptorctl(daemon.socket(), "state", "import", "--replace", legacy.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("imported 2 servers (legacy containers)\n  " + AA + "\n  " + BB + " (replaced)\n");
            assertThat(run.err()).isEqualTo("warning: memory_limit taken as bytes\n");
            CannedDaemon.Request seen = daemon.requests().getFirst();
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.target()).isEqualTo("/api/v1/state/import?mode=replace");
            assertThat(seen.headers()).containsEntry("content-type", "application/json");
            assertThat(seen.bodyText()).isEqualTo(Files.readString(legacy));
        }
    }

    @Test
    void importingExistingServersIsAConflict() throws Exception {
        Path file = dir.resolve("export.json");
        Files.writeString(file, EXPORT);
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 409,
                "{\"type\":\"urn:raptor:problem:import-conflict\",\"title\":\"Servers already exist\",\"status\":409,"
                        + "\"detail\":\"3f9c2d1e-1111-4000-8000-000000000001 exists; import with --replace to overwrite\"}"))) {
            Run run = raptorctl(daemon.socket(), "state", "import", file.toString());
            assertThat(run.exit()).isEqualTo(ExitCode.CONFLICT);
            assertThat(run.err()).isEqualTo("Error: Servers already exist: 3f9c2d1e-1111-4000-8000-000000000001 exists; "
                    + "import with --replace to overwrite\n");
        }
    }
}
