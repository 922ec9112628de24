package dev.raptor.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.messaging.MessageSocketPaths;
import dev.raptor.core.network.NetworkAttachment;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a server's container is made of: a {@link ServerSpec} translated into an engine create request.
 *
 * <ul>
 *   <li>Name {@code raptor-<uuid>}; labels: the spec's own, {@code dev.raptor.server}, {@code dev.raptor.spec-hash}
 *       and, when the runtime has one, {@code dev.raptor.node}.</li>
 *   <li>Ports: each allocation publishes {@code ip:port} on the host to {@code containerPort/proto} inside.</li>
 *   <li>Limits: memory MiB to bytes; {@code MemorySwap} = memory + swap (-1 unlimited, equal to memory = no
 *       swap); {@code NanoCPUs} = cpuPercent x 10^7; cpuset; pids; block-IO weight (left out where the engine
 *       cannot apply it); the OOM killer disabled only when the spec says so. Disk quotas are not the
 *       engine's business.</li>
 *   <li>Startup: with a startup command the image's entrypoint is replaced by {@code /bin/sh -c <startup>}
 *       (so the image needs a {@code /bin/sh}) running in {@value ServerSpec#DATA_MOUNT}, the same
 *       command line and working directory the process runtime uses. Without one the image's entrypoint
 *       and command run unchanged. Either way {@code STARTUP} is in the environment, for images whose
 *       entrypoint reads it (Pterodactyl-style images). {@code sh -c} execs a single simple command, so
 *       the game itself is PID 1 and gets the signals; compound command lines should end in {@code exec}.</li>
 *   <li>Console: stdin open and kept open across attaches ({@code OpenStdin}, not {@code StdinOnce}), no TTY,
 *       so output is multiplexed stdout/stderr and {@code sendInput} can attach any number of times.</li>
 *   <li>Nothing is left to the engine's defaults: the restart policy is {@code no} (Raptor supervises restarts
 *       itself), every limit is written, the unlimited ones too (memory 0, swap -1, CPUs 0, cpuset empty, pids -1,
 *       the OOM killer on), extra hosts are an explicit list, and a spec without a health check switches the
 *       image's own off ({@code NONE}).</li>
 *   <li>Networks: the spec's first network is the container's network mode (the engine's {@code bridge} without
 *       one); it answers there, and on every other network of the spec (joined by {@link DockerRuntime#create}
 *       right after), to its container name, its server name when that is a host name, and its aliases.</li>
 *   <li>Logs: json-file, 3 x 10 MiB, so a flooding server cannot fill the disk and {@code logs} can always
 *       read back history whatever the engine's default driver is.</li>
 * </ul>
 */
public final class ContainerBlueprint {
    private static final long MIB = 1024L * 1024L;
    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private ContainerBlueprint() {
    }

    /** Fills {@code cmd} (created for the spec's image) with everything else of the spec. */
    static CreateContainerCmd apply(CreateContainerCmd cmd, ServerSpec spec, Path dataDir, String node, boolean blkioWeight) {
        cmd.withName(RuntimeLabels.containerName(spec.id()))
                .withLabels(labels(spec, node))
                .withEnv(environment(spec))
                .withExposedPorts(exposedPorts(spec))
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withStdinOpen(true)
                .withStdInOnce(false)
                .withTty(false);
        if (spec.startup() != null) {
            cmd.withEntrypoint("/bin/sh", "-c", spec.startupCommand())
                    .withCmd(List.of())
                    .withWorkingDir(ServerSpec.DATA_MOUNT);
        }
        cmd.withHealthcheck(spec.healthCheck() == null ? new HealthCheck().withTest(List.of("NONE")) : healthCheck(spec.healthCheck()));
        cmd.withHostConfig(hostConfig(spec, dataDir, blkioWeight));
        if (!spec.networks().isEmpty()) {
            cmd.withAliases(aliases(spec, spec.networks().getFirst()));
        }
        return cmd;
    }

    /** The names the server answers to on {@code network}: its aliases there, and its name when that is a host name. */
    static List<String> aliases(ServerSpec spec, NetworkAttachment network) {
        List<String> names = new ArrayList<>(network.aliases());
        if (HOST_NAME.matcher(spec.name()).matches() && !names.contains(spec.name())) {
            names.add(spec.name());
        }
        return names;
    }

    /**
     * The labels of a server's container: the spec's own, the server id, the spec hash and, when set, the node
     * (also what raptor-swarm puts on a server's service and its task containers).
     */
    public static Map<String, String> labels(ServerSpec spec, String node) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(RuntimeLabels.SERVER, spec.id().toString());
        labels.put(RuntimeLabels.SPEC_HASH, SpecHash.of(spec));
        if (node != null) {
            labels.put(RuntimeLabels.NODE, node);
        }
        return labels;
    }

    /** The container's environment: the spec's, Raptor's own variables and, with messaging, the socket's path. */
    public static List<String> environment(ServerSpec spec) {
        List<String> env = new ArrayList<>();
        spec.effectiveEnvironment().forEach((k, v) -> env.add(k + "=" + v));
        if (spec.messaging()) {
            env.add(ServerSpec.MESSAGE_SOCKET_ENV + "=" + MessageSocketPaths.CONTAINER_PATH);
        }
        return env;
    }

    private static List<ExposedPort> exposedPorts(ServerSpec spec) {
        Set<ExposedPort> exposed = new LinkedHashSet<>();
        for (Allocation a : spec.allocations()) {
            exposed.add(exposedPort(a));
        }
        return List.copyOf(exposed);
    }

    private static ExposedPort exposedPort(Allocation a) {
        return a.protocol() == Protocol.UDP ? ExposedPort.udp(a.containerPort()) : ExposedPort.tcp(a.containerPort());
    }

    private static HostConfig hostConfig(ServerSpec spec, Path dataDir, boolean blkioWeight) {
        Ports ports = new Ports();
        for (Allocation a : spec.allocations()) {
            ports.bind(exposedPort(a), Ports.Binding.bindIpAndPort(a.ip(), a.port()));
        }
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(dataDir.toAbsolutePath().normalize().toString(), new Volume(ServerSpec.DATA_MOUNT), AccessMode.rw));
        for (Mount m : spec.mounts()) {
            binds.add(new Bind(m.source(), new Volume(m.target()), m.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        if (spec.messaging()) {
            // the directory, not the socket: a running container then sees the socket a restarted daemon binds anew
            binds.add(new Bind(MessageSocketPaths.directoryOf(dataDir, spec.id()).toString(),
                    new Volume(MessageSocketPaths.CONTAINER_DIRECTORY), AccessMode.rw));
        }
        return HostConfig.newHostConfig()
                .withPortBindings(ports)
                .withBinds(binds)
                .withRestartPolicy(NO_RESTART)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3")))
                .withExtraHosts(spec.extraHosts().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toArray(String[]::new))
                .withNetworkMode(spec.networks().isEmpty() ? DEFAULT_NETWORK : spec.networks().getFirst().name())
                .withMemory(memoryBytes(spec.limits()))
                .withMemorySwap(memorySwapBytes(spec.limits()))
                .withNanoCPUs(spec.limits().cpuPercent() * 10_000_000L)
                .withCpusetCpus(spec.limits().threads() == null ? "" : spec.limits().threads())
                .withPidsLimit(spec.limits().pidsLimit() > 0 ? spec.limits().pidsLimit() : UNLIMITED_PIDS)
                .withOomKillDisable(!spec.limits().oomKiller())
                .withBlkioWeight(blkioWeight ? spec.limits().ioWeight() : null);
    }

    /**
     * {@code {"Name": "no", "MaximumRetryCount": 0}}, spelled out: docker-java's {@code noRestart()} sends an empty name,
     * which is the engine's default rather than a decision.
     */
    private static final RestartPolicy NO_RESTART = new com.fasterxml.jackson.databind.ObjectMapper()
            .convertValue(Map.of("Name", "no", "MaximumRetryCount", 0), RestartPolicy.class);

    /** The engine's own bridge, which a container without networks of its own joins. */
    static final String DEFAULT_NETWORK = "bridge";
    /** What the engine reads as "no process limit". */
    static final long UNLIMITED_PIDS = -1;

    /** {@code Memory}: the limit in bytes; 0 = none. */
    static long memoryBytes(Limits limits) {
        return limits.memoryMiB() * MIB;
    }

    /** {@code MemorySwap}: memory plus swap; -1 = unlimited swap (and always so without a memory limit). */
    static long memorySwapBytes(Limits limits) {
        return limits.memoryMiB() == 0 || limits.swapMiB() < 0 ? -1L : (limits.memoryMiB() + limits.swapMiB()) * MIB;
    }

    private static HealthCheck healthCheck(dev.raptor.core.server.HealthCheck check) {
        return new HealthCheck()
                .withTest(List.of("CMD-SHELL", check.command()))
                .withInterval(check.interval().toNanos())
                .withTimeout(check.timeout().toNanos())
                .withRetries(check.retries())
                .withStartPeriod(check.startPeriod().toNanos());
    }
}
