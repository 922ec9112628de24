package dev.raptor.swarm;

import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.messaging.MessageSocketPaths;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.docker.ContainerBlueprint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server's Swarm service is made of: the container the Docker runtime would make
 * ({@link ContainerBlueprint}'s labels and environment, the same startup command, data mount and console), as a
 * service that Swarm schedules once and never on its own again:
 *
 * <ul>
 *   <li>replicated, 0 replicas when created (the controller's start makes it 1); restart condition {@code none}:
 *       Raptor restarts servers, by its restart policy, never Swarm;</li>
 *   <li>a placement constraint {@code node.hostname==<node>} to the node chosen at create ({@link NodePlacement}),
 *       also written as the label {@value #NODE_LABEL} on the service and its containers;</li>
 *   <li>endpoint mode {@code dnsrr} and every allocation published in {@code host} mode: the port opens on the
 *       node that runs the server, on all of its addresses (Swarm cannot bind one address), without the routing
 *       mesh;</li>
 *   <li>memory and CPU limits (Swarm services carry no swap, pids, cpuset or block-IO limits: said by
 *       {@link SwarmRuntime#info});</li>
 *   <li>json-file logs, 3 x 10 MiB, as on the Docker runtime.</li>
 * </ul>
 */
final class ServiceBlueprint {
    /** Label (on the service and its containers) naming the node the server is pinned to. */
    static final String NODE_LABEL = "dev.raptor.swarm.node";
    private static final long MIB = 1024L * 1024L;

    private ServiceBlueprint() {
    }

    static ServiceSpec of(ServerSpec spec, Path dataDir, String raptorNode, String hostname) {
        Map<String, String> labels = new LinkedHashMap<>(ContainerBlueprint.labels(spec, raptorNode));
        labels.put(NODE_LABEL, hostname);
        ContainerSpec container = new ContainerSpec()
                .withImage(spec.image())
                .withLabels(labels)
                .withEnv(ContainerBlueprint.environment(spec))
                .withMounts(mounts(spec, dataDir))
                .withOpenStdin(true)
                .withTty(false);
        if (spec.startup() != null) {
            container.withCommand(List.of("/bin/sh", "-c", spec.startup())).withArgs(List.of()).withDir(ServerSpec.DATA_MOUNT);
        }
        if (!spec.extraHosts().isEmpty()) {
            container.withHosts(spec.extraHosts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
        }
        if (spec.healthCheck() != null) {
            container.withHealthCheck(new HealthCheck()
                    .withTest(List.of("CMD-SHELL", spec.healthCheck().command()))
                    .withInterval(spec.healthCheck().interval().toNanos())
                    .withTimeout(spec.healthCheck().timeout().toNanos())
                    .withRetries(spec.healthCheck().retries())
                    .withStartPeriod(spec.healthCheck().startPeriod().toNanos()));
        }
        ResourceSpecs limits = new ResourceSpecs();
        if (spec.limits().memoryMiB() > 0) {
            limits.withMemoryBytes(spec.limits().memoryMiB() * MIB);
        }
        if (spec.limits().cpuPercent() > 0) {
            limits.withNanoCPUs(spec.limits().cpuPercent() * 10_000_000L);
        }
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withResources(new ResourceRequirements().withLimits(limits))
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.NONE))
                .withPlacement(new ServicePlacement().withConstraints(List.of("node.hostname==" + hostname)))
                .withLogDriver(new Driver().withName("json-file").withOptions(Map.of("max-size", "10m", "max-file", "3")))
                .withForceUpdate(0);
        return new ServiceSpec()
                .withName(RuntimeLabels.containerName(spec.id()))
                .withLabels(labels)
                .withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(0)))
                // a start whose task fails must not pause the next one
                .withUpdateConfig(new UpdateConfig().withParallelism(1L).withFailureAction(UpdateFailureAction.CONTINUE))
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR).withPorts(ports(spec)));
    }

    private static List<Mount> mounts(ServerSpec spec, Path dataDir) {
        List<Mount> mounts = new ArrayList<>();
        mounts.add(bind(dataDir.toAbsolutePath().normalize().toString(), ServerSpec.DATA_MOUNT, false));
        for (dev.raptor.core.server.Mount m : spec.mounts()) {
            mounts.add(bind(m.source(), m.target(), m.readOnly()));
        }
        if (spec.messaging()) {
            mounts.add(bind(MessageSocketPaths.directoryOf(dataDir, spec.id()).toString(), MessageSocketPaths.CONTAINER_DIRECTORY, false));
        }
        return mounts;
    }

    private static Mount bind(String source, String target, boolean readOnly) {
        return new Mount().withType(MountType.BIND).withSource(source).withTarget(target).withReadOnly(readOnly);
    }

    private static List<PortConfig> ports(ServerSpec spec) {
        List<PortConfig> ports = new ArrayList<>();
        for (Allocation a : spec.allocations()) {
            ports.add(new PortConfig()
                    .withProtocol(a.protocol() == Protocol.UDP ? PortConfigProtocol.UDP : PortConfigProtocol.TCP)
                    .withTargetPort(a.containerPort())
                    .withPublishedPort(a.port())
                    .withPublishMode(PortConfig.PublishMode.host));
        }
        return ports;
    }
}
