package dev.raptor.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.HostPortsForTests;
import dev.raptor.core.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code create} asks of the engine, checked by inspecting the container with docker-java directly. */
class ContainerCreationTest extends EngineTest {
    private static final long MIB = 1024L * 1024L;

    @TempDir
    Path extraDir;

    private InspectContainerResponse inspected(ContainerInfo c) {
        return docker.inspectContainerCmd(c.ref().id()).exec();
    }

    @Test
    void createdContainerIsNamedAndLabelledForItsServer() {
        ServerSpec spec = spec().label("team", "blue").build();

        ContainerInfo c = create(spec);

        InspectContainerResponse raw = inspected(c);
        assertThat(raw.getName()).isEqualTo("/" + RuntimeLabels.containerName(spec.id()));
        assertThat(raw.getConfig().getLabels())
                .containsEntry(RuntimeLabels.SERVER, spec.id().toString())
                .containsEntry(RuntimeLabels.SPEC_HASH, SpecHash.of(spec))
                .containsEntry("team", "blue");
        assertThat(c.ref().name()).isEqualTo("raptor-" + spec.id());
        assertThat(c.serverId()).isEqualTo(spec.id());
        assertThat(c.specHash()).isEqualTo(SpecHash.of(spec));
        assertThat(c.status()).isEqualTo(ContainerStatus.CREATED);
    }

    @Test
    void everyAllocationIsPublishedOnItsHostIpAndPortForItsProtocol() throws IOException {
        int game = HostPortsForTests.free();
        int query = freeUdpPort();
        ServerSpec spec = spec()
                .allocation(new Allocation("127.0.0.1", game, 25565, Protocol.TCP, true))
                .allocation(Allocation.secondary("127.0.0.1", query, Protocol.UDP))
                .build();

        InspectContainerResponse raw = inspected(create(spec));

        Map<ExposedPort, Ports.Binding[]> bindings = raw.getHostConfig().getPortBindings().getBindings();
        assertThat(bindings.get(ExposedPort.tcp(25565))).singleElement().satisfies(b -> {
            assertThat(b.getHostIp()).isEqualTo("127.0.0.1");
            assertThat(b.getHostPortSpec()).isEqualTo(Integer.toString(game));
        });
        assertThat(bindings.get(ExposedPort.udp(query))).singleElement().satisfies(b -> {
            assertThat(b.getHostIp()).isEqualTo("127.0.0.1");
            assertThat(b.getHostPortSpec()).isEqualTo(Integer.toString(query));
        });
        assertThat(raw.getConfig().getExposedPorts()).containsExactlyInAnyOrder(ExposedPort.tcp(25565), ExposedPort.udp(query));
    }

    @Test
    void createdContainerHasTheSpecsLimits() {
        Limits limits = Limits.UNLIMITED.withMemoryMiB(256).withSwapMiB(64).withCpuPercent(150).withThreads("0")
                .withPidsLimit(100).withOomKiller(false);

        HostConfig host = inspected(create(spec().limits(limits).build())).getHostConfig();

        assertThat(host.getMemory()).isEqualTo(256 * MIB);
        assertThat(host.getMemorySwap()).isEqualTo((256 + 64) * MIB);
        assertThat(host.getNanoCPUs()).isEqualTo(1_500_000_000L);
        assertThat(host.getCpusetCpus()).isEqualTo("0");
        assertThat(host.getPidsLimit()).isEqualTo(100L);
        assertThat(host.getOomKillDisable()).isTrue();
        assertThat(host.getRestartPolicy().getName()).isEqualTo("no");
    }

