package dev.raptor.core.server;

import dev.raptor.core.limits.Limits;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Egg-style {{VAR}} placeholders in startup commands, and the JVM preset. */
class StartupCommandTest {

    @Test
    void placeholdersTakeTheServersEnvironmentAndRaptorsOwnVariables() {
        ServerSpec spec = ServerSpec.builder("game:1").name("s").port("127.0.0.1", 25565)
                .limits(Limits.UNLIMITED.withMemoryMiB(2048)).env("SERVER_JARFILE", "paper.jar")
                .startup("java -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}} --port {{ SERVER_PORT }} --ip {{env.SERVER_IP}}").build();

        assertThat(spec.startupCommand()).isEqualTo("java -Xmx2048M -jar paper.jar --port 25565 --ip 127.0.0.1");
        assertThat(spec.effectiveEnvironment()).containsEntry("STARTUP", spec.startupCommand());
        assertThat(spec.startup()).contains("{{SERVER_JARFILE}}"); // the spec keeps what was written
    }

    @Test
    void anUnknownPlaceholderStaysAsWritten() {
        assertThat(StartupCommand.expand("run {{NOPE}} {{A}}", Map.of("A", "1"))).isEqualTo("run {{NOPE}} 1");
    }

    @Test
    void shellSyntaxAndValuesWithDollarSignsAreLeftToTheShell() {
        assertThat(StartupCommand.expand("echo ${HOME} {{P}}", Map.of("P", "a$1\\b"))).isEqualTo("echo ${HOME} a$1\\b");
    }

    @Test
    void theJvmPresetSizesTheHeapBelowTheMemoryLimit() {
        ServerSpec spec = ServerSpec.builder("game:1").name("s").limits(Limits.UNLIMITED.withMemoryMiB(4096))
                .startup("java {{JVM_FLAGS}} -jar server.jar").build();

        assertThat(spec.startupCommand()).startsWith("java -Xms3584M -Xmx3584M -XX:+UseG1GC ").contains("-XX:G1HeapRegionSize=8M")
                .endsWith(" -jar server.jar");
        assertThat(JvmPreset.heapMiB(1024)).isEqualTo(768);   // at least 256 MiB of headroom
        assertThat(JvmPreset.heapMiB(300)).isEqualTo(150);    // never below half the limit
        assertThat(JvmPreset.flags(0)).doesNotContain("-Xmx").startsWith("-XX:+UseG1GC");
    }

    @Test
    void aServerMaySetItsOwnJvmFlags() {
        ServerSpec spec = ServerSpec.builder("game:1").name("s").env("JVM_FLAGS", "-Xmx1G").startup("java {{JVM_FLAGS}}").build();
        assertThat(spec.startupCommand()).isEqualTo("java -Xmx1G");
    }
}
