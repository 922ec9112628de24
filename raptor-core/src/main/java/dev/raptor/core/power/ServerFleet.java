package dev.raptor.core.power;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.allocation.PortConflictException;
import dev.raptor.core.allocation.PortInUseException;
import dev.raptor.core.allocation.PortRegistry;
import dev.raptor.core.console.ConsoleCommand;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.node.NodeTransfers;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.node.TransferRefusedException;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.ContainerSelection;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.NameTakenException;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The servers of this node: one {@link ServerController} each, the port registry, boot
 * reconciliation and the routing of engine events to controllers. This is the domain facade the
 * API's thin handlers call; it never blocks a read behind an operation.
 */
public final class ServerFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerFleet.class);

    private final ServerStore store;
    private final ContainerRuntime runtime;
    private final EventBus bus;
    private final ControllerSettings settings;
    private final HostPorts hostPorts;
    private final PortRegistry ports = new PortRegistry();
    private final EngineOutages outages = new EngineOutages();
    /** The creates, starts and removals its controllers may have in flight at once, shared by all of them. */
    private final EngineSlots slots;
    private final Map<UUID, ServerController> controllers = new ConcurrentHashMap<>();
    private final List<SpecCheck> specChecks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The files deleted servers left on nodes that were down; none on a runtime of one machine. */
    private final dev.raptor.core.node.PendingRemovals removals;
    private volatile Subscription events;
    private volatile Thread sweeper;
    private volatile boolean closed;
    private volatile boolean reconcilePending;
    /** What {@link #list} gave last, given again while no server in it changed. */
    private volatile List<ServerSnapshot> lastList = List.of();

    /** A fleet that does not look at the host's ports beyond Raptor's own allocations ({@link HostPorts#UNCHECKED}). */
    public ServerFleet(ServerStore store, ContainerRuntime runtime, EventBus bus, ControllerSettings settings) {
        this(store, runtime, bus, settings, HostPorts.UNCHECKED);
    }

    /**
     * @param hostPorts asked whether other programs hold a server's ports: at create, when a patch changes
     *                  allocations, and before each start
     */
    public ServerFleet(ServerStore store, ContainerRuntime runtime, EventBus bus, ControllerSettings settings, HostPorts hostPorts) {
        // every activity entry is also an event, for live views of the log
        this.store = dev.raptor.core.server.ActivityPublishingStore.of(store, bus);
        this.runtime = runtime;
        this.bus = bus;
        this.settings = settings;
        this.hostPorts = hostPorts;
        this.slots = new EngineSlots(settings);
        this.removals = runtime.transfers().map(nodes -> new dev.raptor.core.node.PendingRemovals(this.store, nodes,
                settings.diskTimeout().plus(settings.engineTimeout()))).orElse(null);
    }

    /** The files deleted servers left on nodes that were down, removed once their node answers; empty on one machine. */
    public Optional<dev.raptor.core.node.PendingRemovals> pendingRemovals() {
        return Optional.ofNullable(removals);
    }

    /**
     * A rule about specs that a part of the node beyond the core knows (the backup scheduler reads {@code backups.schedule}
     * with its cron parser): checked with the runtime's own rules at create, update and import, so every way a spec
     * comes in is refused the same way, a 400 naming the field.
     */
    @FunctionalInterface
    public interface SpecCheck {
        /** What is wrong with {@code spec}, with field paths from the spec's root; empty when nothing is. */
        List<FieldError> problems(ServerSpec spec);
    }

    /** Adds a rule every spec this fleet stores from now on must pass. */
    public void addSpecCheck(SpecCheck check) {
        specChecks.add(check);
    }

    /** What is wrong with {@code spec} by the runtime's and the added rules (the spec's own were checked at its build). */
    public List<FieldError> check(ServerSpec spec) {
        List<FieldError> problems = new ArrayList<>(runtime.check(spec));
        if (spec.node() != null && problems.stream().noneMatch(p -> p.field().equals("node"))) {
            problems.addAll(nodeProblems(spec.node()));
        }
        for (SpecCheck c : specChecks) {
            problems.addAll(c.problems(spec));
        }
        return problems;
    }

    /** A spec's {@code node} must be one the runtime runs servers on ({@link ContainerRuntime#nodes}). */
    private List<FieldError> nodeProblems(String node) {
        List<String> names = runtime.nodes(Deadline.in(settings.engineTimeout())).stream().map(RuntimeNode::name).toList();
        if (names.contains(node)) {
            return List.of();
        }
        return List.of(new FieldError("node", "names node '" + node + "', on which the " + runtime.name()
                + " runtime runs no servers (nodes: " + String.join(", ", names) + ")"));
    }

    /** What boot reconciliation found and did. */
    public record ReconcileReport(int servers, int adopted, int started, int stopped, int duplicatesRemoved,
                                  int orphansRemoved, List<String> problems) {
    }

    /** A server as the API shows it: the stored record and the controller's live view. */
    public record ServerSnapshot(StoredServer stored, ServerController.View live) {
        public UUID id() {
            return stored.id();
        }

        public ServerState state() {
            return live.state();
        }
    }

    // ------------------------------------------------------------------ boot

    /**
     * Reconciles every stored server with the engine (rule 8), then starts routing engine events and
     * the periodic sweep. Adopts what runs (without restarting it, whatever its spec), removes
     * duplicates and orphans it owns, converges each server to its desired state, and never touches
     * a container without Raptor's label.
     */
    public ReconcileReport boot() {
        events = runtime.events(new StreamSink<>() {
            @Override
            public void next(RuntimeEvent event) {
                switch (event) {
                    case RuntimeEvent.ContainerEvent e -> {
                        ServerController c = controllers.get(e.ref().serverId());
                        if (c != null) {
                            c.onRuntimeEvent(e);
                        }
                    }
                    case RuntimeEvent.EngineInterrupted i -> {
                        outages.interrupted(i.at());
                        log.warn("the engine is away ({}); servers it stops keep their desired state", i.why());
                    }
                    case RuntimeEvent.EngineResumed r -> {
                        outages.resumed(r.at());
                        if (!closed) {
                            Thread.ofVirtual().name("fleet-engine-resumed").start(() -> reconcileAfterOutage(r));
                        }
                    }
                }
            }

            @Override
            public void end(Throwable error) {
                if (error != null && !closed) {
                    log.error("the engine event stream ended; relying on the periodic sweep", error);
                }
            }
        });
        List<StoredServer> servers = store.list();
        List<String> problems = new ArrayList<>();
        Map<UUID, List<ContainerInfo>> owned;
        try {
            owned = listOwned();
        } catch (EngineException e) {
            // Serve anyway: reads and the API must not depend on the engine. The sweeper reconciles once it answers.
            log.error("boot: the engine did not answer ({}); serving anyway and reconciling once it does", e.getMessage());
            problems.add("engine unavailable at boot: " + e.getMessage());
            for (StoredServer s : servers) {
                claimQuietly(s, problems);
                newController(s.id(), s.desired(), ServerController.Initial.OFFLINE);
            }
            reconcilePending = true;
            startSweeper();
            return new ReconcileReport(servers.size(), 0, 0, 0, 0, 0, problems);
        }
        Set<UUID> known = new HashSet<>();
        int adopted = 0;
        int started = 0;
        int stopped = 0;
        int duplicates = 0;
        int orphans = 0;
        for (StoredServer s : servers) {
            known.add(s.id());
            claimQuietly(s, problems);
            ContainerSelection mine = ContainerSelection.of(s.id(), owned.getOrDefault(s.id(), List.of()));
            for (ContainerInfo dup : mine.duplicates()) {
                if (removeQuietly(dup.ref())) {
                    duplicates++;
                    store.appendActivity(s.id(), "duplicate", "boot: removed duplicate container " + dup.ref().id(), Map.of());
                }
            }
            ContainerInfo keep = mine.keep();
            boolean running = mine.running();
            ServerController.Initial initial = keep == null ? ServerController.Initial.OFFLINE
                    : ServerController.Initial.of(running ? ServerState.RUNNING : ServerState.OFFLINE, keep);
            ServerController controller = newController(s.id(), s.desired(), initial);
            if (running) {
                adopted++;
            }
            if (s.desired() == DesiredState.RUNNING && !running) {
                started++;
                controller.submit(new Intent.Converge("boot: desired state is running"));
            } else if (s.desired() == DesiredState.STOPPED && running) {
                stopped++;
                controller.submit(new Intent.Converge("boot: desired state is stopped"));
            }
        }
        orphans = removeOrphans(owned, known);
        startSweeper();
        ReconcileReport report = new ReconcileReport(servers.size(), adopted, started, stopped, duplicates, orphans, problems);
        log.info("boot reconciliation: {}", report);
        return report;
    }

    private Map<UUID, List<ContainerInfo>> listOwned() {
        // Listing inspects every container (a few at a time); give it more than one ordinary call's time.
        return runtime.listOwned(Deadline.in(settings.engineTimeout().multipliedBy(4))).stream()
                .collect(Collectors.groupingBy(ContainerInfo::serverId));
    }

    private void claimQuietly(StoredServer s, List<String> problems) {
        try {
            ports.claim(s.id(), runtime.portNode(s.spec()), s.spec().allocations());
        } catch (PortConflictException e) {
            problems.add(e.getMessage());
            log.error("boot: {}", e.getMessage());
        }
    }

    /** Removes Raptor's containers whose server no longer exists (never a container without the label). */
    private int removeOrphans(Map<UUID, List<ContainerInfo>> owned, Set<UUID> known) {
        int orphans = 0;
        for (Map.Entry<UUID, List<ContainerInfo>> e : owned.entrySet()) {
            if (!known.contains(e.getKey())) {
                for (ContainerInfo orphan : e.getValue()) {
                    if (removeQuietly(orphan.ref())) {
                        orphans++;
                        log.info("removed container {} of server {}, which no longer exists", orphan.ref().id(), e.getKey());
                    }
                }
            }
        }
        return orphans;
    }

    /** The reconciliation boot could not do because the engine did not answer then. */
    private void reconcileLate() {
        Map<UUID, List<ContainerInfo>> owned = listOwned();
        removeOrphans(owned, new HashSet<>(controllers.keySet()));
        for (ServerController c : controllers.values()) {
            c.submit(new Intent.Converge("the engine answers again"));
        }
        reconcilePending = false;
        log.info("reconciled {} servers now that the engine answers", controllers.size());
    }

    /**
     * The engine answers again after it went away (a restart stops every container): reconciles like boot
     * does, with one listing. Orphans are removed, and every server whose container does not agree with its
     * desired state or with its controller converges: what should run is started again (the engine's restart
     * was not the operator's stop), duplicates go, what should not run stays stopped. If even the listing
     * fails, the sweeper reconciles once the engine answers.
     */
    private void reconcileAfterOutage(RuntimeEvent.EngineResumed resumed) {
        Map<UUID, List<ContainerInfo>> owned;
        try {
            owned = listOwned();
        } catch (EngineException e) {
            log.warn("the engine is back but did not list its containers ({}); reconciling at the next sweep", e.getMessage());
            reconcilePending = true;
            return;
        }
        int orphans = removeOrphans(owned, new HashSet<>(controllers.keySet()));
        int converging = 0;
        for (ServerController c : controllers.values()) {
            ContainerSelection mine = ContainerSelection.of(c.id(), owned.getOrDefault(c.id(), List.of()));
            boolean running = mine.running();
            boolean agrees = mine.duplicates().isEmpty() && (c.desired() == DesiredState.RUNNING) == running
                    && (c.state() != ServerState.OFFLINE) == running && c.state() != ServerState.NODE_UNAVAILABLE;
            if (!agrees) {
                converging++;
                c.submit(new Intent.Converge("the engine is back after an interruption"));
            }
        }
        log.info("the engine is back (away since {}): {} servers, {} converging, {} orphans removed", resumed.interruptedAt(),
                controllers.size(), converging, orphans);
    }

    /** Every {@code observeEvery}: one engine listing, and an observation for each controller that disagrees with it. */
    private void startSweeper() {
        if (removals != null) {
            removals.start(); // boot: what a previous run's deletes left
        }
        sweeper = Thread.ofVirtual().name("fleet-sweeper").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(settings.observeEvery());
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    if (reconcilePending) {
                        reconcileLate();
                    } else {
                        sweep();
                    }
                } catch (RuntimeException e) {
                    log.warn("periodic sweep failed: {}", e.toString());
                }
            }
        });
    }

    /** Compares every controller's state with one engine listing; disagreeing ones re-observe. */
    public void sweep() {
        List<ContainerInfo> listed = runtime.listOwnedStates(Deadline.in(settings.engineTimeout()));
        Set<UUID> running = listed.stream().filter(ContainerInfo::running).map(ContainerInfo::serverId).collect(Collectors.toSet());
        Set<UUID> unreachable = listed.stream().filter(i -> i.status() == ContainerStatus.UNREACHABLE)
                .map(ContainerInfo::serverId).collect(Collectors.toSet());
        for (ServerController c : controllers.values()) {
            boolean engineRunning = running.contains(c.id());
            ServerState s = c.state();
            // a server whose node went away (running or not) is told so; one whose node is away is looked at each time,
            // which is how its node's return is noticed
            if (engineRunning == (s == ServerState.OFFLINE) || s == ServerState.NODE_UNAVAILABLE || unreachable.contains(c.id())) {
                c.observeIfIdle();
            }
        }
    }

    private ServerController newController(UUID id, DesiredState desired, ServerController.Initial initial) {
        ServerController c = new ServerController(id, store, runtime, bus, settings, hostPorts, desired, initial, outages, slots,
                () -> forget(id));
        controllers.put(id, c);
        return c;
    }

    private void forget(UUID id) {
        controllers.remove(id);
        ports.release(id);
        if (removals != null) {
            removals.wake(); // the delete may have left a record
        }
    }

    // ------------------------------------------------------------------ servers

    /**
     * Registers a new server (offline, desired stopped).
     *
     * @throws InvalidSpecException   when the runtime cannot run the spec
     * @throws PortConflictException  when a port is held by another server
     * @throws PortInUseException     when another program holds a port
     * @throws NameTakenException     when another server has the name
     */
    public StoredServer create(ServerSpec spec) {
        checkRuntime(spec);
        ports.claim(spec.id(), runtime.portNode(spec), spec.allocations());
        StoredServer stored;
        try {
            checkHostPorts(spec.id(), spec.allocations());
            // the row and its "server created" entry in one synced commit: a new server's version is always 1
            stored = store.create(spec, "create", "server created", Map.of("version", "1")).server();
        } catch (RuntimeException e) {
            ports.release(spec.id());
            throw e;
        }
        newController(spec.id(), stored.desired(), ServerController.Initial.NEW);
        bus.publish(new ServerEvent.Created(spec.id(), Instant.now(), stored.version()));
        return stored;
    }

    /**
     * Replaces a server's spec if {@code expectedVersion} is current. A running server keeps running
     * its old container until its next start, or until {@link #applySpec} recreates it. Allocations the
     * server did not have before are checked against the host's ports (those it has, it may hold itself).
     *
     * @throws PortConflictException when a port is held by another server
     * @throws PortInUseException    when another program holds a new port
     * @throws NameTakenException    when another server has the new name
     */
    public StoredServer update(UUID id, long expectedVersion, ServerSpec spec) {
        if (!spec.id().equals(id)) {
            throw new InvalidSpecException("id", "cannot change a server's id");
        }
        controller(id);
        checkRuntime(spec);
        List<Allocation> before = ports.held(id);
        String beforeNode = ports.nodeOf(id);
        ports.claim(id, runtime.portNode(spec), spec.allocations());
        StoredServer stored;
        try {
            checkHostPorts(id, spec.allocations().stream().filter(a -> before.stream().noneMatch(a::collidesWith)).toList());
            stored = store.update(id, expectedVersion, spec);
        } catch (RuntimeException e) {
            ports.claim(id, beforeNode, before);
            throw e;
        }
        bus.publish(new ServerEvent.Updated(id, Instant.now(), stored.version()));
        store.appendActivity(id, "update", "spec changed to version " + stored.version(), Map.of("version", Long.toString(stored.version())));
        return stored;
    }

    /**
     * Checks that servers about to be imported could run here: the runtime accepts each spec, and no
     * allocation collides with another server's or with another imported one's. Nothing is claimed.
     * Field paths are prefixed with the server's index in {@code specs}.
     *
     * @throws InvalidSpecException  when the runtime cannot run a spec
     * @throws PortConflictException when a port is taken
     */
    public void checkAdmission(List<ServerSpec> specs) {
        List<FieldError> problems = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            for (FieldError e : check(specs.get(i))) {
                problems.add(e.under("[" + i + "]"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        for (int i = 0; i < specs.size(); i++) {
            ServerSpec spec = specs.get(i);
            ports.conflict(spec.id(), runtime.portNode(spec), spec.allocations()).ifPresent(c -> {
                throw c;
            });
            for (int j = 0; j < i; j++) {
                if (!java.util.Objects.equals(runtime.portNode(spec), runtime.portNode(specs.get(j)))) {
                    continue; // on two nodes: the same port is no collision
                }
                for (Allocation wanted : spec.allocations()) {
                    for (Allocation held : specs.get(j).allocations()) {
                        if (wanted.collidesWith(held)) {
                            throw new PortConflictException(spec.id(), wanted, specs.get(j).id(), held);
                        }
                    }
                }
            }
        }
    }

    /**
     * Brings servers that were written to the store behind the fleet's back (an import) under
     * supervision: new ones get a controller, replaced ones their new ports, and each converges to
     * its stored desired state.
     */
    public void admit(List<UUID> ids) {
        for (UUID id : ids) {
            StoredServer s = store.find(id).orElse(null);
            if (s == null) {
                continue;
            }
            try {
                ports.claim(id, runtime.portNode(s.spec()), s.spec().allocations());
            } catch (PortConflictException e) {
                log.error("admitting imported server {}: {}", id, e.getMessage());
                store.appendActivity(id, "error", "imported, but " + e.getMessage(), Map.of());
            }
            ServerController c = controllers.get(id);
            if (c == null) {
                c = newController(id, s.desired(), ServerController.Initial.OFFLINE);
                bus.publish(new ServerEvent.Created(id, Instant.now(), s.version()));
            } else {
                bus.publish(new ServerEvent.Updated(id, Instant.now(), s.version()));
            }
            c.submit(new Intent.Converge("imported"));
        }
    }

    /** Recreates the server's container from its current spec now (stopping and starting it if it runs). */
    public CompletableFuture<PowerResult> applySpec(UUID id) {
        StoredServer s = store.find(id).orElseThrow(() -> new ServerNotFoundException(id));
        return controller(id).submit(new Intent.ApplySpec(s.version()));
    }

    /**
     * Queues a power action. A start (or restart) of a server that is offline first checks its ports, so
     * that a port another program holds is refused at once rather than reported by a failed boot; the start
     * itself checks again (the port may be taken meanwhile, and a crash restart or boot goes that way only).
     *
     * @throws PortInUseException when the server is offline and another program holds one of its ports
     * @throws ServerBusyException while maintenance (a restore, an install) waits or runs on the server
     * @throws ServerNotInstalledException on a start of a server whose last install failed
     * @throws NodeUnavailableException while the node the server is pinned to does not answer
     */
    public CompletableFuture<PowerResult> power(UUID id, PowerAction action) {
        return power(id, action, null);
    }

    /**
     * {@link #power(UUID, PowerAction)}, with the pending record of the operation that asks for it written in the
     * intent's own synced commit, and its answer in that of the state the action ends in (see
     * {@link ServerController#submit(Intent, PendingOperation)}): a refusal (any exception here) writes nothing.
     *
     * @param begun the operation; null: none
     */
    public CompletableFuture<PowerResult> power(UUID id, PowerAction action, PendingOperation begun) {
        ServerController c = controller(id);
        if (c.state() == ServerState.NODE_UNAVAILABLE) {
            throw new NodeUnavailableException(id, action.wireName());
        }
        if ((action == PowerAction.START || action == PowerAction.RESTART) && c.installFailure() != null
                && c.state() == ServerState.OFFLINE) {
            throw new ServerNotInstalledException(id, action.wireName(), c.installFailure());
        }
        long t0 = System.nanoTime();
        if ((action == PowerAction.START || action == PowerAction.RESTART) && c.state() == ServerState.OFFLINE) {
            store.find(id).ifPresent(s -> checkHostPorts(id, s.spec().allocations()));
        }
        CompletableFuture<PowerResult> result = c.submit(new Intent.Power(action), begun); // refused before anything is written when busy
        // the operation's state changes follow it as commits of their own, the last one synced (a no-op: the next synced
        // commit of the store)
        store.appendPassingActivity(id, "power." + action.wireName(), action.wireName() + " requested", Map.of());
        return announced(id, action.wireName(), t0, result);
    }

    /**
     * Runs maintenance (a restore) on the server, serialised with power actions: a running server is stopped by its
     * stop policy first and started again after.
     *
     * @throws ServerBusyException when maintenance already waits or runs on it
     */
    public CompletableFuture<PowerResult> maintain(UUID id, String action, Maintenance work) {
        ServerController c = controller(id);
        return c.submit(new Intent.Maintain(action, work));
    }

    /**
     * Moves the server, with its files, to {@code node} ({@code POST /servers/{id}/transfer}): maintenance on its
     * controller, serialised with power actions. A running server is stopped by its stop policy; the runtime's
     * {@link NodeTransfers.Transfer} copies its files to the target, verifies them there and pins it to the target; it
     * is started there if it ran (and must come up as a start would); only then is the source copy removed. A failure at
     * any step pins it back to the source, with its files there untouched, and starts it there if it ran; the intent
     * fails saying why.
     *
     * @param progress told of the copy as it goes
     * @throws InvalidSpecException        (400, naming {@code node}) no node named, a node the runtime does not know,
     *                                     the node the server is on already, a server never placed, or a runtime on
     *                                     one machine
     * @throws TransferRefusedException    (409, naming {@code node}) the target node is down or takes no servers
     * @throws NodeUnavailableException    the server's own node does not answer
     * @throws ServerBusyException         when maintenance waits or runs on the server
     */
    public CompletableFuture<PowerResult> transfer(UUID id, String node, java.util.function.Consumer<dev.raptor.core.operation.OperationProgress> progress) {
        ServerController c = controller(id);
        NodeTransfers moves = runtime.transfers().orElseThrow(() -> new InvalidSpecException("node", "the " + runtime.name()
                + " runtime runs servers on one machine: there is no other node to transfer a server to"));
        if (node == null || node.isBlank()) {
            throw new InvalidSpecException("node", "is required: the node to move the server to (GET /api/v1/nodes lists them)");
        }
        if (c.state() == ServerState.NODE_UNAVAILABLE) {
            throw new NodeUnavailableException(id, "transfer");
        }
        Deadline deadline = Deadline.in(settings.engineTimeout());
        List<RuntimeNode> nodes = runtime.nodes(deadline);
        RuntimeNode target = nodes.stream().filter(n -> n.name().equals(node)).findFirst()
                .orElseThrow(() -> new InvalidSpecException("node", "names no node of this swarm: '" + node + "' (nodes: "
                        + nodes.stream().map(RuntimeNode::name).collect(Collectors.joining(", ")) + ")"));
        String from = moves.nodeOf(id, deadline);
        if (from == null) {
            throw new InvalidSpecException("node", "the server was never placed on a node, so it has no files to move: "
                    + "set its spec's node instead (PATCH), and it is placed there at its first start");
        }
        if (from.equals(node)) {
            throw new InvalidSpecException("node", "the server is on node " + node + " already");
        }
        if (target.state() != dev.raptor.core.node.NodeState.READY) {
            throw new TransferRefusedException(id, "node", "node " + node + " is " + target.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (target.reason() == null ? "" : " (" + target.reason() + ")") + ": it takes no servers now; nothing was changed");
        }
        StoredServer stored = store.find(id).orElseThrow(() -> new ServerNotFoundException(id));
        ports.conflict(id, node, stored.spec().allocations()).ifPresent(conflict -> {
            throw conflict;
        });
        NodeTransfers.Transfer move = moves.prepare(id, settings.volumesRoot().resolve(id.toString()), from, node, progress);
        long t0 = System.nanoTime();
        // a spec that names the source node names the target from the moment the server is pinned there, and the source
        // again if it is pinned back
        Upgrade work = new Upgrade() {
            @Override
            public void run() throws Exception {
                move.run();
                renameNode(id, from, node);
            }

            @Override
            public Duration readyWithin() {
                return move.readyWithin();
            }

            @Override
            public void rollBack(String reason) throws Exception {
                renameNode(id, node, from);
                move.rollBack(reason);
            }

            @Override
            public String applyFailed() {
                return "the files could not be moved to node " + node;
            }

            @Override
            public String bootFailed() {
                return "it did not come up on node " + node;
            }

            @Override
            public String runsAgain() {
                return "it runs again on node " + from + ", with its files there";
            }
        };
        CompletableFuture<PowerResult> result = c.submit(new Intent.Maintain("transfer", work)); // refused when busy
        store.appendActivity(id, "transfer", "transfer from node " + from + " to node " + node + " requested",
                Map.of("from", from, "to", node));
        return announced(id, "transfer", t0, result.thenApply(r -> {
            if (r instanceof PowerResult.Done) {
                claimQuietlyOn(id, node, stored.spec().allocations());
                try {
                    move.removeSource();
                    store.appendActivity(id, "transfer", "transferred to node " + node + "; the copy on node " + from + " is removed",
                            withFacts(move, from, node));
                } catch (Exception e) {
                    log.warn("server={} transferred to node={} but its copy on node={} could not be removed: {}", id, node, from, e.toString());
                    store.appendActivity(id, "transfer", "transferred to node " + node + ", but its old copy on node " + from
                            + " could not be removed: " + e.getMessage(), withFacts(move, from, node));
                }
            }
            return r;
        }));
    }

    /** A spec that named the source node names the target now: it is where the server and its files are. */
    private void renameNode(UUID id, String from, String to) {
        for (int attempt = 0; attempt < 3; attempt++) {
            StoredServer now = store.find(id).orElse(null);
            if (now == null || !from.equals(now.spec().node())) {
                return;
            }
            try {
                store.update(id, now.version(), now.spec().toBuilder().node(to).build());
                return;
            } catch (dev.raptor.core.server.StaleVersionException raced) {
                // a PATCH landed meanwhile: read it again
            }
        }
    }

    private static Map<String, String> withFacts(NodeTransfers.Transfer move, String from, String to) {
        Map<String, String> details = new HashMap<>(move.facts());
        details.put("from", from);
        details.put("to", to);
        return details;
    }

    private void claimQuietlyOn(UUID id, String node, List<Allocation> allocations) {
        try {
            ports.claim(id, node, allocations);
        } catch (PortConflictException e) {
            log.warn("server={} on node={} after its transfer: {}", id, node, e.getMessage());
        }
    }

    /**
     * Runs an install ({@code install}, {@code reinstall}) on the server's controller: like {@link #maintain}, but the
     * server is left stopped, shows {@code installing} meanwhile and {@code install-failed} after a failure, and a
     * kill or delete cancels the work (interrupting it) instead of being refused.
     *
     * @throws ServerBusyException when maintenance already waits or runs on it
     */
    public CompletableFuture<PowerResult> install(UUID id, String action, Maintenance work) {
        ServerController c = controller(id);
        store.appendActivity(id, action, action + " requested", Map.of());
        return announced(id, action, System.nanoTime(), c.submit(new Intent.Maintain(action, work, true)));
    }

    /** Stops (or, forced, kills) and removes the server, its container and its data. */
    public CompletableFuture<PowerResult> delete(UUID id, boolean force) {
        return delete(id, force, null);
    }

    /**
     * {@link #delete(UUID, boolean)}, with the pending record of the operation that asks for it written with the intent
     * (alone, since a delete's intent changes no desired state of a stopped server, and not synced until an answer
     * needs it), and its answer in the removal's commit (as {@link #power(UUID, PowerAction, PendingOperation)} does).
     *
     * @param begun the operation; null: none
     */
    public CompletableFuture<PowerResult> delete(UUID id, boolean force, PendingOperation begun) {
        return announced(id, "delete", System.nanoTime(), controller(id).submit(new Intent.Delete(force), begun));
    }

    /** Publishes {@link PowerActionFinished} when the answer comes (on the thread that completes the future). */
    private CompletableFuture<PowerResult> announced(UUID id, String action, long startedNanos, CompletableFuture<PowerResult> answer) {
        answer.whenComplete((result, error) -> bus.publish(PowerActionFinished.of(id, action, result, error, startedNanos)));
        return answer;
    }

    /**
     * Writes one line to the server's console.
     *
     * @throws dev.raptor.core.validation.InvalidSpecException when {@code line} is not a {@link ConsoleCommand}
     * @throws ServerNotRunningException when it is offline
     */
    public void sendCommand(UUID id, String line) {
        sendCommand(id, ConsoleCommand.of(line));
    }

    /**
     * Writes one command to the server's console.
     *
     * @throws ServerNotRunningException when it is offline
     */
    public void sendCommand(UUID id, ConsoleCommand command) {
        ContainerRef ref = runningContainer(id);
        try {
            runtime.sendInput(ref, command.line(), Deadline.in(Duration.ofSeconds(10)));
        } catch (EngineException.NotFound | EngineException.Conflict e) {
            throw new ServerNotRunningException(id);
        }
    }

    /**
     * The container the server runs in, as its controller last saw it (looked up by label when it has none).
     *
     * @throws ServerNotFoundException   when there is no such server
     * @throws ServerNotRunningException when it is offline
     */
    public ContainerRef runningContainer(UUID id) {
        ServerController c = controller(id);
        if (c.state() == ServerState.NODE_UNAVAILABLE) {
            throw new NodeUnavailableException(id, "console input");
        }
        if (c.state() == ServerState.OFFLINE) {
            throw new ServerNotRunningException(id);
        }
        return c.container().orElseGet(() -> runtime.find(id, Deadline.in(settings.engineTimeout())).stream()
                .filter(ContainerInfo::running).map(ContainerInfo::ref).findFirst()
                .orElseThrow(() -> new ServerNotRunningException(id)));
    }

    /**
     * Every server, oldest first, as an unmodifiable list. The same list (and the same snapshot of each server) while
     * every server's stored record and view are the same instances they were at the last call: a panel lists the
     * servers back to back ({@code GET /servers}), and a new list and a snapshot per server per poll were garbage the
     * collector paid for in pauses. A change makes a new list that keeps the snapshots of the servers that did not
     * change. Records and views are values given again only while unchanged, so a reader cannot tell the difference.
     */
    public List<ServerSnapshot> list() {
        List<StoredServer> stored = store.list();
        List<ServerSnapshot> last = lastList;
        List<ServerSnapshot> out = null; // made at the first server that is not the last list's at its place
        int n = 0;
        for (int i = 0; i < stored.size(); i++) { // by index: an iterator per poll is garbage too
            StoredServer s = stored.get(i);
            ServerController c = controllers.get(s.id());
            if (c == null) {
                continue;
            }
            ServerController.View view = c.view();
            ServerSnapshot kept = n < last.size() ? last.get(n) : null;
            if (kept == null || kept.stored() != s || kept.live() != view) {
                kept = null;
            }
            if (out == null) {
                if (kept != null) {
                    n++;
                    continue;
                }
                out = new ArrayList<>(stored.size());
                out.addAll(last.subList(0, n));
            }
            out.add(kept != null ? kept : new ServerSnapshot(s, view));
            n++;
        }
        if (out == null) {
            if (n == last.size()) {
                return last;
            }
            out = new ArrayList<>(last.subList(0, n)); // the last servers are gone
        }
        List<ServerSnapshot> made = java.util.Collections.unmodifiableList(out);
        lastList = made;
        return made;
    }

    public Optional<ServerSnapshot> find(UUID id) {
        ServerController c = controllers.get(id);
        if (c == null) {
            return Optional.empty();
        }
        return store.find(id).map(s -> new ServerSnapshot(s, c.view()));
    }

    /** @throws ServerNotFoundException when there is no such server */
    public ServerController controller(UUID id) {
        ServerController c = controllers.get(id);
        if (c == null) {
            throw new ServerNotFoundException(id);
        }
        return c;
    }

    public PortRegistry ports() {
        return ports;
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    public ServerStore store() {
        return store;
    }

    public EventBus bus() {
        return bus;
    }

    /** The creates, starts and removals in flight and waiting for a turn, across its controllers. */
    EngineSlots engineSlots() {
        return slots;
    }

    public ControllerSettings settings() {
        return settings;
    }

    private void checkHostPorts(UUID id, List<Allocation> allocations) {
        if (!allocations.isEmpty()) {
            hostPorts.firstInUse(allocations).ifPresent(inUse -> {
                throw new PortInUseException(id, inUse);
            });
        }
    }

    private void checkRuntime(ServerSpec spec) {
        List<FieldError> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
    }

    private boolean removeQuietly(ContainerRef ref) {
        try {
            runtime.remove(ref, Deadline.in(settings.engineTimeout()));
            return true;
        } catch (EngineException.NotFound e) {
            return false;
        } catch (EngineException e) {
            log.warn("could not remove container {} of server {}: {}", ref.id(), ref.serverId(), e.getMessage());
            return false;
        }
    }

    /** Stops supervising. Game servers keep running; the next boot adopts them. */
    @Override
    public void close() {
        closed = true;
        if (removals != null) {
            removals.close();
        }
        Thread s = sweeper;
        if (s != null) {
            s.interrupt();
        }
        Subscription e = events;
        if (e != null) {
            e.close();
        }
        for (ServerController c : new HashMap<>(controllers).values()) {
            c.close();
        }
        controllers.clear();
    }
}