    /**
     * Nothing of the container is left to the engine's defaults: every field Raptor decides is in the create request,
     * read back here from the engine, field by field, for a spec that sets everything and for one that sets nothing.
     */
    @Test
    void everyLimitPolicyAndHostEntryIsExplicitInTheEngineRequest() {
        Limits limits = Limits.UNLIMITED.withMemoryMiB(300).withSwapMiB(100).withCpuPercent(75).withThreads("0")
                .withPidsLimit(64).withIoWeight(200).withOomKiller(true);
        ServerSpec full = spec().limits(limits).extraHost("db.internal", "10.1.2.3").extraHost("cache.internal", "10.1.2.4")
                .healthCheck(new HealthCheck("true", Duration.ofSeconds(7), Duration.ofSeconds(3), 2, Duration.ofSeconds(4))).build();
        InspectContainerResponse raw = inspected(create(full));
        HostConfig host = raw.getHostConfig();
        boolean blkio = runtime.info(soon()).warnings().stream().noneMatch(w -> w.contains("block-IO weight"));
        assertThat(host.getRestartPolicy().getName()).isEqualTo("no");
        assertThat(host.getRestartPolicy().getMaximumRetryCount()).isZero();
        assertThat(host.getMemory()).isEqualTo(300 * MIB);
        assertThat(host.getMemorySwap()).isEqualTo(400 * MIB);
        assertThat(host.getNanoCPUs()).isEqualTo(750_000_000L);
        assertThat(host.getCpusetCpus()).isEqualTo("0");
        assertThat(host.getPidsLimit()).isEqualTo(64L);
        assertThat(host.getOomKillDisable()).isFalse();
        if (blkio) {
            assertThat(host.getBlkioWeight()).isEqualTo(200);
        }
        assertThat(host.getExtraHosts()).containsExactly("cache.internal:10.1.2.4", "db.internal:10.1.2.3");
        assertThat(host.getNetworkMode()).isEqualTo("bridge");
        assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
        assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "10m").containsEntry("max-file", "3");
        var health = raw.getConfig().getHealthcheck();
        assertThat(health.getTest()).containsExactly("CMD-SHELL", "true");
        assertThat(health.getInterval()).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(health.getTimeout()).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(health.getRetries()).isEqualTo(2);
        assertThat(health.getStartPeriod()).isEqualTo(Duration.ofSeconds(4).toNanos());

