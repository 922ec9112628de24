package dev.raptor.cli.command;

import dev.raptor.cli.RaptorctlMain;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.testing.CannedDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code raptorctl nodes} against canned answers of {@code GET /api/v1/nodes}: the table, the servers Swarm has not
 * placed, and the nodes that still hold files of deleted servers ({@code pendingRemovals}).
 */
class NodesCommandTest {
    private static final String NODES = "{\"nodes\":["
            + "{\"name\":\"raptor-sw1\",\"state\":\"ready\",\"address\":\"10.231.7.11\",\"cpus\":2,\"memoryBytes\":1073741824,"
            + "\"memoryLimitsBytes\":0,\"memoryFreeBytes\":1073741824,\"ports\":[],\"servers\":[],\"pendingRemovals\":0},"
            + "{\"name\":\"raptor-sw2\",\"state\":\"down\",\"reason\":\"its engine does not answer\",\"address\":\"10.231.7.12\","
            + "\"cpus\":2,\"memoryBytes\":1073741824,\"memoryLimitsBytes\":0,\"memoryFreeBytes\":1073741824,\"ports\":[],"
            + "\"servers\":[],\"pendingRemovals\":%d}],\"unplaced\":[]}";

    @TempDir
    Path dir;

    private String nodes(long pending) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (var daemon = new CannedDaemon(dir.resolve("d" + pending + ".sock"),
                (r, o) -> CannedDaemon.json(o, 200, NODES.formatted(pending)))) {
            int exit = RaptorctlMain.run(new String[]{"nodes"}, Map.of("RAPTOR_SOCKET", daemon.socket().toString()),
                    InputStream.nullInputStream(), out, err, Terminal.plain());
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(daemon.requests().getFirst().target()).isEqualTo("/api/v1/nodes");
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNodeHoldingFilesOfDeletedServersIsNamedWithTheirCountUnderTheTable() throws Exception {
        String out = nodes(2);
        assertThat(out).contains("raptor-sw2").contains("down (its engine does not answer)");
        assertThat(out).endsWith("\nFiles of deleted servers still to remove: raptor-sw2 (2)\n");
    }

    @Test
    void nothingIsAddedWhenNoNodeHoldsSuchFiles() throws Exception {
        String out = nodes(0);
        assertThat(out).contains("raptor-sw1").contains("raptor-sw2").doesNotContain("deleted servers");
        assertThat(out.lines().count()).isEqualTo(3);
    }
}
