package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.raptor.core.allocation.BindProbe;
import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.allocation.IpLiteral;
import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.ImageReference;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkAttachment;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.core.node.NodeState;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link ContainerRuntime} on a Docker Engine, through docker-java (core + the Apache httpclient5
 * transport).
 *
 * <ul>
 *   <li><b>Deadlines:</b> every call runs on a virtual thread of its own ({@link EngineCalls}); at the deadline
 *       the caller gets {@link EngineException.Timeout} and the call's sockets are closed by interrupting the
 *       threads blocked on them (docker-java's Unix socket ignores read timeouts, so this is the mechanism
 *       that actually works; the transport's timeouts are configured as a backstop for TCP).</li>
 *   <li><b>Stateless:</b> nothing is remembered about servers; containers are found by label. Console input
 *       is a short attach per line ({@link StdinAttach}).</li>
 *   <li><b>Streams:</b> logs, stats and events are {@link Subscription}s over streaming calls (stats and
 *       events through docker-java; history read frame by frame with the engine's timestamps by
 *       {@link EngineLogStream}; followed output from the container's attach stream after its history, joined
 *       without a gap or a repeat by {@link AttachedLogStream}, because the log's own follow stream loses lines
 *       when the log rotates); {@link #openStreams()} counts the ones whose reader has not finished.</li>
 *   <li><b>API version:</b> negotiated on first use, see {@link EngineConnection}. Construction does no I/O.</li>
 * </ul>
 *
 * <p>Container layout (ports, limits, startup command, console, networks): see {@link ContainerBlueprint}. Exec:
 * {@link ExecCommands}, {@link DockerExecSession}. Images: pulls with per-registry credentials ({@link ImagePull}); a
 * commit carries the server's files, and a server made from such an image starts with them ({@link ServerFilesInImages}).
 * Networks: bridges labelled as this runtime's ({@link NetworkFacts#NETWORK_LABEL} and the node).
 */
public final class DockerRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
    /**
     * Inspects in flight at once when a listing needs each container's details (boot, the sweep): a few keep the
     * engine busy without taking a large share of its connections or of a small machine's cores.
     */
    static final int INSPECT_PARALLELISM = 8;

    private final DockerRuntimeConfig config;
    private final EngineConnection connection;
    private final EngineCalls calls = new EngineCalls();
    /** What image inspects said (id, labels), trusted while the engine's image events say nothing changed. */
    private final KnownImages knownImages = new KnownImages();
    private final OpenStreams streams = new OpenStreams();
    private final EngineCapabilities capabilities = new EngineCapabilities();
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DockerRuntime(DockerRuntimeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.connection = new EngineConnection(config);
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("raptor-docker-timer").factory());
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** A runtime for the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://host:2375}). No I/O happens yet. */
    public static DockerRuntime connect(String dockerHost) {
        return connect(DockerRuntimeConfig.of(dockerHost));
    }

    /** A runtime with explicit settings. No I/O happens yet: an unreachable engine shows at the first call. */
    public static DockerRuntime connect(DockerRuntimeConfig config) {
        return new DockerRuntime(config);
    }

    /** The engine's connection, for the install helpers ({@link DockerInstaller}). */
    EngineConnection connection() {
        return connection;
    }

    EngineCalls calls() {
        return calls;
    }

    public DockerRuntimeConfig config() {
        return config;
    }

    /**
     * How a fleet on this engine checks host ports before using them: on this machine's sockets when the engine
     * runs here (a Unix socket, or TCP to a loopback address), leaving the ports {@code docker-proxy} holds to the
     * engine, which refuses a start whose port another container publishes ({@link EngineException.Conflict#portInUse()});
     * not at all for an engine elsewhere, whose host this machine cannot see.
     */
    public HostPorts hostPorts() {
        String scheme = config.dockerHost().getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = config.dockerHost().getHost();
        boolean local = scheme.equals("unix") || host != null && (host.equals("localhost") || IpLiteral.parse(host) != null
                && IpLiteral.parse(host).isLoopbackAddress());
        return local ? new BindProbe(Set.of(USERLAND_PROXY)) : HostPorts.UNCHECKED;
    }

    /** The engine's process that holds the host ports of the containers it publishes. */
    static final String USERLAND_PROXY = "docker-proxy";

    /** Subscriptions (logs, stats, events) whose engine stream or reader thread has not finished yet. */
    public int openStreams() {
        return streams.count();
    }

    /** Engine calls whose worker has not finished (calls abandoned at a deadline count until they unwind). */
    public int inFlightCalls() {
        return calls.inFlight();
    }

    /** Calls abandoned at their deadline since this runtime was created. */
    public int abandonedCalls() {
        return calls.abandoned();
    }

    /**
     * Runs {@code call} against this runtime's engine with the runtime's own machinery: its virtual-thread call
     * under {@code deadline} (abandoned and its sockets closed when the deadline passes) and its mapping of engine
     * errors to {@link EngineException}s. For runtimes built on this one that speak more of the Engine API than a
     * container runtime needs (raptor-swarm's services, tasks and nodes), so that they never grow a second way of
     * calling an engine.
     *
     * @param operation what the call is, for errors and logs
     * @param serverId  the server it is about, or null
     */
    public <T> T engineCall(String operation, UUID serverId, Deadline deadline, Function<DockerClient, T> call) {
        Objects.requireNonNull(call, "call");
        ensureOpen(operation);
        return calls.run(operation, serverId, deadline, () -> call.apply(connection.clients().calls()));
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public List<FieldError> check(ServerSpec spec) {
        if (spec.image() == null) {
            return List.of(new FieldError("image", "the docker runtime runs images: set an image such as ghcr.io/org/game:1.2"));
        }
        return List.of();
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        return calls.run("info", null, deadline, () -> {
            EngineConnection.Clients c = connection.clients();
            Info info = c.calls().infoCmd().exec();
            Version version = c.calls().versionCmd().exec();
            Map<String, String> details = new LinkedHashMap<>();
            put(details, "cgroupVersion", info.getCGroupVersion());
            put(details, "cgroupDriver", info.getCGroupDriver());
            put(details, "storageDriver", info.getDriver());
            put(details, "loggingDriver", info.getLoggingDriver());
            put(details, "kernel", info.getKernelVersion());
            put(details, "operatingSystem", info.getOperatingSystem());
            put(details, "cpus", info.getNCPU() == null ? null : info.getNCPU().toString());
            put(details, "memoryBytes", info.getMemTotal() == null ? null : info.getMemTotal().toString());
            put(details, "engineApiVersion", version.getApiVersion());
            put(details, "engineMinApiVersion", version.getMinAPIVersion());
            put(details, "dockerHost", config.dockerHost().toString());
            if (config.node() != null) {
                details.put("node", config.node());
            }
            return new RuntimeInfo(name(), info.getServerVersion(), c.apiVersion().getVersion(), details, warnings(info));
        });
    }

    /**
     * The engine's machine, as the engine describes it (its name, CPUs and memory: the engine may be on another host
     * than raptord); {@code down}, with the reason, when it does not answer within {@code deadline}.
     */
    @Override
    public List<RuntimeNode> nodes(Deadline deadline) {
        try {
            Info info = engineCall("nodes", null, deadline, c -> c.infoCmd().exec());
            String name = info.getName() == null || info.getName().isBlank() ? LocalMachine.hostname() : info.getName();
            return List.of(new RuntimeNode(name, NodeState.READY, null, null, info.getNCPU() == null ? 0 : info.getNCPU(),
                    info.getMemTotal() == null ? 0 : info.getMemTotal()));
        } catch (EngineException e) {
            return List.of(new RuntimeNode(LocalMachine.hostname(), NodeState.DOWN, "the engine at " + config.dockerHost()
                    + " does not answer: " + e.getMessage(), null, 0, 0));
        }
    }

    private List<String> warnings(Info info) {
        List<String> warnings = new ArrayList<>();
        if (info.getRawValues().get("Warnings") instanceof List<?> engineWarnings) {
            for (Object w : engineWarnings) {
                if (w != null && !w.toString().isBlank()) {
                    warnings.add(w.toString().strip());
                }
            }
        }
        if (Boolean.FALSE.equals(info.getMemoryLimit())) {
            warnings.add("memory limits (limits.memoryMiB) are not enforced: the engine has no memory cgroup");
        }
        if (Boolean.FALSE.equals(info.getSwapLimit())) {
            warnings.add("swap limits (limits.swapMiB) are not enforced by this kernel");
        }
        if (Boolean.FALSE.equals(info.getCpuCfsQuota())) {
            warnings.add("CPU limits (limits.cpuPercent) are not enforced: no CFS quota support");
        }
        if (Boolean.FALSE.equals(info.getCpuSet())) {
            warnings.add("CPU pinning (limits.threads) is not supported by this engine");
        }
        if (Boolean.FALSE.equals(info.getOomKillDisable())) {
            warnings.add("disabling the OOM killer (limits.oomKiller=false) is not supported by this kernel");
        }
        if (info.getRawValues().get("PidsLimit") instanceof Boolean pids && !pids) {
            warnings.add("process limits (limits.pidsLimit) are not enforced: no pids cgroup");
        }
        warnings.addAll(capabilities.warnings());
        return warnings;
    }

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        return calls.run("listOwned", null, deadline, () -> list(ownedFilter(null)));
    }

    /** The list alone: its answer names each container, its labels and its state, all a sweep compares. */
    @Override
    public List<ContainerInfo> listOwnedStates(Deadline deadline) {
        return calls.run("listOwned", null, deadline, () -> listed(ownedFilter(null)));
    }

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        Objects.requireNonNull(serverId, "serverId");
        return calls.run("find", serverId, deadline, () -> list(ownedFilter(serverId)));
    }

    /**
     * The list alone, without an inspect per match: its answer already names each container, its labels and its
     * state, which is all a delete or a kill reads (one engine call instead of one plus one per container).
     */
    @Override
    public List<ContainerInfo> findToRemove(UUID serverId, Deadline deadline) {
        Objects.requireNonNull(serverId, "serverId");
        return calls.run("find", serverId, deadline, () -> listed(ownedFilter(serverId)));
    }

    /** What the list call alone says about the owned containers matching {@code labelFilter}. */
    private List<ContainerInfo> listed(List<String> labelFilter) {
        List<ContainerInfo> out = new ArrayList<>();
        for (Container container : listOwnedContainers(connection.clients().calls(), labelFilter)) {
            ContainerInfo info = ContainerFacts.fromListed(container);
            if (info != null) {
                out.add(info);
            }
        }
        return out;
    }

    /**
     * The label filter of what this runtime owns: the server label (of one server, or any) and the node. The
     * engine cannot filter on a label's absence, so {@link #list} drops other nodes' containers when this
     * runtime has no node name.
     */
    private List<String> ownedFilter(UUID serverId) {
        List<String> filter = new ArrayList<>();
        filter.add(serverId == null ? RuntimeLabels.SERVER : RuntimeLabels.SERVER + "=" + serverId);
        if (config.node() != null) {
            filter.add(RuntimeLabels.NODE + "=" + config.node());
        }
        return filter;
    }

    private List<ContainerInfo> list(List<String> labelFilter) throws Exception {
        DockerClient client = connection.clients().calls();
        return ListedInspections.inspectAll(client, listOwnedContainers(client, labelFilter), INSPECT_PARALLELISM, connection.clock());
    }

    private List<Container> listOwnedContainers(DockerClient client, List<String> labelFilter) {
        List<Container> owned = new ArrayList<>();
        for (Container container : client.listContainersCmd().withShowAll(true).withLabelFilter(labelFilter).exec()) {
            if (config.node() == null && container.getLabels() != null && !isBlank(container.getLabels().get(RuntimeLabels.NODE))) {
                // a named daemon's: a daemon without a node name owns only containers without one (or with an empty one,
                // which a container made from a committed image inherits: ServerFilesInImages)
                continue;
            }
            owned.add(container);
        }
        return owned;
    }

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataDir, "dataDir");
        List<FieldError> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new EngineException.Rejected(spec.id(), "create", problems.toString(), null);
        }
        return calls.run("create", spec.id(), deadline, () -> {
            DockerClient client = connection.clients().calls();
            requireNetworks(client, spec);
            ServerFilesInImages.seed(connection.clients(), spec.image(), knownImages.labels(spec.image()),
                    dataDir.toAbsolutePath().normalize(), config.node());
            CreateContainerResponse created = createPullingIfMissing(client, spec, dataDir);
            joinOtherNetworks(client, spec, created.getId());
            if (created.getWarnings() != null) {
                capabilities.noteCreateWarnings(Arrays.asList(created.getWarnings()), spec.id());
            }
            log.info("container created server={} container={} image={}", spec.id(), created.getId(), spec.image());
            // everything an inspect would say about a container that was just created is known: no round trip
            Map<String, String> labels = ContainerBlueprint.labels(spec, config.node());
            return new ContainerInfo(new ContainerRef(created.getId(), RuntimeLabels.containerName(spec.id()), spec.id()),
                    labels.get(RuntimeLabels.SPEC_HASH), ContainerStatus.CREATED, null, false, null, null, null, labels);
        });
    }

    private CreateContainerResponse createPullingIfMissing(DockerClient client, ServerSpec spec, Path dataDir) throws Exception {
        boolean pulled = false;
        while (true) {
            try {
                return ContainerBlueprint.apply(client.createContainerCmd(spec.image()), spec, dataDir, config.node(),
                        capabilities.blkioWeight()).exec();
            } catch (NotFoundException missingImage) {
                if (EngineErrors.message(missingImage).startsWith("network ")) {
                    throw new EngineException.NotFound(spec.id(), "create", EngineErrors.message(missingImage)
                            + ": create it first (POST /api/v1/networks) or change the spec's networks", missingImage);
                }
                knownImages.forgetAll(); // known as present a moment ago, perhaps: it is not
                if (pulled || !config.pullMissingImages()) {
                    throw new EngineException.NotFound(spec.id(), "create", "image " + spec.image() + " is not present: "
                            + EngineErrors.message(missingImage), missingImage);
                }
                pull(client, spec);
                pulled = true;
            } catch (BadRequestException | InternalServerErrorException refused) {
                if (!capabilities.refusedBecauseOfBlkio(EngineErrors.message(refused))) {
                    throw refused;
                }
            } catch (ConflictException nameTaken) {
                throw nameConflict(client, spec, nameTaken);
            }
        }
    }

    /**
     * The name is taken. The engine reserves a name before the container shows in lists and inspects, so
     * the holder may still be being created (typically by an earlier create of this server that was
     * abandoned at its deadline or pre-empted: the engine finishes it anyway). Waiting (briefly) until it is
     * visible means that a {@code find} after this Conflict sees it; the message says whose it is.
     */
    private EngineException nameConflict(DockerClient client, ServerSpec spec, ConflictException cause) throws InterruptedException {
        String name = RuntimeLabels.containerName(spec.id());
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (true) {
            try {
                ContainerInfo holder = ContainerFacts.from(client.inspectContainerCmd(name).exec(), null, connection.clock());
                String whose = holder != null && holder.serverId().equals(spec.id())
                        ? "this server's container " + holder.ref().id() + " already exists (labelled " + RuntimeLabels.SERVER + "=" + spec.id() + ")"
                        : "a container named " + name + " exists that is not labelled as this server's";
                return new EngineException.Conflict(spec.id(), "create", whose + ": " + EngineErrors.message(cause), cause);
            } catch (NotFoundException notVisibleYet) {
                if (System.nanoTime() - until > 0) {
                    return new EngineException.Conflict(spec.id(), "create", EngineErrors.message(cause), cause);
                }
                Thread.sleep(50);
            }
        }
    }

    private void pull(DockerClient client, ServerSpec spec) throws Exception {
        log.info("pulling missing image server={} image={}", spec.id(), spec.image());
        try {
            ImagePull.pull(connection.clients().streams(), spec.image(), config.registries());
        } catch (ImagePull.ImagePullFailed | DockerException e) {
            throw new EngineException.NotFound(spec.id(), "create", "image " + spec.image()
                    + " is not present and could not be pulled: " + e.getMessage(), e);
        }
    }

    /** The engine would create a container on a network that does not exist and fail only at its start. */
    private static void requireNetworks(DockerClient client, ServerSpec spec) {
        for (NetworkAttachment n : spec.networks()) {
            try {
                client.inspectNetworkCmd().withNetworkId(n.name()).exec();
            } catch (NotFoundException e) {
                throw new EngineException.NotFound(spec.id(), "create", "network " + n.name()
                        + " not found: create it first (POST /api/v1/networks) or change the spec's networks", e);
            }
        }
    }

    /**
     * The engine joins a new container to its network mode only (the spec's first network); the others are joined
     * here, with the server's names there. A network that cannot be joined undoes the create.
     */
    private void joinOtherNetworks(DockerClient client, ServerSpec spec, String containerId) {
        try {
            for (NetworkAttachment n : spec.networks().stream().skip(1).toList()) {
                client.connectToNetworkCmd().withNetworkId(n.name()).withContainerId(containerId)
                        .withContainerNetwork(new ContainerNetwork().withAliases(ContainerBlueprint.aliases(spec, n))).exec();
            }
        } catch (RuntimeException e) {
            try {
                client.removeContainerCmd(containerId).withForce(true).exec();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        calls.perform("start", ref.serverId(), deadline, () -> {
            try {
                connection.clients().calls().startContainerCmd(ref.id()).exec();
            } catch (NotModifiedException alreadyRunning) {
                // idempotent: start on running is a no-op
            }
            return null;
        });
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        Objects.requireNonNull(line, "line");
        calls.perform("sendInput", ref.serverId(), deadline, () -> {
            StdinAttach.send(connection.clients(), ref.id(), ref.serverId(), line);
            return null;
        });
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        String name = normaliseSignal(signal);
        calls.perform("signal", ref.serverId(), deadline, () -> {
            sendSignal(ref, name);
            return null;
        });
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        calls.perform("kill", ref.serverId(), deadline, () -> {
            sendSignal(ref, "SIGKILL");
            return null;
        });
    }

    private void sendSignal(ContainerRef ref, String signal) {
        try {
            connection.clients().calls().killContainerCmd(ref.id()).withSignal(signal).exec();
        } catch (ConflictException e) {
            if (!EngineErrors.isNotRunning(e)) {
                throw e;
            }
            // idempotent: not running is a no-op
        }
    }

    private static String normaliseSignal(String signal) {
        if (signal == null || signal.isBlank()) {
            throw new IllegalArgumentException("signal is required, e.g. SIGTERM");
        }
        String s = signal.strip().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit)) {
            return s;
        }
        if (!s.matches("(SIG)?[A-Z0-9+-]+")) {
            throw new IllegalArgumentException("not a signal name: '" + signal + "'");
        }
        return s.startsWith("SIG") ? s : "SIG" + s;
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        calls.perform("remove", ref.serverId(), deadline, () -> {
            connection.clients().calls().removeContainerCmd(ref.id()).withForce(true).withRemoveVolumes(true).exec();
            log.info("container removed server={} container={}", ref.serverId(), ref.id());
            return null;
        });
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        return calls.run("inspect", ref.serverId(), deadline,
                () -> ContainerFacts.from(connection.clients().calls().inspectContainerCmd(ref.id()).exec(), ref.serverId(), connection.clock()));
    }

    /**
     * Uses the engine's wait endpoint (condition not-running), which answers its headers at once and its
     * body when the container stops. Past the deadline: empty if the engine had accepted the wait (the
     * container was still running), {@link EngineException.Timeout} if the engine never answered at all.
     */
    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        AtomicReference<AwaitedStream<WaitResponse>> waiting = new AtomicReference<>();
        try {
            return calls.run("awaitExit", ref.serverId(), deadline, false, () -> {
                AtomicReference<Integer> code = new AtomicReference<>();
                AwaitedStream<WaitResponse> wait = new AwaitedStream<>(r -> code.set(r.getStatusCode()));
                waiting.set(wait);
                connection.clients().streams().waitContainerCmd(ref.id()).exec(wait);
                wait.await();
                if (code.get() != null) {
                    return Optional.of(code.get());
                }
                ContainerInfo info = ContainerFacts.from(connection.clients().calls().inspectContainerCmd(ref.id()).exec(), ref.serverId(), connection.clock());
                return info.running() ? Optional.<Integer>empty() : Optional.ofNullable(info.exitCode());
            });
        } catch (EngineException.Timeout timeout) {
            AwaitedStream<WaitResponse> wait = waiting.get();
            if (wait != null && wait.started()) {
                return Optional.empty();
            }
            throw timeout;
        }
    }

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        return logs(ref, request, config.clock().instant(), sink);
    }

    /**
     * {@link #logs(ContainerRef, LogRequest, StreamSink)} as if asked for at {@code subscribedAt}: a follow then
     * delivers every line the engine's log stamps from that instant on, however late its stream is opened. For a
     * runtime built on this one that does engine calls of its own before it opens the stream (Swarm's node lookup):
     * it takes the instant of its own call, on this machine's clock.
     */
    public Subscription logs(ContainerRef ref, LogRequest request, Instant subscribedAt, StreamSink<LogLine> sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        UUID serverId = ref.serverId();
        ConsoleLineSplitter stdout = new ConsoleLineSplitter((at, text) -> sink.next(new LogLine(serverId, at, LogLine.Stream.STDOUT, text)));
        ConsoleLineSplitter stderr = new ConsoleLineSplitter((at, text) -> sink.next(new LogLine(serverId, at, LogLine.Stream.STDERR, text)));
        EngineStream<EngineLogStream.Piece> stream = new EngineStream<>(serverId, "logs", streams, new EngineStream.Handler<>() {
            @Override
            public void item(EngineLogStream.Piece piece) {
                // the piece's array is reused for the next one: the splitter copies what it keeps
                ConsoleLineSplitter splitter = piece.stream() == LogLine.Stream.STDERR ? stderr : stdout;
                splitter.accept(piece.at(), piece.bytes(), piece.offset(), piece.length());
            }

            @Override
            public void end(EngineException error, boolean byClose) {
                if (!byClose) {
                    stdout.flush();
                    stderr.flush();
                }
                sink.end(error);
            }
        });
        if (request.follow()) {
            // live output from the attach stream, which never rotates (see AttachedLogStream)
            return open(stream, clients -> AttachedLogStream.run(clients, config.dockerHost(), ref, request, subscribedAt, stream));
        }
        return open(stream, clients -> EngineLogStream.run(clients.streamTransport(),
                EngineLogStream.path(clients.apiVersion().getVersion(), ref.id(), request, clients.clock()), request.since(),
                clients.clock(), stream));
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        Objects.requireNonNull(sink, "sink");
        EngineStream<Statistics> stream = new EngineStream<>(ref.serverId(), "stats", streams, new EngineStream.Handler<>() {
            @Override
            public void item(Statistics s) {
                // a stopped container yields empty documents (read time 0001-01-01): no reading, nothing to say
                if (s.getRead() != null && !s.getRead().startsWith("0001-")) {
                    sink.next(StatsSamples.from(ref.serverId(), s));
                }
            }

            @Override
            public void end(EngineException error, boolean byClose) {
                sink.end(error);
            }
        });
        return open(stream, clients -> clients.streams().statsCmd(ref.id()).exec(stream));
    }

    /**
     * The engine's one-shot stats ({@code GET /containers/{id}/stats?stream=false&one-shot=true}, API 1.41): one
     * short request on the pooled call transport, no stream and no thread of docker-java's. The engine then skips
     * its second sample, so the reading carries no CPU percentage of its own but the CPU time since start, from
     * which the caller computes CPU between two readings. An engine older than 1.41 ignores {@code one-shot} and
     * answers after its usual second sample: slower, still correct.
     */
    @Override
    public Optional<StatsReading> readStats(ContainerRef ref, Deadline deadline) {
        Objects.requireNonNull(ref, "ref");
        ensureOpen("readStats");
        return calls.run("readStats", ref.serverId(), deadline, () -> {
            EngineConnection.Clients clients = connection.clients();
            DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.GET)
                    .path(StatsSamples.oneShotPath(clients.apiVersion().getVersion(), ref.id()))
                    .build();
            try (DockerHttpClient.Response response = connection.callTransport().execute(request)) {
                EngineLogStream.requireSuccess(response);
                return StatsSamples.reading(ref.serverId(), response.getBody());
            }
        });
    }

    /**
     * The container events of what this runtime owns ({@link EventsSubscription}), and with them, for as long as they are
     * followed, the engine's image events ({@link ImageWatch}), which keep what image inspects said true
     * ({@link KnownImages}) so that a start does not ask about its image again.
     */
    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen("events");
        Subscription containers = new EventsSubscription(connection, timer, config.streamOpenTimeout(), streams, ownedFilter(null), sink).start();
        Subscription images = new ImageWatch(connection, timer, config.streamOpenTimeout(), streams, knownImages).start();
        return new Subscription() {
            @Override
            public void close() {
                images.close();
                containers.close();
            }

            @Override
            public boolean isOpen() {
                return containers.isOpen();
            }
        };
    }

    /** Docker's {@code die} event carries the exit code, pushed as the container stops ({@link EventsSubscription}). */
    @Override
    public boolean tellsExitsAsTheyHappen() {
        return true;
    }

    // ------------------------------------------------------------------ exec

    /**
     * The engine's exec API; the output is read as it comes and bounded. Past the request's timeout the command is
     * killed ({@link ExecCommands#kill}: the engine has no call for it) and the answer says so.
     */
    @Override
    public ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline) {
        Objects.requireNonNull(request, "request");
        return calls.run("exec", ref.serverId(), deadline, () -> {
            long t0 = System.nanoTime();
            EngineConnection.Clients c = connection.clients();
            String execId;
            try {
                execId = ExecCommands.create(c.calls(), ref.id(), request, false);
            } catch (ConflictException notRunning) {
                throw new EngineException.Conflict(ref.serverId(), "exec", EngineErrors.message(notRunning), notRunning);
            }
            ExecOutput output = new ExecOutput(request.maxOutputBytes());
            AwaitedStream<Frame> stream = new AwaitedStream<>(output::add);
            c.streams().execStartCmd(execId).withTty(request.tty()).exec(stream);
            boolean ended = stream.awaitFor(request.timeout());
            boolean killed = false;
            if (!ended) {
                killed = ExecCommands.kill(c.calls(), ref.id(), execId);
                ended = killed && stream.awaitFor(Duration.ofSeconds(10));
                stream.close();
                if (!killed) {
                    log.atWarn().addKeyValue("server", ref.serverId()).addKeyValue("command", request.commandLine())
                            .log("an exec ran past its timeout and could not be killed from here; it goes on");
                }
            }
            Integer code = ended ? ExecCommands.exitCode(c.calls(), execId).orElse(null) : null;
            return new ExecResult(code, output.stdout(), output.stderr(), output.stdoutTruncated(), output.stderrTruncated(),
                    killed || !ended, Duration.ofNanos(System.nanoTime() - t0));
        });
    }

    @Override
    public ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline) {
        Objects.requireNonNull(listener, "listener");
        ensureOpen("execInteractive");
        String execId = calls.run("execCreate", ref.serverId(), deadline, () -> {
            try {
                return ExecCommands.create(connection.clients().calls(), ref.id(), request, true);
            } catch (ConflictException notRunning) {
                throw new EngineException.Conflict(ref.serverId(), "execInteractive", EngineErrors.message(notRunning), notRunning);
            }
        });
        return DockerExecSession.start(ref.serverId(), execId, request.tty(), calls, connection, streams, timer,
                config.streamOpenTimeout(), listener);
    }

    // ------------------------------------------------------------------ images

    @Override
    public List<ImageInfo> images(Deadline deadline) {
        return calls.run("images", null, deadline,
                () -> connection.clients().calls().listImagesCmd().exec().stream().map(ImageFacts::from).toList());
    }

    @Override
    public Optional<ImageInfo> inspectImage(String reference, Deadline deadline) {
        return calls.run("inspectImage", null, deadline, () -> {
            long before = knownImages.beforeInspect();
            try {
                var image = connection.clients().calls().inspectImageCmd(reference).exec();
                // a start asks this before its create, whose seed needs the labels: told, not asked again
                knownImages.remember(reference, image.getId(), image.getConfig() == null ? null : image.getConfig().getLabels(), before);
                return Optional.of(ImageFacts.from(image));
            } catch (NotFoundException e) {
                return Optional.<ImageInfo>empty();
            }
        });
    }

    /** Known without a call while the image events say nothing changed since an inspect found it ({@link KnownImages}). */
    @Override
    public boolean hasImage(String reference, Deadline deadline) {
        ensureOpen("hasImage");
        return knownImages.watched(reference) || inspectImage(reference, deadline).isPresent();
    }

    @Override
    public ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline) {
        return calls.run("pullImage", null, deadline, () -> {
            knownImages.forgetAll();
            try {
                ImagePull.pull(connection.clients().streams(), reference, config.registries(), progress);
            } catch (ImagePull.ImagePullFailed e) {
                throw new EngineException.NotFound(null, "pullImage", "could not pull " + reference + ": " + e.getMessage(), e);
            } catch (DockerException e) {
                // the engine answers a registry's refusal (no such image, no login) as its own error: it is not there to get
                throw new EngineException.NotFound(null, "pullImage", "could not pull " + reference + ": " + EngineErrors.message(e), e);
            }
            log.atInfo().addKeyValue("image", reference).log("image pulled");
            return ImageFacts.from(connection.clients().calls().inspectImageCmd(ImagePull.withTag(reference)).exec());
        });
    }

    @Override
    public void removeImage(String reference, Deadline deadline) {
        calls.perform("removeImage", null, deadline, () -> {
            knownImages.forgetAll();
            DockerClient client = connection.clients().calls();
            // Removing one tag of an image with several only untags it, and the engine allows that even when a container
            // was made from that name, whose next recreate would then fail: refused here like an image in use.
            String wanted = ImageReference.normalize(reference);
            for (Container c : client.listContainersCmd().withShowAll(true).exec()) {
                if (c.getImage() != null && ImageReference.isValid(c.getImage()) && ImageReference.normalize(c.getImage()).equals(wanted)) {
                    throw new EngineException.Conflict(null, "removeImage", "container " + c.getId().substring(0, 12)
                            + " (" + String.join(", ", c.getNames() == null ? new String[0] : c.getNames()) + ") was made from " + reference, null);
                }
            }
            client.removeImageCmd(reference).withForce(false).exec();
            log.atInfo().addKeyValue("image", reference).log("image removed");
            return null;
        });
    }

    /** See {@link ServerFilesInImages#commit}: the container's filesystem and the server's files, in one image. */
    @Override
    public ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline) {
        return calls.run("commit", ref.serverId(), deadline, () -> {
            knownImages.forgetAll();
            EngineConnection.Clients c = connection.clients();
            Path dataDir = dataDirOf(c.calls().inspectContainerCmd(ref.id()).exec(), ref);
            String id = ServerFilesInImages.commit(c, ref.id(), dataDir, request, config.node());
            log.atInfo().addKeyValue("server", ref.serverId()).addKeyValue("image", request.reference()).addKeyValue("id", id)
                    .log("container committed");
            return ImageFacts.from(c.calls().inspectImageCmd(id).exec());
        });
    }

    /** The host directory bound at the data mount: the server's data directory. */
    private static Path dataDirOf(com.github.dockerjava.api.command.InspectContainerResponse c, ContainerRef ref) {
        if (c.getHostConfig() != null && c.getHostConfig().getBinds() != null) {
            for (var bind : c.getHostConfig().getBinds()) {
                if (ServerSpec.DATA_MOUNT.equals(bind.getVolume().getPath())) {
                    return Path.of(bind.getPath());
                }
            }
        }
        throw new EngineException.Rejected(ref.serverId(), "commit", "the container has no data directory at " + ServerSpec.DATA_MOUNT, null);
    }

    // ------------------------------------------------------------------ networks

    /** The labels of what this runtime owns among networks: {@value NetworkFacts#NETWORK_LABEL}, and the node's. */
    private List<String> ownedNetworkFilter() {
        List<String> filter = new ArrayList<>();
        filter.add(NetworkFacts.NETWORK_LABEL);
        if (config.node() != null) {
            filter.add(RuntimeLabels.NODE + "=" + config.node());
        }
        return filter;
    }

    private boolean ownsNetwork(Network n) {
        Map<String, String> labels = n.getLabels() == null ? Map.of() : n.getLabels();
        return labels.containsKey(NetworkFacts.NETWORK_LABEL) && Objects.equals(labels.get(RuntimeLabels.NODE), config.node());
    }

    @Override
    public List<NetworkInfo> networks(Deadline deadline) {
        return calls.run("networks", null, deadline, () -> {
            DockerClient client = connection.clients().calls();
            List<NetworkInfo> out = new ArrayList<>();
            for (Network listed : client.listNetworksCmd().withFilter("label", ownedNetworkFilter()).exec()) {
                if (!ownsNetwork(listed)) {
                    continue; // a named daemon's: a daemon without a node name owns only networks without one
                }
                try {
                    out.add(NetworkFacts.from(client.inspectNetworkCmd().withNetworkId(listed.getId()).exec()));
                } catch (NotFoundException gone) {
                    // removed between list and inspect
                }
            }
            return out;
        });
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline) {
        return calls.run("createNetwork", null, deadline, () -> {
            DockerClient client = connection.clients().calls();
            Map<String, String> labels = new LinkedHashMap<>(spec.labels());
            labels.put(NetworkFacts.NETWORK_LABEL, "true");
            if (config.node() != null) {
                labels.put(RuntimeLabels.NODE, config.node());
            }
            var cmd = client.createNetworkCmd().withName(spec.name()).withDriver("bridge").withInternal(spec.internal())
                    .withCheckDuplicate(true).withAttachable(true).withLabels(labels);
            if (spec.subnet() != null) {
                cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(spec.subnet())));
            }
            String id;
            try {
                id = cmd.exec().getId();
            } catch (ConflictException taken) {
                throw new EngineException.Conflict(null, "createNetwork", "a network named " + spec.name() + " exists", taken);
            }
            log.atInfo().addKeyValue("network", spec.name()).addKeyValue("id", id).log("network created");
            return NetworkFacts.from(client.inspectNetworkCmd().withNetworkId(id).exec());
        });
    }

    @Override
    public void removeNetwork(String name, Deadline deadline) {
        calls.perform("removeNetwork", null, deadline, () -> {
            DockerClient client = connection.clients().calls();
            Network n;
            try {
                n = client.inspectNetworkCmd().withNetworkId(name).exec();
            } catch (NotFoundException e) {
                throw new EngineException.NotFound(null, "removeNetwork", "no network " + name, e);
            }
            if (!ownsNetwork(n) || !name.equals(n.getName())) {
                throw new EngineException.NotFound(null, "removeNetwork", "no network " + name + " of this node's", null);
            }
            if (n.getContainers() != null && !n.getContainers().isEmpty()) {
                throw new EngineException.Conflict(null, "removeNetwork", "containers are attached to " + name + ": "
                        + String.join(", ", NetworkFacts.from(n).containers()), null);
            }
            try {
                client.removeNetworkCmd(n.getId()).exec();
            } catch (DockerException e) {
                if (EngineErrors.message(e).contains("active endpoints")) {
                    throw new EngineException.Conflict(null, "removeNetwork", EngineErrors.message(e), e);
                }
                throw e;
            }
            log.atInfo().addKeyValue("network", name).log("network removed");
            return null;
        });
    }

    private <T> Subscription open(EngineStream<T> stream, Consumer<EngineConnection.Clients> request) {
        ensureOpen("stream");
        return stream.open(connection, timer, config.streamOpenTimeout(), request);
    }

    private void ensureOpen(String operation) {
        if (closed.get()) {
            throw new EngineException.Unavailable(null, operation, "the docker runtime is closed", null);
        }
    }

    /** Closes every open subscription, the timer and the engine connections. Containers keep running. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            streams.closeAll();
            timer.shutdownNow();
            connection.close();
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
