package dev.raptor.wire.state;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The legacy {@code containers.json} of the earlier daemon, read into what an import would write. */
class LegacyContainersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T10:15:02.123Z"), ZoneOffset.UTC);

    private static ImportPlan read(String name) {
        try (InputStream in = LegacyContainersTest.class.getResourceAsStream("/legacy/" + name)) {
            return StateDocuments.read(WireJson.parse(in), CLOCK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What containers-snake.json and containers-camel.json describe, as Raptor specs. */
    private static List<ServerSpec> expectedSpecs() {
        ServerSpec minecraft = ServerSpec.builder("ghcr.io/pterodactyl/yolks:java_21")
                .id(LegacyContainers.idFor("Survival SMP"))
                .name("Survival SMP")
                .startup("java -Xms128M -Xmx4096M -Dterminal.jline=false -jar server.jar nogui")
                .env("EULA", "TRUE").env("SERVER_JARFILE", "server.jar")
                .allocation(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))
                .allocation(Allocation.secondary("0.0.0.0", 25565, Protocol.UDP))
                .limits(new Limits(4096, 0, 200, null, 20480, 500, 0, true))
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .build();
        ServerSpec valheim = ServerSpec.builder("ghcr.io/lloesche/valheim-server:latest")
                .id(LegacyContainers.idFor("valheim-friends"))
                .name("valheim-friends")
                .startup("./valheim_server.x86_64 -name Friends -port 2456 -world Dedicated -password hunter22")
                .allocation(Allocation.primary("0.0.0.0", 2456, Protocol.TCP))
                .limits(new Limits(4096, -1, 300, null, 10240, 500, 0, true))
                .stopPolicy(StopPolicy.signal("SIGINT", Duration.ofSeconds(30)))
                .build();
        ServerSpec rust = ServerSpec.builder("ghcr.io/pterodactyl/games:rust")
                .id(LegacyContainers.idFor("rust-weekly"))
                .name("rust-weekly")
                .startup("./RustDedicated -batchmode +server.port 28015 +rcon.port 28016 +server.level \"Procedural Map\"")
                .allocation(Allocation.primary("203.0.113.10", 28015, Protocol.UDP))
                .allocation(Allocation.secondary("203.0.113.10", 28016, Protocol.TCP))
                .limits(new Limits(8192, -1, 400, null, 30720, 500, 0, true))
                .stopPolicy(StopPolicy.command("quit", Duration.ofSeconds(30)))
                .build();
        return List.of(minecraft, valheim, rust);
    }

    @Test
    void aSnakeCaseContainersJsonBecomesTheRightSpecs() {
        ImportPlan plan = read("containers-snake.json");

        assertThat(plan.format()).isEqualTo(ImportFormat.LEGACY_CONTAINERS);
        assertThat(plan.servers()).extracting(StoredServer::spec).containsExactlyElementsOf(expectedSpecs());
        assertThat(plan.servers()).allSatisfy(s -> {
            assertThat(s.desired()).isEqualTo(DesiredState.STOPPED);
            assertThat(s.version()).isEqualTo(1);
            assertThat(s.createdAt()).isEqualTo(CLOCK.instant());
        });
    }

    @Test
    void aCamelCaseContainersJsonBecomesTheSameSpecs() {
        ImportPlan plan = read("containers-camel.json");

        assertThat(plan.servers()).extracting(StoredServer::spec).containsExactlyElementsOf(expectedSpecs());
    }

    @Test
    void thePlanKeepsDockerIdsAndExplainsConversions() {
        ImportPlan report = read("containers-snake.json");

        assertThat(report.legacyDockerIds()).containsEntry(LegacyContainers.idFor("valheim-friends"),
                "b71d0e5c93a2f4e6d8c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9").hasSize(3);
        assertThat(report.warnings()).containsExactlyInAnyOrder(
                "[0].allocation: ignored, the allocations list takes its place",
                "[0].status: ignored (not something Raptor imports)",
                "[1].resources.memory_limit: 4294967296 is above 1048576, so it was taken as bytes: 4096 MiB");
    }

    @Test
    void aBrokenEntryRefusesTheWholeFileNamingEntryAndField() {
        assertThatThrownBy(() -> read("containers-broken.json"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::toString)
                        .containsExactly(
                                "[2].allocations[0].port: must be between 1 and 65535 (was 70000)",
                                "[3].resources.memory_limit: must be a whole number (was a string)"));
    }

    @Test
    void readingTheSameContainersAgainNamesTheSameServers() {
        List<java.util.UUID> first = read("containers-snake.json").servers().stream().map(StoredServer::id).toList();

        assertThat(read("containers-camel.json").servers()).extracting(StoredServer::id)
                .containsExactlyElementsOf(first)
                .containsExactlyElementsOf(expectedSpecs().stream().map(ServerSpec::id).toList());
    }

    @Test
    void twoContainersWithOneNameAreRefused() {
        String json = "[{\"name\": \"twin\", \"startup_script\": \"./run\"}, {\"name\": \"twin\", \"startup_script\": \"./run\"}]";

        assertThatThrownBy(() -> StateDocuments.read(WireJson.parse(json), CLOCK))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("[1].name"));
    }

    @Test
    void theIdIsDerivedFromTheName() {
        assertThat(LegacyContainers.idFor("lobby")).isEqualTo(LegacyContainers.idFor(" lobby "))
                .isNotEqualTo(LegacyContainers.idFor("lobby2"));
    }
}
