package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a controller knows about its server and tells about it. The controller owns the observed state
 * (the runtime only reports facts); the desired state is written to the store before anything acts on it;
 * the container last seen and where its run's output begins let readers follow the server without asking
 * the engine. Reads are volatile and never wait for an operation. Every state change is published on the
 * bus and written to the activity log here, in one way.
 */
final class ObservedServer {
    private static final Logger log = LoggerFactory.getLogger(ObservedServer.class);

    private final UUID id;
    private final ServerStore store;
    private final EventBus bus;
    /** Orders each desired-state write with what follows it (the enqueue), so the store's desired state matches the queue's last word. */
    private final ReentrantLock writeAhead = new ReentrantLock();
    /** Makes each transition's from/to pair exact; held for memory operations only. */
    private final ReentrantLock transitions = new ReentrantLock();

    private volatile ServerState state;
    private volatile DesiredState desired;
    private volatile ContainerRef container;
    /**
     * The server's container as this controller knows it for certain without asking the engine (it made it, found it,
     * or removed it since it last had to search, and no event contradicted that); null when it must search.
     */
    private volatile KnownContainer known;
    private volatile Instant startedAt;
    /** Where the current run's output begins (see {@link dev.raptor.core.runtime.ContainerInfo#outputSince()}). */
    private volatile Instant outputSince;
    private volatile String lastError;
    private volatile boolean crashLoop;
    private volatile boolean deleted;
    /** Why the last install failed; null when it did not (or none ran). Shown as INSTALL_FAILED while offline. */
    private volatile String installFailure;
    private volatile ContainerHealth health = ContainerHealth.NONE;
    /** The last exit the runtime's events told of a container of this server (null: none yet). */
    private volatile RuntimeEvent.Exited lastExit;
    /** The view last made ({@link #view}), given again while it is still what the server is. */
    private volatile ServerController.View lastView;

    ObservedServer(UUID id, ServerStore store, EventBus bus, DesiredState desired, ServerController.Initial initial) {
        this.id = id;
        this.store = store;
        this.bus = bus;
        this.desired = desired;
        this.state = initial.state();
        this.container = initial.container();
        this.known = initial.containerKnown() ? new KnownContainer(initial.container(), null) : null;
        this.startedAt = initial.startedAt();
        this.outputSince = initial.outputSince();
    }

    ServerState state() {
        return state;
    }

    DesiredState desired() {
        return desired;
    }

    ContainerRef container() {
        return container;
    }

    Instant outputSince() {
        return outputSince;
    }

    boolean deleted() {
        return deleted;
    }

    ContainerHealth health() {
        return health;
    }

    /**
     * What the server is and does now. The same instance while nothing in it changed: a panel lists every server back
     * to back ({@code GET /servers}), and a new view per server per poll was garbage that the collector paid for in
     * stop-the-world pauses (the bench's storm); a view is a value, so readers cannot tell the difference.
     */
    ServerController.View view(String busyWith) {
        ContainerRef c = container;
        String failure = installFailure;
        ServerState now = state;
        ServerState shown = now == ServerState.OFFLINE && failure != null ? ServerState.INSTALL_FAILED : now;
        DesiredState wanted = desired;
        boolean looping = crashLoop;
        String error = failure != null && shown == ServerState.INSTALL_FAILED ? failure : lastError;
        String containerId = c == null ? null : c.id();
        Instant started = startedAt;
        Instant since = outputSince;
        ContainerHealth h = health;
        ServerController.View last = lastView;
        if (last != null && shows(last, id, shown, wanted, looping, error, containerId, started, since, busyWith, h)) {
            return last;
        }
        ServerController.View fresh = new ServerController.View(id, shown, wanted, looping, error, containerId, started, since,
                busyWith, h);
        lastView = fresh;
        return fresh;
    }

    /**
     * Whether {@code view} is the view these members make (its record's components, in order), compared member by
     * member without making one. Every member of {@link ServerController.View} must be compared here, or a view kept by
     * {@link #view} would outlive a change of the one left out (ObservedServerViewTest holds every member to it).
     */
    static boolean shows(ServerController.View view, UUID id, ServerState state, DesiredState desired, boolean crashLoop,
                         String lastError, String containerId, Instant startedAt, Instant outputSince, String busyWith,
                         ContainerHealth health) {
        return view.id().equals(id) && view.state() == state && view.desired() == desired && view.crashLoop() == crashLoop
                && Objects.equals(view.lastError(), lastError) && Objects.equals(view.containerId(), containerId)
                && Objects.equals(view.startedAt(), startedAt) && Objects.equals(view.outputSince(), outputSince)
                && Objects.equals(view.busyWith(), busyWith) && view.health() == health;
    }

    String installFailure() {
        return installFailure;
    }

