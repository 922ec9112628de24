package dev.raptor.daemon;

import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.process.ProcessRuntime;
import dev.raptor.process.ProcessRuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Opens the container runtime the configuration asks for: Docker at {@code DOCKER_HOST}, the process
 * runtime (records in {@code <dataDir>/process}), or (auto) Docker when an engine answers and the
 * process runtime otherwise.
 */
final class RuntimeSelector {
    private static final Logger log = LoggerFactory.getLogger(RuntimeSelector.class);
    private static final Duration PROBE = Duration.ofSeconds(10);
    /** The process runtime's records, under the data directory. */
    static final String PROCESS_STATE = "process";

    private RuntimeSelector() {
    }

    /** @throws BootException when the chosen runtime cannot be used */
    static ContainerRuntime open(DaemonConfig config) {
        return switch (config.runtime()) {
            case DOCKER -> {
                DockerRuntime docker = docker(config);
                probe(docker).ifPresent(problem -> {
                    docker.close();
                    throw new BootException("RAPTOR_RUNTIME=docker, but no Docker Engine answers at " + config.dockerHost()
                            + ": " + problem + ". Start the engine, or point DOCKER_HOST at it.");
                });
                yield docker;
            }
            case PROCESS -> process(config, "RAPTOR_RUNTIME=process");
            case AUTO -> {
                DockerRuntime docker = docker(config);
                var problem = probe(docker);
                if (problem.isEmpty()) {
                    log.info("runtime auto: a Docker Engine answers at {}; using it", config.dockerHost());
                    yield docker;
                }
                docker.close();
                log.info("runtime auto: no Docker Engine at {} ({}); using the process runtime", config.dockerHost(), problem.get());
                yield process(config, "RAPTOR_RUNTIME=auto found no Docker Engine at " + config.dockerHost() + " (" + problem.get() + ")");
            }
        };
    }

    private static DockerRuntime docker(DaemonConfig config) {
        return DockerRuntime.connect(DockerRuntimeConfig.of(config.dockerHost()).withNode(config.node()));
    }

    /** Why the engine does not answer, or empty when it does. */
    private static java.util.Optional<String> probe(ContainerRuntime runtime) {
        try {
            RuntimeInfo info = runtime.info(Deadline.in(PROBE));
            log.info("engine: {} {} (API {}){}", info.runtime(), info.engineVersion(), info.apiVersion(),
                    info.warnings().isEmpty() ? "" : "; warnings: " + String.join("; ", info.warnings()));
            return java.util.Optional.empty();
        } catch (EngineException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** The process runtime, keeping its records in {@code <dataDir>/process}. */
    private static ContainerRuntime process(DaemonConfig config, String why) {
        try {
            ProcessRuntime runtime = ProcessRuntime.open(ProcessRuntimeConfig.at(config.dataDir().resolve(PROCESS_STATE)));
            RuntimeInfo info = runtime.info(Deadline.in(PROBE));
            log.info("runtime: process {} on this host", info.engineVersion());
            return runtime;
        } catch (EngineException | IllegalArgumentException e) {
            throw new BootException(why + ", and the process runtime cannot run here: " + e.getMessage());
        }
    }
}
