package dev.raptor.core.server;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSpecTest {

    private static ServerSpec.Builder lobby() {
        return ServerSpec.builder("raptor-test/gameserver:1")
                .name("lobby")
                .env("MOTD", "hi")
                .allocation(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))
                .limits(Limits.tier(Tier.SMALL))
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .restartPolicy(RestartPolicy.onFailure(5));
    }

    private static List<String> badFields(ServerSpec.Builder b) {
        try {
            b.build();
        } catch (InvalidSpecException e) {
            return e.errors().stream().map(FieldError::field).toList();
        }
        throw new AssertionError("the spec was accepted");
    }

    @Test
    void aValidFluentBuildKeepsWhatItWasGiven() {
        UUID id = UUID.randomUUID();
        ServerSpec spec = lobby().id(id).build();
        assertThat(spec.id()).isEqualTo(id);
        assertThat(spec.name()).isEqualTo("lobby");
        assertThat(spec.environment()).containsEntry("MOTD", "hi");
        assertThat(spec.primaryAllocation()).map(Allocation::port).contains(25565);
        assertThat(spec.limits().memoryMiB()).isEqualTo(1024);
        assertThat(spec.restartPolicy().maxRetries()).isEqualTo(5);
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        ServerSpec.Builder b = ServerSpec.builder("Not An Image!")
                .name(" ")
                .env("BAD-NAME", "x")
                .env("SERVER_PORT", "1")
                .allocation(new Allocation("999.1.1.1", 0, 70000, Protocol.UDP, true))
                .limits(Limits.tier(Tier.SMALL).withIoWeight(5).withMemoryMiB(-1).withThreads("a-b"))
                .stopPolicy(StopPolicy.signal("SIGWHAT", Duration.ofSeconds(0)))
                .restartPolicy(RestartPolicy.onFailure(0))
                .label("dev.raptor.server", "mine")
                .extraHost("db", "not-an-ip")
                .readyPattern("Done (");
        assertThat(badFields(b)).contains(
                "image", "name", "environment.BAD-NAME", "environment.SERVER_PORT",
                "allocations[0].ip", "allocations[0].port", "allocations[0].containerPort",
                "limits.ioWeight", "limits.memoryMiB", "limits.threads",
                "stop.value", "stop.timeoutSeconds", "restart.maxRetries",
                "labels.dev.raptor.server", "extraHosts.db", "readyPattern");
    }

    @Test
    void exactlyOnePrimaryAllocationIsRequiredWhenThereAreAny() {
        assertThat(badFields(lobby().allocation(Allocation.primary("0.0.0.0", 25566, Protocol.TCP)))).contains("allocations");
        assertThat(badFields(lobby().allocations(List.of(Allocation.secondary("0.0.0.0", 25565, Protocol.TCP))))).contains("allocations");
        assertThat(lobby().allocations(List.of()).build().allocations()).isEmpty();
    }

    @Test
    void twoAllocationsOfOneServerMayNotBindTheSameSocket() {
        assertThat(badFields(lobby().allocation(Allocation.secondary("127.0.0.1", 25565, Protocol.TCP)))).contains("allocations[1]");
        assertThat(lobby().allocation(Allocation.secondary("0.0.0.0", 25565, Protocol.UDP)).build().allocations()).hasSize(2);
    }

    @Test
    void aServerNeedsAnImageOrAStartupCommand() {
        assertThat(badFields(ServerSpec.builder().name("x"))).contains("image");
        assertThat(ServerSpec.builder().name("x").startup("java -jar server.jar").build().image()).isNull();
    }

    @Test
    void mountsMustBeCleanAbsolutePathsOutsideTheDataDirectory() {
        assertThat(badFields(lobby().mount(Mount.readOnly("relative", "/data")))).contains("mounts[0].source");
        assertThat(badFields(lobby().mount(Mount.readOnly("/srv/../etc", "/data")))).contains("mounts[0].source");
        assertThat(badFields(lobby().mount(Mount.readOnly("/srv/maps", ServerSpec.DATA_MOUNT)))).contains("mounts[0].target");
    }

    @Test
    void rconStopPolicyNeedsPortPasswordAndCommand() {
        assertThat(badFields(lobby().stopPolicy(StopPolicy.rcon(0, "", "", Duration.ofSeconds(10)))))
                .contains("stop.port", "stop.password", "stop.value");
    }

    @Test
    void effectiveEnvironmentAddsTheVariablesRaptorOwns() {
        ServerSpec spec = lobby().startup("./run.sh").build();
        assertThat(spec.effectiveEnvironment())
                .containsEntry("SERVER_IP", "0.0.0.0")
                .containsEntry("SERVER_PORT", "25565")
                .containsEntry("SERVER_MEMORY", "1024")
                .containsEntry("STARTUP", "./run.sh")
                .containsEntry("MOTD", "hi");
    }

    @Test
    void equalSpecsAreEqualWhateverOrderTheirMapsWereFilledIn() {
        UUID id = UUID.randomUUID();
        ServerSpec a = lobby().id(id).env("A", "1").env("B", "2").build();
        ServerSpec b = lobby().id(id).env("B", "2").env("A", "1").build();
        assertThat(a).isEqualTo(b);
        assertThat(a.toString()).isEqualTo(b.toString());
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        ServerSpec spec = lobby().mount(Mount.readOnly("/srv/maps", "/maps")).label("team", "blue")
                .extraHost("db.local", "10.0.0.5").healthCheck(HealthCheck.of("nc -z 127.0.0.1 25565"))
                .readyPattern("Done \\(").build();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
    }

    @Test
    void invalidSpecExceptionMessageListsEveryField() {
        assertThatThrownBy(() -> ServerSpec.builder("x").build())
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("name: is required");
    }

    @Test
    void backupSettingsAreCheckedAndEachProblemNamesItsField() {
        dev.raptor.core.backup.BackupPolicy bad = new dev.raptor.core.backup.BackupPolicy("0 4 * * *\n0 5 * * *", -1, -2,
                List.of("logs/", " "), List.of("save-off", "say a\nstop"), List.of(""));
        assertThatThrownBy(() -> lobby().backups(bad).build()).isInstanceOfSatisfying(InvalidSpecException.class,
                e -> assertThat(e.errors()).extracting(dev.raptor.core.validation.FieldError::field).containsExactlyInAnyOrder(
                        "backups.schedule", "backups.max", "backups.maxAgeDays", "backups.ignore[1]", "backups.commandsBefore[1]",
                        "backups.commandsAfter[0]"));
    }

    @Test
    void backupSettingsAreNotPartOfWhatRuns() {
        ServerSpec plain = lobby().build();
        ServerSpec scheduled = plain.toBuilder().backups(new dev.raptor.core.backup.BackupPolicy("@daily", 7, null,
                List.of("logs/"), List.of("save-off"), List.of("save-on"))).build();
        assertThat(scheduled.toBuilder().build()).isEqualTo(scheduled);
        assertThat(dev.raptor.core.runtime.SpecHash.of(scheduled)).isEqualTo(dev.raptor.core.runtime.SpecHash.of(plain));
        assertThat(plain.backups().isNone()).isTrue();
    }
}
