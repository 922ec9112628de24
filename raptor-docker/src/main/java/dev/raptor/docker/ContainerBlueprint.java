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
 *   <li>The engine's restart policy stays {@code no}: Raptor supervises restarts itself.</li>
 *   <li>Logs: json-file, 3 x 10 MiB, so a flooding server cannot fill the disk and {@code logs} can always
 *       read back history whatever the engine's default driver is.</li>
 * </ul>
 */
final class ContainerBlueprint {
    private static final long MIB = 1024L * 1024L;

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
        if (spec.healthCheck() != null) {
            cmd.withHealthcheck(healthCheck(spec.healthCheck()));
        }
        cmd.withHostConfig(hostConfig(spec, dataDir, blkioWeight));
        return cmd;
    }

    static Map<String, String> labels(ServerSpec spec, String node) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(RuntimeLabels.SERVER, spec.id().toString());
        labels.put(RuntimeLabels.SPEC_HASH, SpecHash.of(spec));
        if (node != null) {
            labels.put(RuntimeLabels.NODE, node);
        }
        return labels;
    }

    static List<String> environment(ServerSpec spec) {
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
        HostConfig host = HostConfig.newHostConfig()
                .withPortBindings(ports)
                .withBinds(binds)
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3")));
        if (!spec.extraHosts().isEmpty()) {
            host.withExtraHosts(spec.extraHosts().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue())
                    .toArray(String[]::new));
        }
        applyLimits(host, spec.limits(), blkioWeight);
        return host;
    }

    private static void applyLimits(HostConfig host, Limits limits, boolean blkioWeight) {
        if (limits.memoryMiB() > 0) {
            long memory = limits.memoryMiB() * MIB;
            host.withMemory(memory);
            host.withMemorySwap(limits.swapMiB() < 0 ? -1L : memory + limits.swapMiB() * MIB);
        }
        if (limits.cpuPercent() > 0) {
            host.withNanoCPUs(limits.cpuPercent() * 10_000_000L);
        }
        if (limits.threads() != null) {
            host.withCpusetCpus(limits.threads());
        }
        if (limits.pidsLimit() > 0) {
            host.withPidsLimit((long) limits.pidsLimit());
        }
        if (blkioWeight) {
            host.withBlkioWeight(limits.ioWeight());
        }
        if (!limits.oomKiller()) {
            host.withOomKillDisable(true);
        }
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