    /** The last install failed (null: it succeeded); published as a state change to or from install-failed. */
    void installFailed(String reason) {
        String before = installFailure;
        installFailure = reason;
        if (state == ServerState.OFFLINE && (before == null) != (reason == null)) {
            ServerState from = before == null ? ServerState.OFFLINE : ServerState.INSTALL_FAILED;
            ServerState to = reason == null ? ServerState.OFFLINE : ServerState.INSTALL_FAILED;
            publish(new ServerEvent.StateChanged(id, Instant.now(), from, to, reason == null ? "installed" : reason));
        }
    }

    // ------------------------------------------------------------------ desired state

    /**
     * Durably records {@code d} (none when null) and then runs {@code then}, both under one lock.
     *
     * @throws RuntimeException whatever the store throws; then nothing ran
     */
    void writeAhead(DesiredState d, Runnable then) {
        writeAhead(d, () -> {
        }, then);
    }

    /**
     * The same, with {@code admit} run first under the same lock: every submission passes here, so what it
     * checks of the queue cannot change before the intent is queued, and a refusal writes nothing.
     */
    void writeAhead(DesiredState d, Runnable admit, Runnable then) {
        writeAhead(d, null, admit, then);
    }

    /**
     * The same, with the pending record of the operation that asks for {@code d} written in the desired state's own
     * commit (see {@link ServerStore#setDesiredState(UUID, DesiredState, PendingOperation)}):
     * one synced commit for both, and none of them when {@code admit} refuses.
     *
     * @param begun the operation; null: none. Only with a desired state to record.
     */
    void writeAhead(DesiredState d, PendingOperation begun, Runnable admit, Runnable then) {
        if (begun != null && d == null) {
            throw new IllegalArgumentException("operation " + begun.record().id() + " is recorded with a desired state, and there is none");
        }
        writeAhead.lock();
        try {
            admit.run();
            if (d != null) {
                store.setDesiredState(id, d, begun);
                desired = d;
            }
            then.run();
        } finally {
            writeAhead.unlock();
        }
    }

    /** Records a desired state the controller decided on (after a crash); a store failure is logged. */
    void recordDesired(DesiredState d) {
        try {
            writeAhead(d, () -> {
            });
        } catch (RuntimeException e) {
            log.warn("server={} could not record desired state {}", id, d, e);
        }
    }

    /** Takes the desired state the store holds (an import may have rewritten it behind the controller). */
    void adoptDesired(DesiredState d) {
        desired = d;
    }

    // ------------------------------------------------------------------ engine facts

    void container(ContainerRef ref) {
        container = ref;
    }

    /**
     * The server's container for certain (null ref: it has none), as the controller made, found or removed it. A start
     * or a delete acts on it without searching; the engine's 404 or 409 sends them back to a search ({@link #doubt}).
     */
    record KnownContainer(ContainerRef ref, String specHash) {
    }

    /** What is known for certain of the container, or null when only a search can tell. */
    KnownContainer known() {
        return known;
    }

    /** {@code ref} (null: none) is the server's only container, made from the spec of {@code specHash}. */
    void know(ContainerRef ref, String specHash) {
        known = new KnownContainer(ref, specHash);
        if (ref != null) {
            container = ref;
        }
    }

    /** Only a search can tell what the server's container is now (a create without an answer, an engine's surprise). */
    void doubt() {
        known = null;
    }

    /**
     * The engine told of {@code ref} (a start, an exit, a health verdict): a container of this server other than the
     * known one exists (a duplicate made behind Raptor's back), so only a search can tell which to keep.
     */
    void heardOf(ContainerRef ref) {
        KnownContainer k = known;
        if (k != null && (k.ref() == null || !k.ref().id().equals(ref.id()))) {
            known = null;
        }
    }

    /** The container {@code ref} is gone (removed by the controller, or an engine event says so). */
    void removed(ContainerRef ref) {
        KnownContainer k = known;
        if (k != null && k.ref() != null && k.ref().id().equals(ref.id())) {
            known = new KnownContainer(null, null);
        }
    }

    /**
     * The run the server's container is in (or was last in). An exit told before it is of an earlier run and is
     * forgotten: its stamp alone cannot say so when the engine's clock runs ahead of this daemon's (a remote engine),
     * or stamps a run shorter than its own start lag after that lag.
     */
    void run(ContainerRef ref, Instant startedAt, Instant outputSince) {
        this.container = ref;
        this.startedAt = startedAt;
        this.outputSince = outputSince;
        this.lastExit = null;
    }

    /** Tells consoles and stats that a run began, so they follow it from its first line. */
    void announceRun() {
        ContainerRef c = container;
        if (c != null) {
            publish(new ServerEvent.ContainerStarted(id, Instant.now(), c.id(), startedAt, outputSince));
        }
    }

    /** The runtime's events told of an exit of a container of this server. */
    void told(RuntimeEvent.Exited exit) {
        lastExit = exit;
    }

