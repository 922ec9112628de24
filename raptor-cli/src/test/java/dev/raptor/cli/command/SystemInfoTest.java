package dev.raptor.cli.command;

import dev.raptor.wire.node.NodeSystem;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SystemInfoTest {

    private static String print(NodeSystem system) {
        StringWriter out = new StringWriter();
        SystemCommand.Info.print(new PrintWriter(out, true), system);
        return out.toString();
    }

    private static NodeSystem system(String runtime, String version, Map<String, String> details) {
        return new NodeSystem("0.1.0", Instant.parse("2025-03-14T10:00:00Z"), runtime,
                new NodeSystem.Engine(true, version, "1.41", details, List.of(), null), new NodeSystem.ServerCounts(3, 1, 0, 2, 0),
                new NodeSystem.Node("node-1", "Linux", 2, 0.5, null, 2L << 30, 1L << 30, "/var/lib/raptor-daemon", null, null, null, "25"));
    }

    @Test
    void onTheProcessRuntimeTheEngineVersionIsCalledTheKernel() {
        String text = print(system("process", "6.1.0-13-amd64", Map.of("kernel", "6.1.0-13-amd64", "cgroupVersion", "2")));
        assertThat(text).contains("Runtime: process\n").contains("Engine:\n  Reachable: true\n  Kernel: 6.1.0-13-amd64\n")
                .contains("    Cgroup version: 2\n").doesNotContain("Version: 6.1.0").doesNotContain("    Kernel:");
    }

    @Test
    void onDockerTheEngineHasItsVersion() {
        String text = print(system("docker", "20.10.24", Map.of("kernel", "6.1.0-13-amd64")));
        assertThat(text).contains("  Version: 20.10.24\n").contains("    Kernel: 6.1.0-13-amd64\n")
                .contains("Servers:\n  Total: 3\n  Running: 2\n").contains("  Memory total: 2GiB\n");
    }
}