        InspectContainerResponse bare = inspected(create(spec().build()));
        HostConfig none = bare.getHostConfig();
        assertThat(none.getRestartPolicy().getName()).isEqualTo("no");
        assertThat(none.getMemory()).isZero();
        assertThat(none.getMemorySwap()).isEqualTo(-1L);
        assertThat(none.getNanoCPUs()).isZero();
        assertThat(none.getCpusetCpus()).isEmpty();
        assertThat(none.getPidsLimit()).as("no process limit").isIn(null, 0L, -1L);
        assertThat(none.getOomKillDisable()).isFalse();
        if (blkio) {
            assertThat(none.getBlkioWeight()).isEqualTo(Limits.UNLIMITED.ioWeight());
        }
        assertThat(none.getExtraHosts()).isNullOrEmpty();
        assertThat(none.getNetworkMode()).isEqualTo("bridge");
        assertThat(bare.getConfig().getHealthcheck().getTest()).as("the image's own health check is off").containsExactly("NONE");
    }

    @Test
    void unlimitedSwapIsMinusOneAndTheOomKillerStaysOnByDefault() {
        Limits limits = Limits.UNLIMITED.withMemoryMiB(128).withSwapMiB(-1);

        HostConfig host = inspected(create(spec().limits(limits).build())).getHostConfig();

        assertThat(host.getMemory()).isEqualTo(128 * MIB);
        assertThat(host.getMemorySwap()).isEqualTo(-1L);
        assertThat(host.getOomKillDisable()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void blockIoWeightIsAppliedOrReportedAsUnsupported() {
        HostConfig host = inspected(create(spec().limits(Limits.UNLIMITED.withIoWeight(300)).build())).getHostConfig();

        RuntimeInfo info = runtime.info(soon());
        boolean applied = Integer.valueOf(300).equals(host.getBlkioWeight());
        boolean reported = info.warnings().stream().anyMatch(w -> w.contains("block-IO weight"));
        assertThat(applied || reported).as("weight applied (%s) or reported in %s", host.getBlkioWeight(), info.warnings()).isTrue();
    }

    @Test
    void serverGetsItsEffectiveEnvironment() {
        ServerSpec spec = spec().env("MOTD", "hello world").port("0.0.0.0", HostPortsForTests.free())
                .limits(Limits.UNLIMITED.withMemoryMiB(512)).build();

        String[] env = inspected(create(spec)).getConfig().getEnv();

        assertThat(env).contains("MOTD=hello world", "SERVER_IP=0.0.0.0",
                "SERVER_PORT=" + spec.primaryAllocation().orElseThrow().containerPort(), "SERVER_MEMORY=512");
    }

    @Test
    void dataDirectoryAndMountsAreBoundIntoTheServer() {
        ServerSpec spec = spec().mount(Mount.readOnly(extraDir.toString(), "/opt/shared")).build();

        Bind[] binds = inspected(create(spec)).getHostConfig().getBinds();

        assertThat(Arrays.stream(binds).map(Bind::toString))
                .contains(dataDir.toAbsolutePath() + ":" + ServerSpec.DATA_MOUNT + ":rw", extraDir + ":/opt/shared:ro");
    }

    @Test
    void consoleIsAnOpenStdinWithoutTty() {
        var config = inspected(create(spec().build())).getConfig();

        assertThat(config.getStdinOpen()).isTrue();
        assertThat(config.getStdInOnce()).isFalse();
        assertThat(config.getAttachStdin()).isTrue();
        assertThat(config.getTty()).isFalse();
    }

    @Test
    void startupCommandReplacesTheEntrypointAndRunsInTheDataDirectory() {
        String startup = "exec /bin/sh /gameserver.sh";
        ServerSpec spec = spec().startup(startup).build();

        Console console = startBooted(spec);

        var config = docker.inspectContainerCmd(console.ref().id()).exec().getConfig();
        assertThat(config.getEntrypoint()).containsExactly("/bin/sh", "-c", startup);
        assertThat(config.getWorkingDir()).isEqualTo(ServerSpec.DATA_MOUNT);
        assertThat(config.getEnv()).contains("STARTUP=" + startup);
    }

    @Test
    void extraHostsAndHealthCheckReachTheEngine() {
        ServerSpec spec = spec().extraHost("db.internal", "10.1.2.3")
                .healthCheck(new HealthCheck("true", Duration.ofSeconds(5), Duration.ofSeconds(2), 4, Duration.ofSeconds(1)))
                .build();

        InspectContainerResponse raw = inspected(create(spec));

        assertThat(raw.getHostConfig().getExtraHosts()).containsExactly("db.internal:10.1.2.3");
        var health = raw.getConfig().getHealthcheck();
        assertThat(health.getTest()).containsExactly("CMD-SHELL", "true");
        assertThat(health.getInterval()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(health.getTimeout()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(health.getRetries()).isEqualTo(4);
        assertThat(health.getStartPeriod()).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void creatingTheSameServerTwiceIsAConflict() {
        ServerSpec spec = spec().build();
        create(spec);

        assertThatThrownBy(() -> create(spec)).isInstanceOf(EngineException.Conflict.class)
                .hasMessageContaining(spec.id().toString())
                .hasMessageContaining("this server's container");
    }

    @Test
    void anImageThatIsNeitherPresentNorPullableIsNotFound() {
        ServerSpec spec = spec().image("raptor-test/no-such-image:1").build();

        assertThatThrownBy(() -> runtime.create(spec, dataDir, Deadline.in(PATIENCE)))
                .isInstanceOf(EngineException.NotFound.class)
                .hasMessageContaining("raptor-test/no-such-image:1");
    }

    @Test
    void aSpecWithoutAnImageCannotRunHere() {
        ServerSpec spec = ServerSpec.builder().startup("echo hi").name("no image").build();

        assertThat(runtime.check(spec)).extracting(FieldError::field).containsExactly("image");
        assertThatThrownBy(() -> runtime.create(spec, dataDir, soon())).isInstanceOf(EngineException.Rejected.class);
    }

    @Test
    void infoNamesTheEngineItsApiVersionAndCgroupVersion() {
        RuntimeInfo info = runtime.info(soon());

        assertThat(info.runtime()).isEqualTo("docker");
        assertThat(info.engineVersion()).isNotBlank();
        assertThat(info.apiVersion()).matches("1\\.\\d+");
        assertThat(info.details()).containsKeys("cgroupVersion", "storageDriver", "engineApiVersion");
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
