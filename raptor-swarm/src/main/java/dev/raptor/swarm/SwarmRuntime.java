package dev.raptor.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
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
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@link ContainerRuntime} on Docker Swarm: each server is a service of one replica, pinned to one node
 * ({@link ServiceBlueprint}, {@link NodePlacement}).
 *
 * <ul>
 *   <li><b>What a "container" is here:</b> the server's service. Its {@link ContainerRef} carries the service id
 *       and the name {@code raptor-<uuid>}; its facts are those of the service's newest task's container, read on
 *       the engine of the node that runs it. A service stays while the server exists; each start is a new task
 *       (replicas 0 to 1 the first time, a forced update after that), so a stopped server's last run, its exit
 *       code and its output stay readable until the next start.</li>
 *   <li><b>Two kinds of engine calls:</b> services, tasks and nodes are asked of the manager; console input,
 *       signals, kill, wait, logs, stats and events go to the node's own engine, through a {@link DockerRuntime}
 *       on it, the same code the Docker runtime runs (attach streams, deadlines, error mapping).</li>
 *   <li><b>Restarts are Raptor's:</b> restart condition {@code none}, so a task that ends stays ended until the
 *       controller starts the server again.</li>
 *   <li><b>Deadlines:</b> every call, manager or node, runs under the caller's deadline through
 *       {@link DockerRuntime#engineCall} (abandoned at it, sockets closed).</li>
 * </ul>
 */
public final class SwarmRuntime implements ContainerRuntime {
    private static final Logger log = LoggerFactory.getLogger(SwarmRuntime.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STREAM_OPEN = Duration.ofSeconds(30);

    private final SwarmRuntimeConfig config;
    private final DockerRuntime manager;
    private final Map<String, DockerRuntime> engines = new LinkedHashMap<>();
    /** Each server's service as last seen, to tell node events by: derived from the swarm, never authoritative. */
    private final Map<UUID, ContainerRef> services = new ConcurrentHashMap<>();
    /** The node each server was last seen pinned to, so that a recreate (spec change) stays with its files. */
    private final Map<UUID, String> lastNode = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The helper containers that reach servers' files on nodes (transfers, removals), and their leftovers. */
    private final NodeHelpers helpers;
    /**
     * Nodes whose engine said it is going away (its event stream: it stops, or the stream broke) and has not answered
     * since: their servers are {@link ContainerStatus#UNREACHABLE} without asking, so that the exits their engine
     * causes as it stops are never taken for crashes or stops.
     */
    private final Set<String> away = ConcurrentHashMap.newKeySet();
    /** Counts each node's outages, so that a settling that outlived the outage it was for never ends a newer one. */
    private final Map<String, AtomicLong> outages = new ConcurrentHashMap<>();
    /** How long a returning node may take to settle its old tasks before it is trusted anyway (a hang guard). */
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private SwarmRuntime(SwarmRuntimeConfig config) {
        this.config = config;
        this.helpers = new NodeHelpers(config);
        this.manager = DockerRuntime.connect(engineConfig(config.manager()));
        config.nodeEngines().forEach((hostname, engine) -> engines.put(hostname, DockerRuntime.connect(engineConfig(engine))));
    }

    /** A runtime on the swarm {@code config} describes. No I/O happens yet. */
    public static SwarmRuntime connect(SwarmRuntimeConfig config) {
        return new SwarmRuntime(Objects.requireNonNull(config, "config"));
    }

    private DockerRuntimeConfig engineConfig(URI engine) {
        // no pull behind a create's back: the runtime pulls on the node a server is placed on (NodeHelpers.ensureImage)
        DockerRuntimeConfig c = DockerRuntimeConfig.of(engine.toString()).withNode(config.node()).withPullMissingImages(false);
        return config.tlsCertPath() != null && "tcp".equalsIgnoreCase(engine.getScheme()) ? c.withTls(config.tlsCertPath()) : c;
    }

    public SwarmRuntimeConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public List<FieldError> check(ServerSpec spec) {
        if (spec.image() == null) {
            return List.of(new FieldError("image", "the swarm runtime runs images: set an image such as ghcr.io/org/game:1.2"));
        }
        if (!spec.networks().isEmpty()) {
            return List.of(new FieldError("networks", NO_NETWORKS));
        }
        String pin = NodePlacement.named(spec);
        if (pin != null && !engines.containsKey(pin)) {
            return List.of(new FieldError(NodePlacement.namedBy(spec), "names node '" + pin
                    + "', which has no configured engine (nodes: " + String.join(", ", engines.keySet()) + ")"));
        }
        String placed = lastNode.get(spec.id());
        if (spec.node() != null && placed != null && !placed.equals(spec.node())) {
            return List.of(new FieldError("node", "the server is on node " + placed + " with its files: it stays there "
                    + "(moving it with its files is a transfer, not a spec change)"));
        }
        return List.of();
    }

    /**
     * The node a server's ports are on: the one its spec names, else the one it was last seen on; a server not
     * placed yet gets a node name of its own ({@code unplaced:<id>}), so the fleet lets it share a port number
     * with servers elsewhere, and {@link NodePlacement} picks a node where its ports are free when it is made.
     */
    @Override
    public String portNode(ServerSpec spec) {
        String named = NodePlacement.named(spec);
        if (named != null) {
            return named;
        }
        String last = lastNode.get(spec.id());
        return last != null ? last : "unplaced:" + spec.id();
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        RuntimeInfo engine = manager.info(deadline);
        List<SwarmNode> nodes = onManager("info", null, deadline, c -> c.listSwarmNodesCmd().exec());
        Map<String, String> details = new TreeMap<>(engine.details());
        details.put("manager", config.manager().toString());
        details.put("nodes", nodes.stream().map(n -> hostname(n) + ":" + state(n) + (engines.containsKey(hostname(n)) ? "" : ":no-engine"))
                .sorted().collect(Collectors.joining(",")));
        List<String> warnings = new ArrayList<>(engine.warnings());
        warnings.add("swap, process (pids), CPU pinning and block-IO limits are not applied on Swarm services; memory and CPU are");
        warnings.add("ports are published in host mode on every address of the server's node, not on the allocation's IP");
        for (SwarmNode n : nodes) {
            if (!engines.containsKey(hostname(n))) {
                warnings.add("node " + hostname(n) + " has no configured engine: no server is placed there");
            }
        }
        return new RuntimeInfo(name(), engine.engineVersion(), engine.apiVersion(), details, warnings);
    }

    // ------------------------------------------------------------------ nodes

    /** How long a node's engine may take to answer a ping before {@link #nodes} calls it down. */
    private static final Duration NODE_PING = Duration.ofSeconds(3);

    /**
     * Every node of the swarm as the manager describes it: {@code down} when the manager says so or its engine does
     * not answer (or said it is going away), {@code unavailable} when it takes no servers (drained, paused, or no
     * engine configured for it), else {@code ready}. Also learns where every server is pinned ({@link #portNode}).
     */
    @Override
    public List<RuntimeNode> nodes(Deadline deadline) {
        List<SwarmNode> nodes = onManager("nodes", null, deadline, c -> c.listSwarmNodesCmd().exec());
        for (Service s : ownedServices(null, deadline)) {
            UUID id = serverIdOf(labels(s));
            if (id != null) {
                remember(new ContainerRef(s.getId(), s.getSpec().getName(), id), labels(s));
            }
        }
        List<RuntimeNode> out = new ArrayList<>();
        for (SwarmNode n : nodes) {
            String name = hostname(n);
            String address = n.getStatus() == null ? null : n.getStatus().getAddress();
            int cpus = n.getDescription() == null || n.getDescription().getResources() == null
                    || n.getDescription().getResources().getNanoCPUs() == null
                    ? 0 : (int) (n.getDescription().getResources().getNanoCPUs() / 1_000_000_000L);
            Readiness r = readiness(n, deadline);
            out.add(new RuntimeNode(name, r.state(), r.reason(), address, cpus, memory(n)));
        }
        out.sort(java.util.Comparator.comparing(RuntimeNode::name));
        return out;
    }

    /** Whether a node takes servers now, and why not (null when it does). */
    private record Readiness(NodeState state, String reason) {
        static final Readiness READY = new Readiness(NodeState.READY, null);

        static Readiness down(String reason) {
            return new Readiness(NodeState.DOWN, reason);
        }

        static Readiness unavailable(String reason) {
            return new Readiness(NodeState.UNAVAILABLE, reason);
        }
    }

    private Readiness readiness(SwarmNode n, Deadline deadline) {
        String name = hostname(n);
        if (n.getStatus() == null || n.getStatus().getState() != SwarmNodeState.READY) {
            return Readiness.down("the swarm reports it " + state(n));
        }
        DockerRuntime engine = engines.get(name);
        if (engine == null) {
            return Readiness.unavailable("no engine is configured for it (RAPTOR_SWARM_NODES)");
        }
        if (away.contains(name)) {
            return Readiness.down("its engine is going away or away (its event stream says so)");
        }
        try {
            Deadline ping = deadline.remaining().compareTo(NODE_PING) < 0 ? deadline : Deadline.in(NODE_PING);
            engine.engineCall("nodes", null, ping, c -> c.pingCmd().exec());
        } catch (EngineException e) {
            return Readiness.down("its engine does not answer: " + e.getMessage());
        }
        if (n.getSpec() == null || n.getSpec().getAvailability() != SwarmNodeAvailability.ACTIVE) {
            return Readiness.unavailable("its availability is " + (n.getSpec() == null || n.getSpec().getAvailability() == null
                    ? "unknown" : n.getSpec().getAvailability().name().toLowerCase(Locale.ROOT)));
        }
        return Readiness.READY;
    }

    // ------------------------------------------------------------------ finding services

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        // the fleet lists its servers at boot and as it reconciles: helpers a raptord that died mid-transfer left go then
        helpers.collectSoon(engines);
        List<ContainerInfo> out = new ArrayList<>();
        List<Service> services = ownedServices(null, deadline);
        Set<String> ready = services.isEmpty() ? Set.of() : readyNodes(null, deadline);
        for (Service s : services) {
            describeQuietly(s, ready, deadline, out);
        }
        return out;
    }

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        Objects.requireNonNull(serverId, "serverId");
        List<ContainerInfo> out = new ArrayList<>();
        List<Service> services = ownedServices(serverId, deadline);
        Set<String> ready = services.isEmpty() ? Set.of() : readyNodes(serverId, deadline);
        for (Service s : services) {
            describeQuietly(s, ready, deadline, out);
        }
        return out;
    }

    /** The hostnames of the nodes the manager reports ready. */
    private Set<String> readyNodes(UUID serverId, Deadline deadline) {
        return onManager("nodes", serverId, deadline, c -> c.listSwarmNodesCmd().exec()).stream()
                .filter(n -> n.getStatus() != null && n.getStatus().getState() == SwarmNodeState.READY)
                .map(SwarmRuntime::hostname).collect(Collectors.toSet());
    }

    private void describeQuietly(Service s, Set<String> ready, Deadline deadline, List<ContainerInfo> out) {
        try {
            out.add(describe(s, ready, deadline));
        } catch (EngineException.NotFound gone) {
            // removed between list and inspect
        }
    }

    /** The services with Raptor's server label (of one server, or any) and this runtime's node label. */
    private List<Service> ownedServices(UUID serverId, Deadline deadline) {
        Map<String, String> filter = new LinkedHashMap<>();
        if (serverId != null) {
            filter.put(RuntimeLabels.SERVER, serverId.toString());
        }
        if (config.node() != null) {
            filter.put(RuntimeLabels.NODE, config.node());
        }
        List<Service> all = onManager("list", serverId, deadline,
                c -> filter.isEmpty() ? c.listServicesCmd().exec() : c.listServicesCmd().withLabelFilter(filter).exec());
        return all.stream().filter(s -> owned(labels(s))).toList();
    }

    private boolean owned(Map<String, String> labels) {
        if (!labels.containsKey(RuntimeLabels.SERVER)) {
            return false;
        }
        return config.node() == null ? !labels.containsKey(RuntimeLabels.NODE) : config.node().equals(labels.get(RuntimeLabels.NODE));
    }

    /**
     * The service's facts: those of its newest task's container on its node, or of the task while it has none;
     * {@link ContainerStatus#UNREACHABLE} while its node is not among the {@code ready} ones, its engine said it is going
     * away, or does not answer.
     */
    private ContainerInfo describe(Service s, Set<String> ready, Deadline deadline) {
        Map<String, String> labels = labels(s);
        UUID serverId = UUID.fromString(labels.get(RuntimeLabels.SERVER));
        ContainerRef ref = new ContainerRef(s.getId(), s.getSpec().getName(), serverId);
        remember(ref, labels);
        String hash = labels.get(RuntimeLabels.SPEC_HASH);
        String node = labels.get(ServiceBlueprint.NODE_LABEL);
        if (node != null && (away.contains(node) || !ready.contains(node))) {
            return unreachable(ref, hash, labels);
        }
        Task task = TaskFacts.newest(tasks(ref, "inspect", deadline));
        if (task == null) {
            return new ContainerInfo(ref, hash, ContainerStatus.CREATED, null, false, null, null, null, labels);
        }
        String container = TaskFacts.containerId(task);
        if (container != null) {
            try {
                ContainerInfo c = engineOf(ref, labels).inspect(new ContainerRef(container, ref.name(), serverId), deadline);
                return new ContainerInfo(ref, hash, c.status(), c.exitCode(), c.oomKilled(), c.startedAt(), c.finishedAt(),
                        c.outputSince(), labels);
            } catch (EngineException.NotFound gone) {
                // the node removed it (task history pruned, or behind Raptor's back): the task still tells how it ended
            } catch (EngineException.Unavailable | EngineException.Timeout nodeAway) {
                // its node's engine does not answer: nothing is known of the server there, and it stays there
                log.debug("server={} node={} does not answer: {}", serverId, node, nodeAway.getMessage());
                return unreachable(ref, hash, labels);
            }
        }
        ContainerStatus status = TaskFacts.status(task);
        Integer exit = status == ContainerStatus.EXITED ? Optional.ofNullable(TaskFacts.exitCode(task)).orElse(-1) : null;
        return new ContainerInfo(ref, hash, status, exit, false, null, null, null, labels);
    }

    private static ContainerInfo unreachable(ContainerRef ref, String hash, Map<String, String> labels) {
        return new ContainerInfo(ref, hash, ContainerStatus.UNREACHABLE, null, false, null, null, null, labels);
    }

    private void remember(ContainerRef ref, Map<String, String> labels) {
        services.put(ref.serverId(), ref);
        String node = labels.get(ServiceBlueprint.NODE_LABEL);
        if (node != null) {
            lastNode.put(ref.serverId(), node);
        }
    }

    // ------------------------------------------------------------------ create, start, remove

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataDir, "dataDir");
        List<FieldError> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new EngineException.Rejected(spec.id(), "create", problems.toString(), null);
        }
        String hostname = NodePlacement.choose(spec, nodes(spec.id(), deadline), pinned(spec.id(), deadline), lastNode.get(spec.id()));
        DockerRuntime node = engines.get(hostname);
        // the node pulls the image now when it lacks it (from the registry the swarm shares): an image no node can pull
        // is refused here, as Docker's create refuses it, rather than failing at start
        NodeHelpers.ensureImage(node, hostname, spec.id(), spec.image(), deadline);
        // the node may be another machine, or keep data elsewhere (RAPTOR_SWARM_VOLUMES): its task needs the directory there
        helpers.ensureDirectory(hostname, node, spec.id(), spec.image(), config.dataDirOn(hostname, dataDir), deadline);
        ServiceSpec service = ServiceBlueprint.of(spec, config.dataDirOn(hostname, dataDir), config.node(), hostname);
        String id = onManager("create", spec.id(), deadline, c -> c.createServiceCmd(service).exec().getId());
        log.info("service created server={} service={} node={} image={}", spec.id(), id, hostname, spec.image());
        ContainerRef ref = new ContainerRef(id, service.getName(), spec.id());
        remember(ref, service.getLabels());
        return new ContainerInfo(ref, service.getLabels().get(RuntimeLabels.SPEC_HASH), ContainerStatus.CREATED, null, false,
                null, null, null, service.getLabels());
    }

    private List<NodePlacement.Node> nodes(UUID serverId, Deadline deadline) {
        return onManager("create", serverId, deadline, c -> c.listSwarmNodesCmd().exec()).stream()
                .map(n -> new NodePlacement.Node(hostname(n), usable(n) && engines.containsKey(hostname(n)), memory(n)))
                .toList();
    }

    /** Every Raptor server pinned to a node, whichever daemon's: ports are the node's, whoever publishes them. */
    private List<NodePlacement.Pinned> pinned(UUID serverId, Deadline deadline) {
        List<Service> all = onManager("create", serverId, deadline, c -> c.listServicesCmd().exec());
        List<NodePlacement.Pinned> pinned = new ArrayList<>();
        for (Service s : all) {
            Map<String, String> labels = labels(s);
            UUID owner = serverIdOf(labels);
            String node = labels.get(ServiceBlueprint.NODE_LABEL);
            if (owner == null || node == null) {
                continue;
            }
            long memory = 0;
            var template = s.getSpec().getTaskTemplate();
            if (template != null && template.getResources() != null && template.getResources().getLimits() != null
                    && template.getResources().getLimits().getMemoryBytes() != null) {
                memory = template.getResources().getLimits().getMemoryBytes();
            }
            Set<String> ports = new HashSet<>();
            if (s.getSpec().getEndpointSpec() != null && s.getSpec().getEndpointSpec().getPorts() != null) {
                for (PortConfig p : s.getSpec().getEndpointSpec().getPorts()) {
                    ports.add(p.getPublishedPort() + "/" + (p.getProtocol() == null ? "tcp" : p.getProtocol().name().toLowerCase(Locale.ROOT)));
                }
            }
            pinned.add(new NodePlacement.Pinned(owner, node, memory, ports));
        }
        return pinned;
    }

    /**
     * Makes the service run a new task (replicas 1; a forced update when it already has one, whose task ended) and
     * waits until its container runs. A task that is already running or on its way is waited for instead. A task the
     * swarm cannot start (its node refused it, its ports are taken there) takes the service back to 0 replicas, so it
     * never starts later behind Raptor's back.
     */
    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        Run current = run(ref, "start", deadline);
        String pinnedTo = labels(service(ref, "start", deadline)).get(ServiceBlueprint.NODE_LABEL);
        if (pinnedTo != null && (away.contains(pinnedTo) || !readyNodes(ref.serverId(), deadline).contains(pinnedTo))) {
            // a task made now would wait on that node and start whenever it came back, behind Raptor's back
            throw new EngineException.Unavailable(ref.serverId(), "start", "its node " + pinnedTo + " does not answer", null);
        }
        String awaited;
        Set<String> before = new HashSet<>();
        if (current.task() != null && current.container() != null && runsStill(current, deadline)) {
            return;
        }
        // a task whose container has exited may still read "running" on the manager for a moment (the node
        // reports it late): only one without a container yet is on its way
        if (current.task() != null && current.container() == null && !TaskFacts.finished(current.task())) {
            awaited = current.task().getId();
        } else {
            awaited = null;
            tasks(ref, "start", deadline).forEach(t -> before.add(t.getId()));
            scale(ref, 1, deadline);
        }
        while (true) {
            List<Task> tasks = tasks(ref, "start", deadline);
            Task task = awaited != null
                    ? tasks.stream().filter(t -> t.getId().equals(awaited)).findFirst().orElse(null)
                    : TaskFacts.newest(tasks.stream().filter(t -> !before.contains(t.getId())).toList());
            if (task != null) {
                TaskState state = TaskFacts.state(task);
                if (state == TaskState.RUNNING) {
                    return;
                }
                if (TaskFacts.finished(task)) {
                    if (TaskFacts.containerId(task) != null) {
                        return; // it ran and ended at once: the controller sees that exit like any other
                    }
                    scaleQuietly(ref, 0);
                    throw new EngineException.Rejected(ref.serverId(), "start", "the swarm could not start it: " + TaskFacts.problem(task), null);
                }
                String problem = TaskFacts.problem(task);
                if (state == TaskState.PENDING && problem.contains("port") && problem.contains("in use")) {
                    scaleQuietly(ref, 0);
                    throw new EngineException.Conflict(ref.serverId(), "start", "the swarm cannot place it: " + problem, null);
                }
            }
            pause(ref, "start", deadline);
        }
    }

    /** Whether the run's container still runs; one its node removed (a restarted node prunes ended tasks) does not. */
    private static boolean runsStill(Run run, Deadline deadline) {
        try {
            return run.engine().inspect(run.container(), deadline).running();
        } catch (EngineException.NotFound gone) {
            return false;
        }
    }

    private void scale(ContainerRef ref, int replicas, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            Service s = service(ref, "start", deadline);
            ServiceSpec spec = s.getSpec();
            long current = spec.getMode() == null || spec.getMode().getReplicated() == null ? 0 : spec.getMode().getReplicated().getReplicas();
            spec.withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)));
            if (replicas == 1 && current == 1) {
                Integer force = spec.getTaskTemplate().getForceUpdate();
                spec.getTaskTemplate().withForceUpdate(force == null ? 1 : force + 1);
            } else if (replicas == current) {
                return;
            }
            try {
                onManager("start", ref.serverId(), deadline,
                        c -> c.updateServiceCmd(ref.id(), spec).withVersion(s.getVersion().getIndex()).exec());
                return;
            } catch (EngineException.Unavailable | EngineException.Rejected outOfSequence) {
                // another update landed between inspect and update ("update out of sequence"): read it again
                if (attempt >= 5 || outOfSequence.getMessage() == null || !outOfSequence.getMessage().contains("out of sequence")) {
                    throw outOfSequence;
                }
            }
        }
    }

    private void scaleQuietly(ContainerRef ref, int replicas) {
        try {
            scale(ref, replicas, Deadline.in(Duration.ofSeconds(10)));
        } catch (EngineException e) {
            log.warn("server={} service={} could not be scaled to {}: {}", ref.serverId(), ref.id(), replicas, e.getMessage());
        }
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        Service s = service(ref, "remove", deadline);
        // kill first: the swarm would stop it with a grace period of its own, after the service is gone from every list
        try {
            Run run = run(ref, "remove", deadline);
            if (run.container() != null) {
                run.engine().kill(run.container(), deadline);
            }
        } catch (EngineException.NotFound | EngineException.Unavailable ignored) {
            // nothing runs, or its node is away: removing the service is what counts
        }
        onManager("remove", ref.serverId(), deadline, c -> {
            c.removeServiceCmd(s.getId()).exec();
            return null;
        });
        services.remove(ref.serverId(), ref);
        log.info("service removed server={} service={}", ref.serverId(), ref.id());
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        return describe(service(ref, "inspect", deadline), readyNodes(ref.serverId(), deadline), deadline);
    }

    // ------------------------------------------------------------------ the running task, on its node

    /** The server's newest task and, once its node made one, its container there. */
    private record Run(Task task, DockerRuntime engine, ContainerRef container) {
    }

    private Run run(ContainerRef ref, String operation, Deadline deadline) {
        Service s = service(ref, operation, deadline);
        Task task = TaskFacts.newest(tasks(ref, operation, deadline));
        if (task == null) {
            return new Run(null, null, null);
        }
        String container = TaskFacts.containerId(task);
        DockerRuntime engine = engineOf(ref, labels(s));
        return new Run(task, engine, container == null ? null : new ContainerRef(container, ref.name(), ref.serverId()));
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        Run run = run(ref, "sendInput", deadline);
        if (run.container() == null) {
            throw new EngineException.Conflict(ref.serverId(), "sendInput", "the server is not running", null);
        }
        run.engine().sendInput(run.container(), line, deadline);
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        Run run = run(ref, "signal", deadline);
        if (run.container() != null) {
            run.engine().signal(run.container(), signal, deadline);
        }
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        Run run = run(ref, "kill", deadline);
        if (run.container() != null) {
            run.engine().kill(run.container(), deadline);
        } else if (run.task() != null && !TaskFacts.finished(run.task())) {
            scale(ref, 0, deadline); // scheduled but not made yet: it must never come up
        }
    }

    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        while (true) {
            Run run = run(ref, "awaitExit", deadline);
            if (run.task() == null) {
                return Optional.of(0); // never started: not running, as a created container
            }
            if (run.container() != null) {
                try {
                    return run.engine().awaitExit(run.container(), deadline);
                } catch (EngineException.NotFound gone) {
                    return Optional.of(Optional.ofNullable(TaskFacts.exitCode(run.task())).orElse(-1));
                }
            }
            if (TaskFacts.finished(run.task())) {
                return Optional.of(Optional.ofNullable(TaskFacts.exitCode(run.task())).orElse(-1));
            }
            if (deadline.remaining().compareTo(POLL) <= 0) {
                return Optional.empty();
            }
            pause(ref, "awaitExit", deadline);
        }
    }

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        // the instant of the call, before the node lookup: lines written during the lookup are new ones, not history
        // a tail of 0 would leave out (the node engines read this machine's system clock, as this does)
        return logs(ref, request, Instant.now(), sink);
    }

    /** {@link #logs(ContainerRef, LogRequest, StreamSink)} as if asked for at {@code subscribedAt} (this machine's clock). */
    Subscription logs(ContainerRef ref, LogRequest request, Instant subscribedAt, StreamSink<LogLine> sink) {
        Objects.requireNonNull(request, "request");
        return onNode(ref, "logs", sink, run -> run.engine().logs(run.container(), request, subscribedAt, sink));
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        return onNode(ref, "stats", sink, run -> run.engine().stats(run.container(), sink));
    }

    /** A stream on the node that runs the server's newest task; one that ends at once when there is no container. */
    private <T> Subscription onNode(ContainerRef ref, String operation, StreamSink<T> sink, Function<Run, Subscription> open) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen(operation);
        Run run;
        try {
            run = run(ref, operation, Deadline.in(STREAM_OPEN));
        } catch (EngineException e) {
            sink.end(e);
            return Ended.INSTANCE;
        }
        if (run.container() == null) {
            sink.end(null);
            return Ended.INSTANCE;
        }
        return open.apply(run);
    }

    /** A stream that ended before it began. */
    private enum Ended implements Subscription {
        INSTANCE;

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return false;
        }
    }

    /**
     * Every node's container events, told as events of the server's service: starts and exits of its task
     * containers. Removals are left out: the swarm removes old tasks' containers when it prunes its task history,
     * which says nothing about the server; a removed service shows in {@link #find} and the periodic sweep.
     */
    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen("events");
        List<Subscription> all = new ArrayList<>();
        for (Map.Entry<String, DockerRuntime> node : engines.entrySet()) {
            String hostname = node.getKey();
            DockerRuntime engine = node.getValue();
            all.add(engine.events(new StreamSink<>() {
                @Override
                public void next(RuntimeEvent event) {
                    RuntimeEvent told = switch (event) {
                        case RuntimeEvent.Started s -> serviceRef(s.ref()).map(r -> (RuntimeEvent) new RuntimeEvent.Started(r, s.at())).orElse(null);
                        case RuntimeEvent.Exited e -> serviceRef(e.ref())
                                .map(r -> (RuntimeEvent) new RuntimeEvent.Exited(r, e.at(), e.exitCode(), e.oomKilled())).orElse(null);
                        case RuntimeEvent.HealthChanged h -> serviceRef(h.ref())
                                .map(r -> (RuntimeEvent) new RuntimeEvent.HealthChanged(r, h.at(), h.health())).orElse(null);
                        case RuntimeEvent.Removed r -> null;
                        // one node's engine, not the swarm: its servers read unreachable meanwhile (see `away`), the
                        // others are not touched; its return makes the fleet look at every server again
                        case RuntimeEvent.EngineInterrupted i -> {
                            outages.computeIfAbsent(hostname, h -> new AtomicLong()).incrementAndGet();
                            if (away.add(hostname)) {
                                log.warn("node={} engine away: {}", hostname, i.why());
                            }
                            yield null;
                        }
                        // back, but not yet trusted: its swarm agent replays the runs it had before (see settleReturn)
                        case RuntimeEvent.EngineResumed r -> {
                            long outage = outages.computeIfAbsent(hostname, h -> new AtomicLong()).get();
                            log.info("node={} engine answers again (away since {}); settling its old tasks", hostname, r.interruptedAt());
                            Thread.ofVirtual().name("swarm-settle-" + hostname)
                                    .start(() -> settleReturn(hostname, engine, outage, r, sink));
                            yield null;
                        }
                    };
                    if (told != null) {
                        sink.next(told);
                    }
                }

                @Override
                public void end(Throwable error) {
                    if (error != null) {
                        log.warn("a node's event stream ended: {}", error.getMessage());
                    }
                }
            }));
        }
        return new Subscription() {
            @Override
            public void close() {
                all.forEach(Subscription::close);
                sink.end(null);
            }

            @Override
            public boolean isOpen() {
                return all.stream().anyMatch(Subscription::isOpen);
            }
        };
    }

    /**
     * A node whose engine answers again stays {@link #away} until its swarm agent has settled the tasks it had before the
     * outage. Back within the manager's heartbeat window, the node still holds its old tasks as running: its agent
     * brings the old container back up and stops it again a moment later (exit 0), or fails the task when the container
     * is gone. Had the node been trusted at once, the controller would adopt that replayed run and read its stop as the
     * server stopping on its own (desired state: stopped). So: wait until the manager reports the node ready, stop
     * every run of a Raptor server the node still holds from before (it is a replay: the outage ended the real one), wait
     * until the manager reports those tasks ended, and only then tell the fleet the node is back
     * ({@link RuntimeEvent.EngineResumed}): each of its servers then converges to its desired state with a new task.
     * Bounded by {@link #SETTLE}; a newer outage of the node meanwhile leaves it away.
     */
    private void settleReturn(String hostname, DockerRuntime engine, long outage, RuntimeEvent.EngineResumed resumed,
                              StreamSink<RuntimeEvent> sink) {
        Deadline deadline = Deadline.in(SETTLE);
        try {
            while (!readyNodes(null, deadline).contains(hostname)) {
                sleepQuietly(deadline);
            }
            Set<String> replayed = new HashSet<>();
            while (true) {
                List<Task> open = new ArrayList<>();
                for (Service s : ownedServices(null, deadline)) {
                    if (!hostname.equals(labels(s).get(ServiceBlueprint.NODE_LABEL))) {
                        continue;
                    }
                    UUID serverId = serverIdOf(labels(s));
                    for (Task t : onManager("settle", serverId, deadline, c -> c.listTasksCmd().withServiceFilter(s.getId()).exec())) {
                        if (TaskFacts.finished(t)) {
                            continue;
                        }
                        open.add(t);
                        String container = TaskFacts.containerId(t);
                        if (container != null && !replayed.contains(container)) {
                            log.info("node={} server={} task={} stopping the run its swarm agent brought back from before the outage",
                                    hostname, serverId, t.getId());
                            try {
                                engine.kill(new ContainerRef(container, s.getSpec().getName(), serverId), deadline);
                                replayed.add(container);
                            } catch (EngineException.NotFound | EngineException.Conflict notRunning) {
                                replayed.add(container); // gone or already stopped: the agent tells the manager so
                            } catch (EngineException.Unavailable | EngineException.Timeout stale) {
                                // the first calls after a restart may meet connections from before it: asked again below
                                log.debug("node={} kill of a replayed run failed, trying again: {}", hostname, stale.getMessage());
                            }
                        }
                    }
                }
                if (open.isEmpty()) {
                    break;
                }
                sleepQuietly(deadline);
            }
        } catch (EngineException e) {
            log.warn("node={} could not settle its old tasks ({}); trusting it all the same", hostname, e.getMessage());
        }
        AtomicLong count = outages.get(hostname);
        if (count != null && count.get() != outage) {
            return; // it went away again meanwhile: that outage's return settles it
        }
        away.remove(hostname);
        log.info("node={} is back and settled (away since {})", hostname, resumed.interruptedAt());
        if (!closed.get()) {
            sink.next(new RuntimeEvent.EngineResumed(java.time.Instant.now(), resumed.interruptedAt()));
        }
    }

    private static void sleepQuietly(Deadline deadline) {
        if (deadline.expired()) {
            throw new EngineException.Timeout(null, "settle", "the node did not settle within " + SETTLE.toSeconds() + " s", null);
        }
        try {
            Thread.sleep(Math.min(250, Math.max(1, deadline.remainingMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException.Timeout(null, "settle", "interrupted", e);
        }
    }

    private Optional<ContainerRef> serviceRef(ContainerRef container) {
        ContainerRef known = services.get(container.serverId());
        if (known != null) {
            return Optional.of(known);
        }
        try {
            List<ContainerInfo> found = find(container.serverId(), Deadline.in(Duration.ofSeconds(10)));
            return found.stream().map(ContainerInfo::ref).findFirst();
        } catch (EngineException e) {
            log.debug("server={} event of an unknown service: {}", container.serverId(), e.getMessage());
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ exec, images, networks

    /** Runs in the server's task container, on the engine of the node that runs it. */
    @Override
    public ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline) {
        Run run = running(ref, "exec", deadline);
        return run.engine().exec(run.container(), request, deadline);
    }

    @Override
    public ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline) {
        Run run = running(ref, "exec", deadline);
        return run.engine().execInteractive(run.container(), request, listener, deadline);
    }

    private Run running(ContainerRef ref, String operation, Deadline deadline) {
        Run run = run(ref, operation, deadline);
        if (run.container() == null) {
            throw new EngineException.Conflict(ref.serverId(), operation, "the server is not running", null);
        }
        return run;
    }

    /** The images of every node (each node holds its own; a server runs on one), each once. */
    @Override
    public List<ImageInfo> images(Deadline deadline) {
        Map<String, ImageInfo> byId = new LinkedHashMap<>();
        for (DockerRuntime engine : engines.values()) {
            engine.images(deadline).forEach(i -> byId.putIfAbsent(i.id(), i));
        }
        return List.copyOf(byId.values());
    }

    /** The image as the first node that holds it has it. */
    @Override
    public Optional<ImageInfo> inspectImage(String reference, Deadline deadline) {
        for (DockerRuntime engine : engines.values()) {
            Optional<ImageInfo> found = engine.inspectImage(reference, deadline);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Pulls on every node, so that a server may be placed on any of them. */
    @Override
    public ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline) {
        ImageInfo last = null;
        for (DockerRuntime engine : engines.values()) {
            last = engine.pullImage(reference, progress, deadline);
        }
        return last;
    }

    /** Removes from every node that holds it. */
    @Override
    public void removeImage(String reference, Deadline deadline) {
        boolean removed = false;
        for (DockerRuntime engine : engines.values()) {
            try {
                engine.removeImage(reference, deadline);
                removed = true;
            } catch (EngineException.NotFound absent) {
                // not on this node
            }
        }
        if (!removed) {
            throw new EngineException.NotFound(null, "removeImage", "no node holds " + reference, null);
        }
    }

    /** Commits the server's task container on its node: the image is on that node only. */
    @Override
    public ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline) {
        Run run = run(ref, "commit", deadline);
        if (run.container() == null) {
            throw new EngineException.Conflict(ref.serverId(), "commit", "the server has no container yet", null);
        }
        return run.engine().commit(run.container(), request, deadline);
    }

    @Override
    public List<NetworkInfo> networks(Deadline deadline) {
        return List.of();
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline) {
        throw new EngineException.NotSupported(null, "createNetwork", NO_NETWORKS);
    }

    @Override
    public void removeNetwork(String name, Deadline deadline) {
        throw new EngineException.NotSupported(null, "removeNetwork", NO_NETWORKS);
    }

    private static final String NO_NETWORKS = "the swarm runtime makes no networks yet: servers publish host-mode ports on their node";

    // ------------------------------------------------------------------ transfers between nodes

    @Override
    public Optional<dev.raptor.core.node.NodeTransfers> transfers() {
        return Optional.of(new SwarmTransfers(this));
    }

    /** The server's service, or null when it has none (never started). */
    Service serviceOf(UUID serverId, Deadline deadline) {
        List<Service> found = ownedServices(serverId, deadline);
        return found.isEmpty() ? null : found.getFirst();
    }

    NodeHelpers helpers() {
        return helpers;
    }

    /** The engine of node {@code hostname}. */
    DockerRuntime engineOn(String hostname) {
        DockerRuntime engine = engines.get(hostname);
        if (engine == null) {
            throw new EngineException.Unavailable(null, "node", "node '" + hostname + "' has no configured engine (nodes: "
                    + String.join(", ", engines.keySet()) + ")", null);
        }
        return engine;
    }

    /** Changes the server's service by {@code change} (read again if another update landed in between), and remembers it. */
    void updateService(UUID serverId, String operation, Deadline deadline, Function<ServiceSpec, ServiceSpec> change) {
        for (int attempt = 1; ; attempt++) {
            Service s = serviceOf(serverId, deadline);
            if (s == null) {
                throw new EngineException.NotFound(serverId, operation, "the server has no service", null);
            }
            ServiceSpec spec = change.apply(s.getSpec());
            try {
                onManager(operation, serverId, deadline, c -> c.updateServiceCmd(s.getId(), spec).withVersion(s.getVersion().getIndex()).exec());
                remember(new ContainerRef(s.getId(), spec.getName(), serverId), spec.getLabels());
                return;
            } catch (EngineException.Unavailable | EngineException.Rejected outOfSequence) {
                if (attempt >= 5 || outOfSequence.getMessage() == null || !outOfSequence.getMessage().contains("out of sequence")) {
                    throw outOfSequence;
                }
            }
        }
    }

    /**
     * Waits until {@code hostname} is not {@link #away} (a node whose engine went away and came back is trusted only once
     * it settled): a server is not switched to a node that is not.
     */
    void awaitTrusted(String hostname, Deadline deadline) {
        while (away.contains(hostname)) {
            sleepQuietly(deadline);
        }
    }

    static Map<String, String> labelsOf(Service s) {
        return labels(s);
    }

    // ------------------------------------------------------------------ plumbing

    private Service service(ContainerRef ref, String operation, Deadline deadline) {
        return onManager(operation, ref.serverId(), deadline, c -> c.inspectServiceCmd(ref.id()).exec());
    }

    private List<Task> tasks(ContainerRef ref, String operation, Deadline deadline) {
        return onManager(operation, ref.serverId(), deadline, c -> c.listTasksCmd().withServiceFilter(ref.id()).exec());
    }

    private DockerRuntime engineOf(ContainerRef ref, Map<String, String> labels) {
        String hostname = labels.get(ServiceBlueprint.NODE_LABEL);
        DockerRuntime engine = hostname == null ? null : engines.get(hostname);
        if (engine == null) {
            throw new EngineException.Unavailable(ref.serverId(), "node", "the server is pinned to node '" + hostname
                    + "', which has no configured engine (nodes: " + String.join(", ", engines.keySet()) + ")", null);
        }
        return engine;
    }

    private <T> T onManager(String operation, UUID serverId, Deadline deadline, Function<DockerClient, T> call) {
        ensureOpen(operation);
        return manager.engineCall(operation, serverId, deadline, call);
    }

    private void pause(ContainerRef ref, String operation, Deadline deadline) {
        if (deadline.expired()) {
            throw new EngineException.Timeout(ref.serverId(), operation, "the swarm did not get there before the deadline", null);
        }
        try {
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, deadline.remainingMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException.Timeout(ref.serverId(), operation, "interrupted while waiting for the swarm", e);
        }
    }

    private void ensureOpen(String operation) {
        if (closed.get()) {
            throw new EngineException.Unavailable(null, operation, "the swarm runtime is closed", null);
        }
    }

    private static Map<String, String> labels(Service s) {
        return s.getSpec() == null || s.getSpec().getLabels() == null ? Map.of() : s.getSpec().getLabels();
    }

    private static UUID serverIdOf(Map<String, String> labels) {
        try {
            return labels.get(RuntimeLabels.SERVER) == null ? null : UUID.fromString(labels.get(RuntimeLabels.SERVER));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String hostname(SwarmNode n) {
        return n.getDescription() == null ? n.getId() : n.getDescription().getHostname();
    }

    private static boolean usable(SwarmNode n) {
        return n.getStatus() != null && n.getStatus().getState() == SwarmNodeState.READY
                && n.getSpec() != null && n.getSpec().getAvailability() == SwarmNodeAvailability.ACTIVE;
    }

    private static String state(SwarmNode n) {
        return n.getStatus() == null || n.getStatus().getState() == null ? "unknown" : n.getStatus().getState().name().toLowerCase(Locale.ROOT);
    }

    private static long memory(SwarmNode n) {
        return n.getDescription() == null || n.getDescription().getResources() == null
                || n.getDescription().getResources().getMemoryBytes() == null ? 0 : n.getDescription().getResources().getMemoryBytes();
    }

    /** Closes every stream and connection, to the manager and the nodes. Services keep running. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engines.values().forEach(DockerRuntime::close);
            manager.close();
        }
    }
}
