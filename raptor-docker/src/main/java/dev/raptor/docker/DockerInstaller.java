package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Volume;
import dev.raptor.core.install.InstallException;
import dev.raptor.core.install.InstallJob;
import dev.raptor.core.install.InstallRunner;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Install scripts on Docker, as Wings runs them: a helper container {@code raptor-<id>-installer} of the install
 * image, labelled {@code dev.raptor.installer=<id>} (and the node), with the server's effective environment, its
 * volume at {@code /mnt/server}, the script at {@code /mnt/install/install.sh} (read-only) run by the egg's
 * entrypoint shell, and at least the server's limits (memory at least 1 GiB, as installers download and unpack).
 * Its output is streamed as it comes; the helper is removed however the install ends.
 */
public final class DockerInstaller implements InstallRunner {
    private static final Logger log = LoggerFactory.getLogger(DockerInstaller.class);
    private static final long MIB = 1024L * 1024L;
    private static final long MIN_MEMORY_MIB = 1024;
    private static final Duration CALL = Duration.ofSeconds(30);
    /** How long after a create the engine never answered its helper is removed by name a second time. */
    static final Duration LATE_CREATE = Duration.ofSeconds(30);
    /** The install of each server that runs now (or ran last): a late removal never touches a later install's helper. */
    private final Map<UUID, Object> installs = new java.util.concurrent.ConcurrentHashMap<>();

    private final DockerRuntime runtime;
    private final Path scriptsRoot;

    /**
     * @param scriptsRoot where the scripts are written for the engine to mount (one directory per install, removed
     *                    after it); it must be on the engine's host
     */
    public DockerInstaller(DockerRuntime runtime, Path scriptsRoot) {
        this.runtime = runtime;
        this.scriptsRoot = scriptsRoot;
    }

    static String name(UUID serverId) {
        return RuntimeLabels.containerName(serverId) + "-installer";
    }

