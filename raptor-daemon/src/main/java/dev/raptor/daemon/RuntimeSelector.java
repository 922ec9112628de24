package dev.raptor.daemon;

import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.process.ProcessRuntime;
import dev.raptor.process.ProcessRuntimeConfig;
import dev.raptor.swarm.SwarmRuntime;
import dev.raptor.swarm.SwarmRuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;

/**
 * Opens the container runtime the configuration asks for: Docker at {@code DOCKER_HOST}, the process
 * runtime (records in {@code <dataDir>/process}), Docker Swarm (the manager at {@code DOCKER_HOST}, the nodes'
 * engines from {@code RAPTOR_SWARM_NODES}), or (auto) Docker when an engine answers and the
 * process runtime otherwise; and says why, for the boot summary.
 */
final class RuntimeSelector {
    private static final Logger log = LoggerFactory.getLogger(RuntimeSelector.class);
    private static final Duration PROBE = Duration.ofSeconds(10);
    /** The process runtime's records, under the data directory. */
    static final String PROCESS_STATE = "process";

    private RuntimeSelector() {
    }

    /**
     * The runtime in use and why it was chosen.
     *
     * @param runtime the open runtime
     * @param info    what it said about itself when probed
     * @param why     why this one, e.g. "no Docker Engine at unix:///var/run/docker.sock: ..."
     */
    record Selected(ContainerRuntime runtime, RuntimeInfo info, String why) {
    }

    /** @throws BootException when the chosen runtime cannot be used */
    static Selected open(DaemonConfig config) {
        return switch (config.runtime()) {
            case DOCKER -> {
                DockerRuntime docker = docker(config);
                Probe probe = probe(docker);
                if (probe.problem() != null) {
                    docker.close();
                    throw new BootException("RAPTOR_RUNTIME=docker, but no Docker Engine answers at " + config.dockerHost()
                            + ": " + probe.problem() + ". Start the engine, or point DOCKER_HOST at it.");
                }
                yield new Selected(docker, probe.info(), "RAPTOR_RUNTIME=docker, the engine at " + config.dockerHost());
            }
            case PROCESS -> process(config, "RAPTOR_RUNTIME=process", "RAPTOR_RUNTIME=process");
            case SWARM -> {
                SwarmRuntime swarm = SwarmRuntime.connect(new SwarmRuntimeConfig(URI.create(config.dockerHost()), config.swarmNodes(), config.node(),
                        config.swarmVolumes(), config.swarmHelperImage(), config.swarmTlsCerts()));
                Probe probe = probe(swarm);
                if (probe.problem() != null) {
                    swarm.close();
                    throw new BootException("RAPTOR_RUNTIME=swarm, but the swarm manager at " + config.dockerHost() + " does not answer: "
                            + probe.problem() + ". Point DOCKER_HOST at a manager's engine.");
                }
                yield new Selected(swarm, probe.info(), "RAPTOR_RUNTIME=swarm, the manager at " + config.dockerHost()
                        + ", nodes " + String.join(", ", config.swarmNodes().keySet()));
            }
            case AUTO -> {
                DockerRuntime docker = docker(config);
                Probe probe = probe(docker);
                if (probe.problem() == null) {
                    log.debug("runtime auto: a Docker Engine answers at {}; using it", config.dockerHost());
                    yield new Selected(docker, probe.info(), "a Docker Engine answers at " + config.dockerHost());
                }
                docker.close();
                log.debug("runtime auto: no Docker Engine at {} ({}); using the process runtime", config.dockerHost(), probe.problem());
                yield process(config, "RAPTOR_RUNTIME=auto found no Docker Engine at " + config.dockerHost() + " (" + probe.problem() + ")",
                        "no Docker Engine at " + config.dockerHost() + ": " + probe.problem());
            }
        };
    }

    private static DockerRuntime docker(DaemonConfig config) {
        return DockerRuntime.connect(DockerRuntimeConfig.of(config.dockerHost()).withNode(config.node())
                .withRegistries(config.registries()));
    }

    /** What the engine says about itself, or why it does not answer. */
    private record Probe(RuntimeInfo info, String problem) {
    }

    private static Probe probe(ContainerRuntime runtime) {
        try {
            RuntimeInfo info = runtime.info(Deadline.in(PROBE));
            info.warnings().forEach(w -> log.warn("engine: {}", w));
            return new Probe(info, null);
        } catch (EngineException e) {
            return new Probe(null, e.getMessage());
        }
    }

    /** The process runtime, keeping its records in {@code <dataDir>/process}, running servers as {@code serverUser}. */
    private static Selected process(DaemonConfig config, String refusal, String why) {
        try {
            ProcessRuntime runtime = ProcessRuntime.open(ProcessRuntimeConfig.at(config.dataDir().resolve(PROCESS_STATE))
                    .withServerUser(config.serverUser()));
            return new Selected(runtime, runtime.info(Deadline.in(PROBE)), why);
        } catch (EngineException | IllegalArgumentException e) {
            throw new BootException(refusal + ", and the process runtime cannot run here: " + e.getMessage());
        }
    }
}
