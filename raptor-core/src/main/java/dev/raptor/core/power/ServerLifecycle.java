package dev.raptor.core.power;

import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.allocation.PortInUse;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.node.NodeTransfers;
import dev.raptor.core.node.PendingRemoval;
import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.ContainerSelection;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Carries out one intent on the engine, on the controller's thread: start (create or adopt, start, wait
 * for the boot), stop by the stop policy (killing at its timeout), kill, apply a new spec, delete, observe,
 * converge, recover after a crash. It never decides what runs when (that is {@link ServerController}'s
 * mailbox and {@link Precedence}); it checks its {@link Submission} for pre-emption between steps, and every
 * engine call in it has a deadline.
 *
 * <p>Containers are looked up by label, never by a stored id alone (rule 6): a stale id heals itself, and
 * duplicates are removed as they are seen ({@link ContainerSelection}). What the controller itself made, found or
 * removed since it last searched is known without asking ({@link ObservedServer#known}): a start and a delete of a
 * stopped server act on it at once, and go back to a search when the engine answers that it is not so (404, 409).
 * A create pre-empted by a kill or a stop is not abandoned at the engine: it goes on on its own thread, and the next
 * start or delete waits for its answer ({@link #settlePendingCreate}), so that no container lands unseen after a
 * delete.
 */
final class ServerLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ServerLifecycle.class);
    /** How long a port may take to be let go by the server's own run that just ended. */
    private static final Duration PORT_RELEASE_GRACE = Duration.ofSeconds(2);
    private static final Duration PORT_RECHECK = Duration.ofMillis(100);

    private final UUID id;
    private final ServerStore store;
    private final ContainerRuntime runtime;
    private final ControllerSettings settings;
    private final HostPorts hostPorts;
    private final ObservedServer server;
    private final CrashTracker crashes;
    private final EngineOutages outages;
    private final EngineSlots slots;
    private final DataDirectories dataDirectories;
    private final Consumer<Intent> internal;
    private final Runnable onDeleted;

    /**
     * @param internal  queues the controller's own work (a recovery after a crash)
     * @param onDeleted called once, on the controller's thread, after a delete has removed the server
     */
    ServerLifecycle(UUID id, ServerStore store, ContainerRuntime runtime, ControllerSettings settings, HostPorts hostPorts,
                    ObservedServer server, EngineOutages outages, EngineSlots slots, Consumer<Intent> internal, Runnable onDeleted) {
        this.id = id;
        this.store = store;
        this.runtime = runtime;
        this.settings = settings;
        this.hostPorts = hostPorts;
        this.server = server;
        this.crashes = new CrashTracker(settings.crashWindow(), settings::backoff);
        this.outages = outages;
        this.slots = slots;
        this.dataDirectories = new DataDirectories(settings.volumesRoot());
        this.internal = internal;
        this.onDeleted = onDeleted;
    }

    /** An operator wants the server running: past crashes and a crash loop are forgotten. */
    void forgetCrashes() {
        crashes.reset();
        server.crashLoop(false, null);
    }

    /** Runs {@code op}'s intent to its answer: done, superseded (it was pre-empted) or failed (why). */
    PowerResult carryOut(Submission op) {
        PowerResult result;
        try {
            result = execute(op);
        } catch (Submission.Cancelled c) {
            result = op.superseded();
        } catch (RuntimeException e) {
            result = op.cancelled() ? op.superseded() : failed(op, e);
        }
        return op.cancelled() && !(result instanceof PowerResult.Superseded) ? op.superseded() : result;
    }

    private PowerResult execute(Submission op) {
        return switch (op.intent) {
            case Intent.Power(PowerAction a) -> switch (a) {
                case START -> start(op);
                case STOP -> stopWatched(op, "stop requested");
                case KILL -> kill(op, "kill requested");
                case RESTART -> {
                    stopWatched(op, "restart requested");
                    op.check();
                    yield start(op);
                }
            };
            case Intent.ApplySpec a -> applySpec(op);
            case Intent.Maintain m -> maintain(op, m);
            case Intent.Delete d -> delete(op, d.force());
            case Intent.Recover r -> {
                server.activity("restart", "restarting after crash in " + r.backoff().toMillis() + " ms (attempt " + r.attempt() + ")", Map.of());
                op.pause(r.backoff());
                yield start(op);
            }
            case Intent.Heal h -> heal(op);
            case Intent.Observe o -> observe(op);
            case Intent.Converge c -> {
                // The store is the truth here: an import may have rewritten the desired state behind us.
                store.find(id).ifPresent(stored -> server.adoptDesired(stored.desired()));
                yield server.desired() == DesiredState.RUNNING ? start(op) : stopWatched(op, c.why());
            }
        };
    }

    /** Whether the server's restart policy restarts it when its health check turns unhealthy. */
    boolean restartsWhenUnhealthy() {
        return storedSpec().map(s -> s.restartPolicy().onUnhealthy()).orElse(false);
    }

    /** Restarts a server whose health check says unhealthy, unless it has recovered or stopped meanwhile. */
    private PowerResult heal(Submission op) {
        ContainerInfo c = containerToStop();
        if (c == null || !c.running() || server.state() != ServerState.RUNNING || server.desired() != DesiredState.RUNNING) {
            return done(op);
        }
        if (c.health() != ContainerHealth.UNHEALTHY) {
            server.health(c.health(), "looked again before restarting");
            return done(op);
        }
        server.activity("restart", "restarting: the health check says unhealthy and restart.onUnhealthy is set",
                Map.of("health", c.health().wireName()));
        stop(op, "unhealthy", c);
        op.check();
        return start(op);
    }

    private PowerResult failed(Submission op, RuntimeException e) {
        String reason = e instanceof Submission.Failure f ? f.getMessage() : describe(e);
        server.failed(reason);
        log.warn("server={} intent={} failed: {}", id, op.intent.describe(), reason, e instanceof Submission.Failure ? null : e);
        if (op.intent.bringsUp() || op.intent instanceof Intent.ApplySpec) {
            settleAfterFailure();
        }
        server.activity("error", op.intent.describe() + " failed: " + reason, Map.of("intent", op.intent.describe()));
        server.publish(new ServerEvent.ActionFailed(id, Instant.now(), op.intent.describe(), reason));
        return new PowerResult.Failed(op.intent, reason);
    }

    /** After a failed start, let the facts decide the state; if even they are unavailable, nothing runs that we started. */
    private void settleAfterFailure() {
        try {
            ContainerInfo c = currentContainer();
            if (unreachable(c)) {
                server.transition(ServerState.NODE_UNAVAILABLE, "after failure: its node does not answer");
                return;
            }
            server.transition(c != null && c.running() ? ServerState.RUNNING : ServerState.OFFLINE, "after failure");
        } catch (RuntimeException e) {
            server.transition(ServerState.OFFLINE, "after failure (engine did not answer: " + describe(e) + ")");
        }
    }

    // ------------------------------------------------------------------ start

    /** While an update's new version boots: how long it may take to be ready (null otherwise). Only the controller's thread. */
    private Duration readyWithin;

    private PowerResult start(Submission op) {
        ServerSpec spec = spec();
        List<FieldError> problems = runtime.check(spec);
        if (!problems.isEmpty()) {
            throw new Submission.Failure("the spec cannot run on the " + runtime.name() + " runtime: "
                    + problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
        settlePendingCreate(op);
        // A stopped server's container as the controller left it: no search (events tell of removals, and the engine's
        // 404 or 409 at the start below sends this start back to a search)
        ObservedServer.KnownContainer known = server.state() == ServerState.OFFLINE ? server.known() : null;
        ContainerInfo c = known != null ? stopped(known) : currentContainer();
        if (unreachable(c)) {
            // its files are on that node: never started elsewhere; it returns to its desired state when the node is back
            server.transition(ServerState.NODE_UNAVAILABLE, "its node does not answer");
            throw new Submission.Failure(NODE_AWAY);
        }
        if (c != null && c.running() && askedToStop(c.ref())) {
            return startAfterItsStop(op, c.ref());
        }
        if (c != null && c.running()) {
            if (server.state() == ServerState.RUNNING) {
                return done(op);
            }
            // Running, but its boot was never seen through (a cancelled start, a recovery pre-empted by
            // this start): settle from facts. The ready line, if already printed, is replayed from the logs.
            server.run(c.ref(), c.startedAt(), c.outputSince());
            server.health(c.health(), "already running");
            if (spec.readyPattern() != null) {
                server.transition(ServerState.STARTING, "already running; waiting for its ready line");
                return awaitBoot(op, c.ref(), spec);
            }
            if (!spec.settle().isZero()) {
                server.transition(ServerState.STARTING, "already running; waiting out the rest of its settle window");
                return awaitBoot(op, c.ref(), spec);
            }
            settle(op, ServerState.RUNNING, "already running");
            return done(op);
        }
        checkPortsFree(op, spec);
        server.transition(ServerState.STARTING, op.intent.describe());
        String hash = SpecHash.of(spec);
        if (c != null && !hash.equals(c.specHash())) {
            server.activity("recreate", "spec changed; recreating the container", Map.of("oldHash", String.valueOf(c.specHash()), "newHash", hash));
            removeInTurn(op, c.ref());
            c = null;
        }
        op.check();
        if (c == null) {
            ensureImage(op, spec);
            op.check();
            c = createOrAdopt(op, spec, createDataDirectory(), hash);
        }
        server.container(c.ref());
        op.check();
        op.clearPoke();
        // Every line of the new run is stamped after this instant, every line of an earlier one before it: the
        // engine drains a run's output before it reports the exit, and the container was seen exited (or never
        // started) above. Better than anything inspect says afterwards (see ContainerInfo.outputSince).
        Instant requested;
        try (EngineSlots.Slot turn = slots.take(op, id, "start")) {
            requested = Instant.now();
            runtime.start(c.ref(), call()); // its deadline starts now that the engine is ours to ask
        } catch (EngineException.NotFound gone) {
            if (known == null) {
                throw gone;
            }
            // the container the controller knew was removed behind its back (its event not seen yet): search and recover
            server.doubt();
            server.activity("start", "container " + c.ref().id() + " was gone at its start; looking for the server's container again", Map.of());
            return start(op);
        } catch (EngineException.Conflict e) {
            if (e.portInUse().isEmpty() && known != null) {
                // not as the controller knew it (e.g. being removed): search and recover
                server.doubt();
                return start(op);
            }
            if (e.portInUse().isEmpty()) {
                throw e;
            }
            // the engine's own refusal (a port another container publishes), told as the probe tells it
            throw new Submission.Failure("port in use: " + e.portInUse().get().describe() + " (the engine says: " + e.getMessage() + ")");
        }
        // The start's answer is the fact that its process runs (the engine answers once it does): no inspect after
        // it. Its start time is this answer's instant, a few milliseconds after the engine's own record of it. An exit
        // right after is seen as any exit is: by the boot watch, or, for a server done at its start, by the engine's
        // exit event (an inspect here would only have caught the exits of its own few milliseconds).
        server.run(c.ref(), Instant.now(), requested);
        stopAskedOf = null; // whatever was asked of an earlier run ended with it
        server.health(spec.healthCheck() == null ? ContainerHealth.NONE : ContainerHealth.STARTING, "started");
        server.announceRun();
        if (spec.readyPattern() == null && spec.settle().isZero()) {
            settle(op, ServerState.RUNNING, "process running");
            return done(op);
        }
        // an exit already seen goes through the watch too: it collects the run's last lines for the reason
        return awaitBoot(op, c.ref(), spec);
    }

    /**
     * Pulls the spec's image when the engine lacks it, so that a start on a fresh node works instead of failing,
     * and says so on the bus as it goes ({@link ServerEvent.ImagePull}: consoles show it). Within the create's
     * deadline; a stop or kill interrupts it. Runtimes that run no images have nothing to pull.
     */
    private void ensureImage(Submission op, ServerSpec spec) {
        String image = spec.image();
        if (image == null) {
            return;
        }
        try {
            if (runtime.hasImage(image, call())) {
                return;
            }
        } catch (EngineException.NotSupported runsNoImages) {
            return;
        }
        server.activity("pull", "the image " + image + " is not on this node; pulling it", Map.of("image", image));
        PullAnnouncer announcer = new PullAnnouncer(id, image, server::publish);
        announcer.begin();
        try {
            op.interruptibly(() -> runtime.pullImage(image, announcer, Deadline.in(settings.createTimeout())));
        } catch (EngineException e) {
            if (op.cancelled()) {
                throw e;
            }
            announcer.end("the pull failed: " + describe(e));
            throw new Submission.Failure("the image " + image + " is not on this node and could not be pulled: " + describe(e));
        }
        announcer.end("pulled " + image);
        server.activity("pull", "pulled " + image, Map.of("image", image));
    }

    /**
     * Nothing of this server runs, so nothing of it holds its ports: whoever does would make it die at its boot.
     * A run that ended a moment ago (a restart) may still be letting go of them (its last processes being reaped,
     * killed as its main process ended): a port still held is asked again for a short while before the start fails.
     */
    private void checkPortsFree(Submission op, ServerSpec spec) {
        if (spec.allocations().isEmpty()) {
            return;
        }
        long giveUp = System.nanoTime() + PORT_RELEASE_GRACE.toNanos();
        Optional<PortInUse> inUse;
        while ((inUse = hostPorts.firstInUse(spec.allocations())).isPresent() && System.nanoTime() - giveUp < 0) {
            op.pause(PORT_RECHECK);
        }
        if (inUse.isPresent()) {
            throw new Submission.Failure("port in use: " + inUse.get().describe());
        }
    }

    private Path createDataDirectory() {
        try {
            return dataDirectories.create(id, settings.diskTimeout());
        } catch (IOException e) {
            throw new Submission.Failure("cannot create the data directory " + dataDirectories.of(id) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            throw new Submission.Cancelled();
        }
    }

    /**
     * Creates the container. A name conflict usually means an earlier create, abandoned when a kill
     * pre-empted it, still landed in the engine: look the server up by label again and adopt that
     * container (or replace it if it was made from another spec). Only a container without our
     * label is a real conflict, and that one is never touched.
     */
    private ContainerInfo createOrAdopt(Submission op, ServerSpec spec, Path dataDir, String hash) {
        for (int attempt = 1; ; attempt++) {
            try {
                ContainerInfo made = awaitCreate(op, createOnItsOwnThread(slots.take(op, id, "create"), spec, dataDir));
                server.know(made.ref(), hash);
                return made;
            } catch (EngineException.Conflict e) {
                ContainerInfo existing = currentContainer();
                if (existing != null && hash.equals(existing.specHash())) {
                    server.activity("adopt", "adopted container " + existing.ref().id() + " left by an interrupted create", Map.of());
                    return existing;
                }
                if (existing != null && attempt < 3) {
                    removeQuietly(existing.ref());
                    continue;
                }
                throw new Submission.Failure("a container named " + RuntimeLabels.containerName(id)
                        + " exists that Raptor does not own (no " + RuntimeLabels.SERVER + " label); remove it. " + e.getMessage());
            }
        }
    }

    /** A create this controller asked for whose answer no intent has taken yet (only the controller's thread). */
    private CompletableFuture<ContainerInfo> pendingCreate;

    /**
     * The create runs on a thread of its own, under its own deadline, so that a kill or a stop that pre-empts the start
     * answers at once without abandoning the create at the engine (an abandoned Docker create still lands, later,
     * unseen by the search of a delete that follows it): its answer is waited for by the next intent that needs it.
     * It holds {@code turn} until the engine answers it, pre-empted or not: the engine works on it all the same.
     */
    private CompletableFuture<ContainerInfo> createOnItsOwnThread(EngineSlots.Slot turn, ServerSpec spec, Path dataDir) {
        CompletableFuture<ContainerInfo> creating = new CompletableFuture<>();
        pendingCreate = creating;
        Deadline deadline = Deadline.in(settings.createTimeout());
        Thread.ofVirtual().name("create-" + id).start(() -> {
            try (turn) {
                creating.complete(runtime.create(spec, dataDir, deadline));
            } catch (Throwable t) {
                creating.completeExceptionally(t);
            }
        });
        return creating;
    }

    /** The create's answer, waited for until it comes or {@code op} is pre-empted (the create goes on: see above). */
    private ContainerInfo awaitCreate(Submission op, CompletableFuture<ContainerInfo> creating) {
        ContainerInfo made = op.interruptibly(() -> {
            try {
                return creating.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Submission.Cancelled();
            } catch (ExecutionException e) {
                if (creating == pendingCreate) {
                    pendingCreate = null;
                }
                server.doubt(); // no answer (a timeout) may still mean a container: only a search tells
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        });
        if (creating == pendingCreate) {
            pendingCreate = null;
        }
        return made;
    }

    /**
     * Takes the answer of a create an earlier intent left behind when it was pre-empted: the container it made is
     * the server's (known, and adopted by a start), and a failed one leaves only a search to tell. Waits for it within
     * the create's own deadline; a further pre-emption leaves it pending for the next intent.
     */
    private void settlePendingCreate(Submission op) {
        CompletableFuture<ContainerInfo> creating = pendingCreate;
        if (creating == null) {
            return;
        }
        try {
            ContainerInfo made = awaitCreate(op, creating);
            server.know(made.ref(), made.specHash());
        } catch (EngineException failed) {
            // the failure was its intent's to report; nothing is known of a container now
        }
    }

    /**
     * STARTING until the ready line appears (with a ready pattern) or the settle window has passed with the
     * server still running (without one); a stop or kill cancels the wait, an exit ends it as a crash.
     */
    private PowerResult awaitBoot(Submission op, ContainerRef ref, ServerSpec spec) {
        Pattern readyLine = spec.readyPattern() == null ? null : Pattern.compile(spec.readyPattern());
        BootWatch boot = new BootWatch(readyLine, spec.settle(), server.outputSince(), op).within(readyWithin);
        switch (boot.await(runtime, ref, this::call)) {
            case BootWatch.Outcome.Exited(ContainerInfo info, List<String> lastLines) -> {
                return exitedDuringBoot(info, lastLines);
            }
            case BootWatch.Outcome.TimedOut(Duration after) -> throw new Submission.Failure("not ready within " + after.toSeconds()
                    + " s" + (readyLine != null ? " (its ready line never appeared)" : ""));
            case BootWatch.Outcome.Ready ready -> {
            }
        }
        settle(op, ServerState.RUNNING, readyLine != null ? "ready line seen"
                : "still running " + spec.settle().toMillis() / 1000.0 + " s after its start");
        return done(op);
    }

    private PowerResult exitedDuringBoot(ContainerInfo info, List<String> lastLines) {
        int code = info.exitCode() == null ? -1 : info.exitCode();
        unexpectedExit(code, info.oomKilled(), "exited during boot", info.finishedAt());
        throw new Submission.Failure(bootExitReason(code, info.oomKilled(), lastLines));
    }

    /** What an operator needs to see why a boot failed: the exit code and the run's last lines, the real cause. */
    static String bootExitReason(int code, boolean oom, List<String> lastLines) {
        String exit = "the server exited during boot with code " + code + (oom ? " (out of memory)" : "");
        if (lastLines.isEmpty()) {
            return exit + "; it printed nothing";
        }
        return exit + "; its last " + (lastLines.size() == 1 ? "line" : lastLines.size() + " lines") + " of output:\n"
                + String.join("\n", lastLines);
    }

    // ------------------------------------------------------------------ stop and kill

    /**
     * The container the controller last asked to stop (its stop request or a kill) whose exit it has not waited out
     * yet; null when none (only the controller's thread). Set before the request goes out, cleared once the exit is
     * seen or a new run begins. An intent that pre-empts a stop (a start cancels the controller's own work; a stop
     * cancels a restart, and a start then supersedes that stop in the queue) leaves it set: the container may still
     * run for a moment, and the exit that request causes is the controller's own doing, never the server stopping
     * itself ({@link #startAfterItsStop}, {@link #observe}).
     */
    private ContainerRef stopAskedOf;

    private boolean askedToStop(ContainerRef ref) {
        ContainerRef asked = stopAskedOf;
        return asked != null && ref != null && asked.id().equals(ref.id());
    }

    /**
     * A start that finds running the container the controller asked to stop: taking it as running would be wrong,
     * since the exit that request causes comes moments later and would leave the server offline while it should run.
     * So the stop is seen through first, as that stop would have (its policy's timeout, then a kill; a stop or kill
     * arriving meanwhile cancels this start as it cancels any start), and then the server is started again.
     */
    private PowerResult startAfterItsStop(Submission op, ContainerRef ref) {
        StopPolicy policy = storedSpec().map(ServerSpec::stopPolicy).orElse(StopPolicy.defaultPolicy());
        server.activity("start", "a stop Raptor asked for is still under way; starting the server again once it has stopped",
                Map.of("container", ref.id()));
        server.transition(ServerState.STOPPING, "finishing the stop under way before starting again");
        awaitStopped(op, ref, policy);
        op.check();
        return start(op);
    }

    /**
     * The container to stop. While the controller believes the server runs, it is the one it watches: one
     * inspect instead of a search by label and an inspect per match (engine events tell the controller of
     * exits and removals, and start and boot already removed any duplicate). Otherwise, or when that
     * container is gone or no longer runs, it is searched by label.
     */
    private ContainerInfo containerToStop() {
        ContainerRef known = server.container();
        ServerState now = server.state();
        if (known != null && (now == ServerState.RUNNING || now == ServerState.STARTING || now == ServerState.STOPPING)) {
            try {
                ContainerInfo info = runtime.inspect(known, call());
                if (info.running()) {
                    return info;
                }
            } catch (EngineException.NotFound gone) {
                // removed or replaced behind Raptor's back: search by label
            }
        }
        return currentContainer();
    }

    /**
     * A stop of the server as the controller watches it (a stop, a restart, converging to stopped). While it believes
     * the server runs, the stop request goes straight to the container it watches, without looking first: the runtime
     * answers a request to a container that no longer runs as done (a signal) or refused as not running (a console
     * line), and the wait that follows gives its exit code either way. A container that is gone, or a request the
     * runtime could not deliver, sends the stop the long way ({@link #containerToStop}: what the engine says of it,
     * which tells an unreachable node apart). An RCON stop is not the runtime's to answer, so it always looks first.
     */
    private PowerResult stopWatched(Submission op, String why) {
        ContainerRef known = server.container();
        ServerState now = server.state();
        Optional<ServerSpec> spec = storedSpec();
        StopPolicy policy = spec.map(ServerSpec::stopPolicy).orElse(StopPolicy.defaultPolicy());
        if (known == null || policy instanceof StopPolicy.Rcon
                || !(now == ServerState.RUNNING || now == ServerState.STARTING || now == ServerState.STOPPING)) {
            return stop(op, why, containerToStop());
        }
        try {
            requestStop(known, policy, spec);
        } catch (EngineException.Conflict notRunning) {
            // already stopped (or paused): the wait below confirms it or kills it at the timeout, as for a stop that looked first
        } catch (EngineException notDelivered) {
            op.check();
            return stop(op, why, containerToStop());
        }
        server.transition(ServerState.STOPPING, why);
        return awaitStopped(op, known, policy);
    }

    /** Stops {@code c} (the server's container as just seen, or null) by its stop policy, killing it at the timeout. */
    private PowerResult stop(Submission op, String why, ContainerInfo c) {
        if (unreachable(c)) {
            server.transition(ServerState.NODE_UNAVAILABLE, "its node does not answer");
            throw new Submission.Failure(NODE_AWAY);
        }
        if (c == null || !c.running()) {
            settle(op, ServerState.OFFLINE, "not running");
            return offline(op);
        }
        server.transition(ServerState.STOPPING, why);
        Optional<ServerSpec> spec = storedSpec();
        StopPolicy policy = spec.map(ServerSpec::stopPolicy).orElse(StopPolicy.defaultPolicy());
        ContainerRef ref = c.ref();
        try {
            requestStop(ref, policy, spec);
        } catch (EngineException.NotFound | EngineException.Conflict e) {
            // already gone or already stopped: the wait below confirms it
        } catch (EngineException e) {
            op.check();
            server.activity("stop", "the stop request failed (" + describe(e) + "); killing at the timeout", Map.of());
        }
        return awaitStopped(op, ref, policy);
    }

    /** Asks the server to stop by its policy: its console command, a signal, or an RCON command. */
    private void requestStop(ContainerRef ref, StopPolicy policy, Optional<ServerSpec> spec) {
        stopAskedOf = ref; // before the request: one whose answer is lost may still have been delivered
        switch (policy) {
            case StopPolicy.Command cmd -> runtime.sendInput(ref, cmd.value(), call());
            case StopPolicy.Signal sig -> runtime.signal(ref, sig.value(), call());
            case StopPolicy.Rcon rcon -> sendRcon(rcon, spec.orElse(null));
        }
    }

    /** Waits out the stop policy's timeout for the exit after a stop request, and kills the server at it. */
    private PowerResult awaitStopped(Submission op, ContainerRef ref, StopPolicy policy) {
        Optional<Integer> code = awaitExit(op, ref, policy.timeout());
        op.check();
        if (code.isEmpty()) {
            server.activity("stop", "still running " + policy.timeout().toSeconds() + " s after the stop request; killing it",
                    Map.of("timeoutSeconds", Long.toString(policy.timeout().toSeconds())));
            killAndWait(op, ref);
            settle(op, ServerState.OFFLINE, "killed after the stop timeout");
        } else {
            stopAskedOf = null;
            settle(op, ServerState.OFFLINE, "stopped (exit code " + code.get() + ")");
        }
        return offline(op);
    }

    /**
     * The exit code of {@code ref}'s run after a stop or kill request, waiting at most {@code timeout}; empty if it
     * still ran then. On a runtime that tells exits as they happen, the exit of the run the controller watches is taken
     * from its event (the fleet routes it here before it pokes {@code op}), which saves asking the runtime; the runtime
     * is asked ({@link ContainerRuntime#awaitExit}) for the rest of the timeout only when no such event came within
     * {@link #TOLD_EXIT_WAIT} (a server that takes longer to stop, an event lost or late), when the engine is away, and
     * when the exit fell in an engine outage (the runtime's own answer is taken then, as before there were events to
     * take it from).
     */
    private Optional<Integer> awaitExit(Submission op, ContainerRef ref, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        Instant since = server.outputSince();
        ContainerRef watched = server.container();
        if (runtime.tellsExitsAsTheyHappen() && since != null && watched != null && watched.id().equals(ref.id())) {
            long toldBy = System.nanoTime() + Math.min(TOLD_EXIT_WAIT.toNanos(), timeout.toNanos() / 2);
            while (!outages.ongoing()) {
                Optional<RuntimeEvent.Exited> told = server.toldExit(ref, since);
                if (told.isPresent()) {
                    if (outages.explains(told.get().at())) {
                        break;
                    }
                    return Optional.of(told.get().exitCode());
                }
                long left = toldBy - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                op.awaitChange(Duration.ofNanos(left), () -> server.toldExit(ref, since).isPresent());
            }
        }
        Duration rest = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
        return op.interruptibly(() -> runtime.awaitExit(ref, Deadline.in(rest)));
    }

    /**
     * How long a stop or kill waits for its exit's event before it asks the runtime: far longer than an event takes to
     * arrive after the exit, so that a server that stops at once is never asked about; a server slower to stop costs the
     * one call it always did.
     */
    static final Duration TOLD_EXIT_WAIT = Duration.ofSeconds(2);

    private void sendRcon(StopPolicy.Rcon rcon, ServerSpec spec) {
        try {
            RconClient.send(RconClient.hostFor(spec), rcon.port(), rcon.password(), rcon.value(), settings.engineTimeout());
        } catch (IOException e) {
            server.activity("stop", "RCON stop failed (" + e.getMessage() + "); killing at the timeout", Map.of());
        }
    }

    private PowerResult kill(Submission op, String why) {
        for (ContainerInfo c : runtime.findToRemove(id, call())) {
            if (c.running()) {
                killAndWait(op, c.ref());
            }
        }
        settle(op, ServerState.OFFLINE, why);
        return offline(op);
    }

    private void killAndWait(Submission op, ContainerRef ref) {
        stopAskedOf = ref;
        try {
            runtime.kill(ref, call());
        } catch (EngineException.NotFound e) {
            stopAskedOf = null;
            return;
        }
        if (awaitExit(op, ref, settings.killWait()).isEmpty()) {
            throw new Submission.Failure("the container still ran " + settings.killWait().toSeconds() + " s after SIGKILL");
        }
        stopAskedOf = null;
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Stops a running server by its stop policy, runs the work, and then brings the server to its desired state:
     * started again when it should run (it ran, or a start the maintenance superseded in the queue asked for it).
     * A failed work still gets the server started, and the intent fails with its reason.
     */
    private PowerResult maintain(Submission op, Intent.Maintain m) {
        if (m.install()) {
            return install(op, m);
        }
        if (m.work() instanceof Upgrade u) {
            return upgrade(op, m, u);
        }
        ContainerInfo c = containerToStop();
        if (c != null && c.running()) {
            stop(op, m.action() + " requested", c);
        }
        boolean ran = server.desired() == DesiredState.RUNNING;
        server.activity(m.action(), m.action() + " started" + (ran ? " (the server was stopped for it)" : ""), Map.of());
        Throwable failure = runOnItsOwnThread(m.action(), m.work());
        PowerResult after = ran ? start(op) : offline(op);
        if (failure != null) {
            String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            throw new Submission.Failure(m.action() + " failed: " + why + (ran ? "; the server was started again" : ""));
        }
        server.activity(m.action(), m.action() + " done" + (ran ? "; the server was started again" : ""), Map.of());
        return after;
    }

    /**
     * An install: stops the server if it runs (a reinstall), shows {@code installing} while the work runs, and leaves
     * the server stopped: {@code offline} when the work succeeded, {@code install-failed} (until an install succeeds)
     * when it failed or a kill or delete cancelled it. The work is interrupted by such a cancellation and removes
     * its helper before it returns.
     */
    private PowerResult install(Submission op, Intent.Maintain m) {
        ContainerInfo c = containerToStop();
        if (c != null && c.running()) {
            stop(op, m.action() + " requested", c);
        }
        op.check();
        server.transition(ServerState.INSTALLING, m.action() + " started");
        server.activity(m.action(), m.action() + " started", Map.of());
        Throwable failure;
        try {
            failure = op.interruptibly(() -> runOnItsOwnThread(m.action(), m.work()));
        } catch (Submission.Cancelled cancelled) {
            server.installFailed(m.action() + " cancelled");
            server.transition(ServerState.OFFLINE, m.action() + " cancelled");
            server.activity(m.action(), m.action() + " cancelled; the server stays install-failed until reinstalled", Map.of());
            throw cancelled;
        }
        op.settling();
        if (failure != null) {
            String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            server.installFailed(m.action() + " failed: " + why);
            server.transition(ServerState.OFFLINE, m.action() + " failed");
            throw new Submission.Failure(m.action() + " failed: " + why);
        }
        server.installFailed(null);
        server.transition(ServerState.OFFLINE, m.action() + " done");
        server.activity(m.action(), m.action() + " done", Map.of());
        return offline(op);
    }

    /**
     * An update (the Atlas flow): stops a running server, applies the new version (the work backs up and swaps the
     * files in), starts it and waits for it to be ready within the upgrade's deadline. A failed apply, a boot that
     * crashes, or one not ready by the deadline: whatever runs is killed, the upgrade rolls the files back, and the
     * previous version is started again (when the server ran); the intent then fails saying it was rolled back and
     * why, so nothing is left stopped without a reason. A server that was not running is updated and left stopped
     * (there is nothing to wait for).
     */
    private PowerResult upgrade(Submission op, Intent.Maintain m, Upgrade u) {
        ContainerInfo c = containerToStop();
        if (c != null && c.running()) {
            stop(op, m.action() + " requested", c);
        }
        op.check();
        boolean ran = server.desired() == DesiredState.RUNNING;
        createDataDirectory(); // a server never started has none yet: its first version goes there, made as a start makes it
        server.activity(m.action(), m.action() + " started" + (ran ? " (the server was stopped for it)" : ""), Map.of());
        Throwable failure = runOnItsOwnThread(m.action(), m.work());
        String problem = failure == null ? null : u.applyFailed() + ": " + describe(failure);
        if (problem == null && ran) {
            readyWithin = u.readyWithin();
            try {
                start(op);
            } catch (Submission.Failure f) {
                problem = u.bootFailed() + ": " + f.getMessage();
            } finally {
                readyWithin = null;
            }
        }
        if (problem == null) {
            server.activity(m.action(), m.action() + " done" + (ran ? "; the new version is ready" : "; the server stays stopped"), Map.of());
            return ran ? done(op) : offline(op);
        }
        server.activity(m.action(), "rolling back: " + problem, Map.of());
        kill(op, "rolling back the " + m.action());
        String why = problem;
        Throwable rollback = runOnItsOwnThread("rollback", () -> u.rollBack(why));
        if (rollback != null) {
            throw new Submission.Failure(m.action() + " failed (" + problem + ") and the rollback failed too ("
                    + describe(rollback) + "); the server is stopped");
        }
        if (ran) {
            try {
                start(op);
            } catch (Submission.Failure f) {
                throw new Submission.Failure(m.action() + " rolled back (" + problem + "), but the previous version did not start: "
                        + f.getMessage());
            }
        }
        throw new Submission.Failure(m.action() + " rolled back: " + problem + (ran ? "; " + u.runsAgain() : ""));
    }

    /**
     * Long file work holds a carrier thread while it runs native calls, so it gets a platform thread; the
     * controller's virtual thread waits for it. A daemon shutdown interrupts it (the work stops at a safe point)
     * and waits for it to get there.
     */
    private Throwable runOnItsOwnThread(String action, Maintenance work) {
        Throwable[] failure = new Throwable[1];
        Thread worker = Thread.ofPlatform().name(action + "-" + id).start(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                worker.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new Submission.Cancelled();
        }
        return failure[0];
    }

    // ------------------------------------------------------------------ spec, delete, observe

    private PowerResult applySpec(Submission op) {
        ServerSpec spec = spec();
        ContainerInfo c = currentContainer();
        if (c == null || SpecHash.of(spec).equals(c.specHash())) {
            return done(op);
        }
        if (c.running()) {
            stop(op, "applying a new spec", c);
            op.check();
            return start(op);
        }
        removeInTurn(op, c.ref());
        server.activity("recreate", "removed the container of the old spec; the next start creates the new one", Map.of());
        return done(op);
    }

    private PowerResult delete(Submission op, boolean force) {
        settlePendingCreate(op);
        ObservedServer.KnownContainer known = server.state() == ServerState.OFFLINE ? server.known() : null;
        if (known != null && known.ref() != null) {
            // A stopped server's container as the controller left it: removed at once, without a search. The removal
            // is forced (whatever ran behind Raptor's back stops with it); if the engine no longer has it, the server's
            // containers are searched for and removed as below.
            server.transition(ServerState.OFFLINE, force ? "deleting (forced)" : "deleting");
            PendingRemoval.Target left = deleteNodeFiles();
            try (EngineSlots.Slot turn = slots.take(op, id, "removal")) {
                runtime.remove(known.ref(), call());
            } catch (EngineException.NotFound gone) {
                for (ContainerInfo c : runtime.findToRemove(id, call())) {
                    removeQuietly(c.ref());
                }
            }
            return deleted(op, left);
        }
        // one search: stop (or kill) whatever of it runs, then remove all of it
        List<ContainerInfo> found = runtime.findToRemove(id, call());
        for (ContainerInfo c : found) {
            if (!c.running()) {
                continue;
            }
            if (force) {
                killAndWait(op, c.ref());
            } else {
                stop(op, "deleting", c);
            }
        }
        server.transition(ServerState.OFFLINE, force ? "deleting (forced)" : "deleting");
        PendingRemoval.Target left = deleteNodeFiles();
        for (ContainerInfo c : found) {
            removeInTurn(op, c.ref());
        }
        return deleted(op, left);
    }

    /**
     * The server's containers are gone: its data directory, its record and its controller go too; {@code left} (null:
     * nothing) is what its node could not remove, recorded with the delete.
     */
    private PowerResult deleted(Submission op, PendingRemoval.Target left) {
        deleteDataDirectory();
        // with the record of the files its node still holds, if any, and the answer of the delete's operation: one
        // transaction, so neither is lost, and one sync
        FinishedOperation answer = op.removed();
        try {
            store.delete(id, left, answer);
        } catch (RuntimeException e) {
            op.undecide(answer);
            throw e;
        }
        op.written(answer);
        server.markDeleted();
        server.publish(new ServerEvent.Deleted(id, Instant.now()));
        try {
            onDeleted.run();
        } catch (RuntimeException e) {
            log.warn("server={} delete callback failed", id, e);
        }
        return offline(op);
    }

    /**
     * On a runtime of many machines, the server's files on its node (another machine's disk, or a directory of that
     * node's own): removed through that node while its placement is still known, before its containers go. Returns
     * what its node could not remove now (it is down or does not answer), for the delete to record: the fleet's
     * {@link dev.raptor.core.node.PendingRemovals} removes it once the node answers. Null when nothing is left.
     */
    private PendingRemoval.Target deleteNodeFiles() {
        NodeTransfers nodes = runtime.transfers().orElse(null);
        if (nodes == null) {
            return null;
        }
        Deadline deadline = Deadline.in(settings.diskTimeout().plus(settings.engineTimeout()));
        PendingRemoval.Target files;
        try {
            Instant generation = store.find(id).map(StoredServer::createdAt).orElse(Instant.EPOCH);
            files = nodes.filesOf(id, generation, dataDirectories.of(id), deadline);
        } catch (RuntimeException e) {
            log.warn("server={} could not learn where its files are: {}", id, e.getMessage());
            server.activity("delete", "could not learn which node holds its files, so they were not removed: " + e.getMessage(), Map.of());
            return null;
        }
        if (files == null) {
            return null;
        }
        try {
            nodes.removeFiles(files, deadline);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pending(files, "the delete was interrupted");
        } catch (Exception e) {
            return pending(files, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private PendingRemoval.Target pending(PendingRemoval.Target files, String why) {
        log.warn("server={} its node={} could not remove its files now, they are removed once it answers: {}", id, files.node(), why);
        server.activity("delete", "its node " + files.node() + " could not remove its files now (" + why
                + "); they are removed once the node answers", Map.of("node", files.node(), "pendingRemoval", "true"));
        return new PendingRemoval.Target(files.serverId(), files.generation(), files.node(), files.volume(), files.image(), why);
    }

    private void deleteDataDirectory() {
        Path dir = dataDirectories.of(id);
        switch (dataDirectories.delete(id, settings.diskTimeout())) {
            case DataDirectories.Removal.Removed r -> {
            }
            case DataDirectories.Removal.Failed f -> {
                log.warn("server={} could not delete its data directory {}: {}", id, dir, f.reason());
                server.activity("delete", "could not delete the data directory " + dir + ": " + f.reason(), Map.of());
            }
            case DataDirectories.Removal.StillDeleting s -> {
                log.warn("server={} data directory {} still being deleted after {} ms; it goes on in the background", id, dir,
                        s.waited().toMillis());
                server.activity("delete", "the data directory " + dir + " was still being deleted after " + s.waited().toSeconds()
                        + " s; that goes on in the background", Map.of());
            }
        }
    }

    private PowerResult observe(Submission op) {
        ContainerInfo c = currentContainer();
        if (unreachable(c)) {
            // not a crash and not a stop: nothing is known of it until its node answers, and its desired state stays
            server.transition(ServerState.NODE_UNAVAILABLE, "its node does not answer");
            return done(op);
        }
        if (server.state() == ServerState.NODE_UNAVAILABLE && (c == null || !c.running())) {
            // its node is back, and its engine stopped it as it went (or it never ran): back to its desired state
            server.transition(ServerState.OFFLINE, "its node is back");
            if (server.desired() == DesiredState.RUNNING) {
                internal.accept(new Intent.Converge("its node is back"));
            }
            return done(op);
        }
        if (c != null && c.running() && server.desired() == DesiredState.STOPPED) {
            // e.g. a start abandoned when a kill pre-empted it, which the engine carried out afterwards:
            // the desired state is the truth, so converge instead of adopting.
            return stop(op, "running although the desired state is stopped", c);
        }
        if (c != null && c.running()) {
            if (server.state() == ServerState.OFFLINE || server.state() == ServerState.NODE_UNAVAILABLE) {
                server.run(c.ref(), c.startedAt(), c.outputSince());
                server.announceRun();
                server.transition(ServerState.RUNNING, "seen running");
            }
            server.health(c.health(), "seen");
            return done(op);
        }
        boolean ourStop = c != null && askedToStop(c.ref());
        if (c == null || ourStop) {
            stopAskedOf = null; // its exit (or its end) is seen
        }
        if (server.state() == ServerState.OFFLINE) {
            return done(op);
        }
        if (ourStop) {
            // the exit the controller's own stop or kill caused (the intent that asked for it was pre-empted): never a
            // crash nor the server stopping itself; the desired state decides what comes next
            int code = c.exitCode() == null ? -1 : c.exitCode();
            server.transition(ServerState.OFFLINE, "stopped by the stop Raptor had asked for (exit code " + code + ")");
            if (server.desired() == DesiredState.RUNNING) {
                server.activity("start", "a stop Raptor had asked for ended the server after it was wanted running again; "
                        + "starting it again", Map.of("exitCode", Integer.toString(code)));
                internal.accept(new Intent.Converge("a stop it had asked for ended it, and it should run"));
            }
            return done(op);
        }
        if (server.desired() == DesiredState.RUNNING && (server.state() == ServerState.RUNNING || server.state() == ServerState.STARTING)) {
            int code = c == null || c.exitCode() == null ? -1 : c.exitCode();
            unexpectedExit(code, c != null && c.oomKilled(), c == null ? "the container disappeared" : "exited",
                    c == null ? null : c.finishedAt());
        } else {
            server.transition(ServerState.OFFLINE, "exited");
        }
        return done(op);
    }

    /**
     * The server exited while it was meant to run and nobody asked it to stop: a crash, unless its exit
     * code says it stopped cleanly. The {@link CrashTracker} decides between staying offline, a restart
     * after a backoff, and a crash loop. Unless the engine was away when it exited ({@link EngineOutages}):
     * then the engine stopped it, and it keeps its desired state and counts no crash; it is brought back
     * when the engine is (by the fleet when it resumes, or here if it already has).
     *
     * @param exitedAt when it exited, as the engine says (null: not known, now)
     */
    private void unexpectedExit(int exitCode, boolean oom, String how, Instant exitedAt) {
        Instant now = Instant.now();
        if (outages.explains(exitedAt == null ? now : exitedAt)) {
            server.transition(ServerState.OFFLINE, how + " with code " + exitCode + " while the engine was away");
            server.activity("engine", "stopped by the engine, which was stopping or restarting (exit code " + exitCode
                    + "); the desired state stays " + server.desired().name().toLowerCase(java.util.Locale.ROOT),
                    Map.of("exitCode", Integer.toString(exitCode)));
            if (server.desired() == DesiredState.RUNNING && !outages.ongoing()) {
                internal.accept(new Intent.Converge("the engine stopped it while it restarted"));
            }
            return;
        }
        String code = "exit code " + exitCode + (oom ? " (out of memory)" : "");
        server.transition(ServerState.OFFLINE, how + " with code " + exitCode + (oom ? " (out of memory)" : ""));
        RestartPolicy policy = storedSpec().map(ServerSpec::restartPolicy).orElse(RestartPolicy.no());
        Map<String, String> details = Map.of("exitCode", Integer.toString(exitCode));
        long window = crashes.window().toSeconds();
        switch (crashes.onExit(now, exitCode, policy, server.desired() == DesiredState.RUNNING)) {
            case CrashTracker.Verdict.StaysOffline s -> {
                if (exitCode != 0) {
                    server.publish(new ServerEvent.Crashed(id, now, exitCode, oom, 1, false));
                    server.activity("crash", "crashed with " + code + "; restart policy " + policy.mode().wireName()
                            + " does not restart it", details);
                } else {
                    server.activity("exit", "the server stopped on its own (exit code 0)", details);
                }
                server.recordDesired(DesiredState.STOPPED);
            }
            case CrashTracker.Verdict.CrashLoop loop -> {
                server.crashLoop(true, "crash loop: " + loop.crashes() + " crashes within " + window + " s");
                server.recordDesired(DesiredState.STOPPED);
                server.publish(new ServerEvent.Crashed(id, now, exitCode, oom, loop.crashes(), false));
                server.publish(new ServerEvent.CrashLoop(id, now, loop.crashes(), window));
                server.activity("crash-loop", "crashed " + loop.crashes() + " times within " + window
                        + " s; staying offline until started again", Map.of("crashes", Integer.toString(loop.crashes()),
                        "exitCode", Integer.toString(exitCode)));
            }
            case CrashTracker.Verdict.Restart r -> {
                server.publish(new ServerEvent.Crashed(id, now, exitCode, oom, r.attempt(), true));
                server.activity("crash", "crashed with " + code + "; restart " + r.attempt() + " of "
                        + policy.maxRetries() + " in " + r.backoff().toMillis() + " ms", details);
                internal.accept(new Intent.Recover(r.attempt(), r.backoff()));
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The known container of a stopped server as facts (null: it has none). */
    private static ContainerInfo stopped(ObservedServer.KnownContainer known) {
        return known.ref() == null ? null
                : new ContainerInfo(known.ref(), known.specHash(), ContainerStatus.CREATED, null, false, null, null, null, Map.of());
    }

    /** The server's container by label; duplicates are removed, keeping the one {@link ContainerSelection} keeps. */
    private ContainerInfo currentContainer() {
        ContainerSelection found = ContainerSelection.of(id, runtime.find(id, call()));
        for (ContainerInfo dup : found.duplicates()) {
            server.activity("duplicate", "removed duplicate container " + dup.ref().id(), Map.of("container", dup.ref().id()));
            removeQuietly(dup.ref());
        }
        server.container(found.keep() == null ? null : found.keep().ref());
        if (pendingCreate == null) { // else what that create makes is the server's too: the start or delete that settles it knows
            server.know(found.keep() == null ? null : found.keep().ref(), found.keep() == null ? null : found.keep().specHash());
        }
        return found.keep();
    }

    private static final String NODE_AWAY = "its node does not answer: it stays there with its files, and returns to its "
            + "desired state when the node is back";

    private static boolean unreachable(ContainerInfo c) {
        return c != null && c.status() == ContainerStatus.UNREACHABLE;
    }

    /** {@link #removeQuietly} once one of the engine's slots is {@code op}'s: a removal of a whole container is heavy work. */
    private void removeInTurn(Submission op, ContainerRef ref) {
        try (EngineSlots.Slot turn = slots.take(op, id, "removal")) {
            removeQuietly(ref);
        }
    }

    private void removeQuietly(ContainerRef ref) {
        try {
            runtime.remove(ref, call());
        } catch (EngineException.NotFound e) {
            // already gone: the state we wanted
        } catch (RuntimeException e) {
            server.doubt();
            throw e;
        }
        server.removed(ref);
    }

    private Optional<ServerSpec> storedSpec() {
        return store.find(id).map(StoredServer::spec);
    }

    private ServerSpec spec() {
        return storedSpec().orElseThrow(() -> new Submission.Failure("server " + id + " no longer exists"));
    }

    private Deadline call() {
        return Deadline.in(settings.engineTimeout());
    }

    /**
     * The transition to a settled state. When it is the state {@code op}'s intent ends in, the answer of its operation
     * (done) rides in the transition's commit ({@link Submission#settledIn}): one synced commit for both, and the answer
     * is on disk before the submitter hears it. If no commit holds it (no transition, a failed write), the answer stands
     * and its operation's journal writes it as it writes any other.
     */
    private void settle(Submission op, ServerState to, String reason) {
        FinishedOperation answer = op.settledIn(to);
        if (server.transition(to, reason, answer)) {
            op.written(answer);
        }
    }

    private PowerResult done(Submission op) {
        return new PowerResult.Done(op.intent, server.state());
    }

    private static PowerResult offline(Submission op) {
        return new PowerResult.Done(op.intent, ServerState.OFFLINE);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