    @Override
    public int run(InstallJob job, Consumer<String> output, Deadline deadline) throws InterruptedException {
        UUID id = job.spec().id();
        Object install = new Object();
        installs.put(id, install);
        removeHelpers(id);
        Path dir = writeScript(id, job.script().script());
        ContainerRef ref = null;
        Subscription logs = null;
        boolean removingLate = false;
        try {
            // the create and the start finish even when a kill cancels the install meanwhile (each has its deadline):
            // an abandoned create would land in the engine later and leave a helper nobody removes
            String containerId;
            try {
                containerId = finishing(() -> runtime.calls().run("create-installer", id, Deadline.in(CALL), () -> create(job, dir).getId()));
            } catch (EngineException.Timeout noAnswer) {
                removingLate = true;
                removeLate(id, install);
                throw noAnswer;
            }
            ref = new ContainerRef(containerId, name(id), id);
            log.atInfo().addKeyValue("server", id).addKeyValue("container", containerId).addKeyValue("image", job.image())
                    .log("install helper created");
            ContainerRef created = ref;
            finishing(() -> {
                runtime.start(created, Deadline.in(CALL));
                return null;
            });
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("install cancelled");
            }
            CountDownLatch drained = new CountDownLatch(1);
            // every line from the first (a short script may be over before the stream opens), then new ones
            logs = runtime.logs(ref, LogRequest.follow(-1), new StreamSink<>() {
                @Override
                public void next(LogLine line) {
                    output.accept(line.text());
                }

                @Override
                public void end(Throwable error) {
                    drained.countDown();
                }
            });
            Optional<Integer> code = runtime.awaitExit(ref, deadline);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("install cancelled"); // the wait ends early, empty, when interrupted
            }
            if (code.isEmpty()) {
                throw new InstallException("the install script still ran when its time was up; it was killed", null);
            }
            drained.await(5, TimeUnit.SECONDS); // the engine ends the stream with the container: keep its last lines
            return code.get();
        } catch (EngineException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("install cancelled");
            }
            throw new InstallException("the install helper failed: " + e.getMessage(), e);
        } finally {
            boolean interrupted = Thread.interrupted(); // the clean-up below must not be cut short
            if (logs != null) {
                logs.close();
            }
            if (ref != null) {
                removeQuietly(ref);
            }
            deleteScript(dir);
            if (!removingLate) {
                installs.remove(id, install);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code call} on a thread of its own and waits for it to finish even if interrupted meanwhile (the interrupt
     * is kept for the caller to see afterwards).
     */
    private static <T> T finishing(java.util.concurrent.Callable<T> call) {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("raptor-install-call").start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new InstallException(e.getCause().toString(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private CreateContainerResponse create(InstallJob job, Path scriptDir) {
        DockerClient client = runtime.connection().clients().calls();
        UUID id = job.spec().id();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(RuntimeLabels.INSTALLER, id.toString());
        if (runtime.config().node() != null) {
            labels.put(RuntimeLabels.NODE, runtime.config().node());
        }
        List<String> env = new ArrayList<>();
        job.spec().effectiveEnvironment().forEach((k, v) -> env.add(k + "=" + v));
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(new Bind(job.dataDir().toAbsolutePath().normalize().toString(), new Volume("/mnt/server"), AccessMode.rw),
                        new Bind(scriptDir.toString(), new Volume("/mnt/install"), AccessMode.ro))
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "1")));
        Limits limits = job.spec().limits();
        if (limits.memoryMiB() > 0) {
            host.withMemory(Math.max(limits.memoryMiB(), MIN_MEMORY_MIB) * MIB);
        }
        if (limits.cpuPercent() > 0) {
            host.withNanoCPUs(limits.cpuPercent() * 10_000_000L);
        }
        if (limits.pidsLimit() > 0) {
            host.withPidsLimit((long) Math.max(limits.pidsLimit(), 256));
        }
        try {
            return client.createContainerCmd(job.image()).withName(name(id)).withLabels(labels).withEnv(env)
                    .withEntrypoint(job.script().entrypoint(), "/mnt/install/install.sh").withCmd(List.of())
                    .withWorkingDir("/mnt/server").withAttachStdout(true).withAttachStderr(true).withTty(false)
                    .withHostConfig(host).exec();
        } catch (NotFoundException missingImage) {
            throw new InstallException("the install image " + job.image() + " is not present on the engine", missingImage);
        }
    }

    @Override
    public List<UUID> removeLeftovers(Deadline deadline) {
        List<String> filter = new ArrayList<>(List.of(RuntimeLabels.INSTALLER));
        if (runtime.config().node() != null) {
            filter.add(RuntimeLabels.NODE + "=" + runtime.config().node());
        }
        List<Container> found = runtime.calls().run("list-installers", null, deadline, () -> runtime.connection().clients().calls()
                .listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
        List<UUID> servers = new ArrayList<>();
        for (Container c : found) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            if (runtime.config().node() == null && labels.containsKey(RuntimeLabels.NODE)) {
                continue; // a named daemon's helper
            }
            UUID server;
            try {
                server = UUID.fromString(labels.get(RuntimeLabels.INSTALLER));
            } catch (RuntimeException e) {
                continue;
            }
            removeQuietly(new ContainerRef(c.getId(), name(server), server));
            servers.add(server);
        }
        return servers;
    }

    /**
     * A create the engine did not answer within its deadline may still land, later (an engine under load): its helper is
     * removed by name now and once more after {@link #LATE_CREATE}, unless another install of the server began meanwhile
     * (it removes what an earlier one left as it begins, and its own helper has the same name).
     */
    private void removeLate(UUID id, Object install) {
        Thread.ofVirtual().name("raptor-install-late-remove").start(() -> {
            try {
                for (int attempt = 0; attempt < 2; attempt++) {
                    if (attempt > 0) {
                        Thread.sleep(LATE_CREATE);
                    }
                    if (installs.get(id) != install) {
                        return;
                    }
                    try {
                        removeHelpers(id);
                    } catch (EngineException e) {
                        log.atWarn().addKeyValue("server", id).addKeyValue("error", e.getMessage())
                                .log("could not remove an install helper whose create had no answer (collected at the next boot)");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                installs.remove(id, install);
            }
        });
    }

    /** Removes helpers of {@code id} an earlier install left (by name: at most one can exist). */
    private void removeHelpers(UUID id) {
        try {
            runtime.remove(new ContainerRef(name(id), name(id), id), Deadline.in(CALL));
        } catch (EngineException.NotFound gone) {
            // none: the usual case
        }
    }

    private void removeQuietly(ContainerRef ref) {
        try {
            runtime.remove(ref, Deadline.in(CALL));
            log.atInfo().addKeyValue("server", ref.serverId()).addKeyValue("container", ref.id()).log("install helper removed");
        } catch (EngineException.NotFound gone) {
            // already gone
        } catch (EngineException e) {
            log.atWarn().addKeyValue("server", ref.serverId()).addKeyValue("error", e.getMessage()).log("could not remove the install helper");
        }
    }

    private Path writeScript(UUID id, String script) {
        try {
            Files.createDirectories(scriptsRoot);
            Path dir = Files.createTempDirectory(scriptsRoot, id + "-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path file = dir.resolve("install.sh");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new InstallException("cannot write the install script under " + scriptsRoot + ": " + e.getMessage(), e);
        }
    }

    private static void deleteScript(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("install.sh"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).addKeyValue("error", e.toString()).log("could not delete an install script");
        }
    }
}