    /**
     * The exit of {@code ref}'s run that began at {@code since} (its {@link #outputSince}), if the runtime's events told
     * of it since the run began: an earlier run's exit told before is forgotten by {@link #run}, one delivered late is
     * stamped before {@code since}.
     */
    Optional<RuntimeEvent.Exited> toldExit(ContainerRef ref, Instant since) {
        RuntimeEvent.Exited e = lastExit;
        return e != null && e.ref().id().equals(ref.id()) && !e.at().isBefore(since) ? Optional.of(e) : Optional.empty();
    }

    /** Whether an exit or removal event is about an older container of this server, or the previous run's exit delivered late. */
    boolean isStale(RuntimeEvent.ContainerEvent event) {
        ContainerRef known = container;
        if (known != null && !known.id().equals(event.ref().id())) {
            return true;
        }
        Instant since = startedAt;
        return event instanceof RuntimeEvent.Exited && since != null && event.at().isBefore(since);
    }

    void failed(String reason) {
        lastError = reason;
    }

    void crashLoop(boolean looping, String reason) {
        crashLoop = looping;
        if (reason != null) {
            lastError = reason;
        }
    }

    /** The server is gone: nothing more goes to its activity log. */
    void markDeleted() {
        deleted = true;
        container = null;
        known = null;
    }

    // ------------------------------------------------------------------ telling

    void transition(ServerState to, String reason) {
        transition(to, reason, null);
    }

    /**
     * {@link #transition(ServerState, String)}, with the answer of the operation whose action ends in {@code to} written
     * in the commit of its activity entry (null: none).
     *
     * @return whether a commit holds {@code answered}: false when there was no transition (the server already was
     *         {@code to}), no answer, or the write failed (logged, as any activity's)
     */
    boolean transition(ServerState to, String reason, FinishedOperation answered) {
        ServerState from;
        transitions.lock();
        try {
            from = state;
            if (from == to) {
                return false;
            }
            state = to;
        } finally {
            transitions.unlock();
        }
        log.info("server={} state {} -> {} ({})", id, from, to, reason);
        publish(new ServerEvent.StateChanged(id, Instant.now(), from, to, reason));
        String message = from.wireName() + " -> " + to.wireName() + ": " + reason;
        Map<String, String> details = Map.of("from", from.wireName(), "to", to.wireName());
        // a state the operation passes through (starting, stopping) is written without a sync of its own: the settled
        // state it ends in is a synced commit after this one
        boolean passing = to == ServerState.STARTING || to == ServerState.STOPPING;
        boolean written = append("state", message, details, passing, passing ? null : answered) && !passing && answered != null;
        if (to == ServerState.OFFLINE) {
            health(ContainerHealth.NONE, "not running");
        }
        return written;
    }

    /**
     * Takes the health check's verdict; a change is published ({@link ServerEvent.HealthChanged}), and a verdict
     * of healthy or unhealthy goes to the activity log.
     *
     * @return whether it changed
     */
    boolean health(ContainerHealth to, String why) {
        ContainerHealth from;
        transitions.lock();
        try {
            from = health;
            if (from == to) {
                return false;
            }
            health = to;
        } finally {
            transitions.unlock();
        }
        log.info("server={} health {} -> {} ({})", id, from.wireName(), to.wireName(), why);
        publish(new ServerEvent.HealthChanged(id, Instant.now(), from, to));
        if (to == ContainerHealth.HEALTHY || to == ContainerHealth.UNHEALTHY) {
            activity("health", "health check: " + to.wireName() + " (was " + from.wireName() + ")",
                    Map.of("from", from.wireName(), "to", to.wireName()));
        }
        return true;
    }

    void activity(String type, String message, Map<String, String> details) {
        append(type, message, details, false, null);
    }

    /** {@link #activity} of an entry a settled one follows in the same operation ({@link ServerStore#appendPassingActivity}). */
    void passingActivity(String type, String message, Map<String, String> details) {
        append(type, message, details, true, null);
    }

    /**
     * Writes the entry ({@code passing}: without a sync of its own; else with {@code answered}, if any, in its commit).
     * A failure is logged: the entry is lost, the change it tells of stands.
     *
     * @return whether it was written
     */
    private boolean append(String type, String message, Map<String, String> details, boolean passing, FinishedOperation answered) {
        if (deleted) {
            return false;
        }
        try {
            if (passing) {
                store.appendPassingActivity(id, type, message, details);
            } else if (answered != null) {
                store.appendActivity(id, type, message, details, answered);
            } else {
                store.appendActivity(id, type, message, details);
            }
            return true;
        } catch (RuntimeException e) {
            log.warn("server={} could not append activity '{}': {}", id, message, e.toString());
            return false;
        }
    }

    void publish(ServerEvent event) {
        bus.publish(event);
    }
}
