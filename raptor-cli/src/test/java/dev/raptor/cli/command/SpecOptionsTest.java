package dev.raptor.cli.command;

import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpecOptionsTest {

    @Test
    void aCommandAfterTheImageKeepsItsWordsForTheShell() {
        assertThat(SpecOptions.shellJoin(List.of("java", "-Xmx1G", "-jar", "server.jar", "nogui")))
                .isEqualTo("java -Xmx1G -jar server.jar nogui");
        assertThat(SpecOptions.shellJoin(List.of("echo", "hello world", "it's", "")))
                .isEqualTo("echo 'hello world' 'it'\\''s' ''");
    }

    @Test
    void generatedNamesComeFromTheImage() {
        assertThat(SpecOptions.generatedName("ghcr.io/org/minecraft:1.21@sha256:abc")).matches("minecraft-[0-9a-f]{4}");
        assertThat(SpecOptions.generatedName(null)).matches("server-[0-9a-f]{4}");
    }

    @Test
    void stopFlagsBecomeAStopPolicy() {
        assertThat(WireJson.write(SpecOptions.stop("stop", null, Duration.ofSeconds(30))))
                .isEqualTo("{\"type\":\"command\",\"value\":\"stop\",\"timeoutSeconds\":30}");
        assertThat(WireJson.write(SpecOptions.stop(null, "int", null))).isEqualTo("{\"type\":\"signal\",\"value\":\"SIGINT\"}");
        assertThat(WireJson.write(SpecOptions.stop(null, null, Duration.ofMillis(1500))))
                .isEqualTo("{\"type\":\"signal\",\"value\":\"SIGTERM\",\"timeoutSeconds\":1.5}");
        assertThat(SpecOptions.stop(null, null, null)).isNull();
    }

    @Test
    void limitsCarryOnlyWhatWasGiven() {
        assertThat(WireJson.write(SpecOptions.limits(512L, null, 150, null, null, null))).isEqualTo("{\"memoryMiB\":512,\"cpuPercent\":150}");
    }
}
