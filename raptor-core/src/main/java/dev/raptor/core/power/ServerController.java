package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one place that serialises work on one server (rule 2). Intents go into a mailbox drained by a
 * single virtual thread; the controller owns the server's observed state, and the runtime only
 * reports facts.
 *
 * <h2>Precedence, never silence (rule 4)</h2>
 * <ul>
 *   <li>Pre-emption cancels by flag and wakes the operation's waits at once. It interrupts only calls
 *       that are safe to abandon (waiting for an exit, creating a container); a mutating engine call
 *       in flight (start, signal, kill) is allowed to finish within its deadline, so an abandoned call
 *       can never land on the next run of the server.</li>
 *   <li>Every {@link #submit submitted} intent's future completes exactly once: done, superseded (by
 *       which intent) or failed (why).</li>
 *   <li>A new operator intent supersedes every intent still queued: they coalesce to the latest.</li>
 *   <li>{@code kill} pre-empts whatever runs (the running operation is interrupted at once, its engine
 *       call abandoned); {@code stop}, {@code restart} and {@code delete} cancel a start that is still
 *       booting. Unlike a "power lock" that refuses work while busy, nothing here ever refuses or waits
 *       forever: the worst case is waiting for the operation in flight, and every engine call in it has
 *       a deadline.</li>
 * </ul>
 * The desired state is written to the store before the intent is queued (write-ahead), so a crash at
 * any point leaves a store that boot reconciliation can converge from.
 *
 * <p>Reads ({@link #state()}, {@link #view()}) are volatile reads and never wait for an operation.
 */
public final class ServerController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerController.class);
    private static final Duration BOOT_RECHECK = Duration.ofSeconds(5);

    private final UUID id;
    private final ServerStore store;
    private final ContainerRuntime runtime;
    private final EventBus bus;
    private final ControllerSettings settings;
    private final Runnable onDeleted;

    /** Orders the write-ahead store write with the enqueue, so the store's desired state matches the queue's last word. */
    private final ReentrantLock submitLock = new ReentrantLock();
    /** Guards the mailbox and the engine facts below; held for memory operations only, never across I/O. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Pending current;
    private boolean closed;
    private boolean exitSignal;
    private boolean ready;
    private final ArrayDeque<Instant> crashTimes = new ArrayDeque<>();

    private volatile ServerState state;
    private volatile DesiredState desired;
    private volatile ContainerRef container;
    private volatile Instant startedAt;
    /** Where the current run's output begins (see {@link ContainerInfo#outputSince()}). */
    private volatile Instant outputSince;
    private volatile String lastError;
    private volatile boolean crashLoop;
    private volatile boolean deleted;
    private final Thread loop;

    /**
     * @param initial   the observed facts to start from (boot reconciliation inspects the engine first)
     * @param onDeleted called once, on the controller's thread, after a delete has removed the server
     */
    public ServerController(UUID id, ServerStore store, ContainerRuntime runtime, EventBus bus,
                            ControllerSettings settings, DesiredState desired, Initial initial, Runnable onDeleted) {
        this.id = id;
        this.store = store;
        this.runtime = runtime;
        this.bus = bus;
        this.settings = settings;
        this.onDeleted = onDeleted;
        this.desired = desired;
        this.state = initial.state();
        this.container = initial.container();
        this.startedAt = initial.startedAt();
        this.outputSince = initial.outputSince();
        this.loop = Thread.ofVirtual().name("server-" + id).unstarted(this::runLoop);
        this.loop.start();
    }

    /** What the controller starts from: the state and container boot reconciliation observed. */
    public record Initial(ServerState state, ContainerRef container, Instant startedAt, Instant outputSince) {
        public static final Initial OFFLINE = new Initial(ServerState.OFFLINE, null, null, null);

        /** What {@code c} says, as {@code state}. */
        public static Initial of(ServerState state, ContainerInfo c) {
            return new Initial(state, c.ref(), c.startedAt(), c.outputSince());
        }
    }

    /**
     * A read-only snapshot for listings; taken without waiting for anything.
     *
     * @param outputSince where the current run's output begins ({@link ContainerInfo#outputSince()})
     */
    public record View(UUID id, ServerState state, DesiredState desired, boolean crashLoop, String lastError,
                       String containerId, Instant startedAt, Instant outputSince, String busyWith) {
    }

    public UUID id() {
        return id;
    }

    public ServerState state() {
        return state;
    }

    public DesiredState desired() {
        return desired;
    }

    public View view() {
        Pending p = current;
        ContainerRef c = container;
        return new View(id, state, desired, crashLoop, lastError, c == null ? null : c.id(), startedAt, outputSince,
                p == null ? null : p.intent.describe());
    }

    /** The container last seen for this server (may be stale; re-found by label when it is). */
    public Optional<ContainerRef> container() {
        return Optional.ofNullable(container);
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Queues an intent. For operator intents the desired state is durably recorded first. The future
     * always completes: {@link PowerResult.Done}, {@link PowerResult.Superseded} or {@link PowerResult.Failed}.
     */
    public CompletableFuture<PowerResult> submit(Intent intent) {
        Pending p = new Pending(intent);
        submitLock.lock();
        try {
            if (deleted || closed) {
                p.complete(new PowerResult.Failed(intent, deleted ? "server " + id + " was deleted" : "the daemon is shutting down"));
                return p.future;
            }
            if (intent.operator() && intent.desired() != null) {
                try {
                    store.setDesiredState(id, intent.desired());
                    desired = intent.desired();
                } catch (ServerNotFoundException e) {
                    p.complete(new PowerResult.Failed(intent, "server " + id + " does not exist"));
                    return p.future;
                } catch (RuntimeException e) {
                    log.error("could not record intent server={} intent={}", id, intent.describe(), e);
                    p.complete(new PowerResult.Failed(intent, "could not record the intent durably: " + e.getMessage()));
                    return p.future;
                }
            }
            enqueue(p);
        } finally {
            submitLock.unlock();
        }
        return p.future;
    }

    private void enqueue(Pending p) {
        lock.lock();
        try {
            Intent intent = p.intent;
            if (intent.operator()) {
                for (Pending queued : queue) {
                    queued.complete(new PowerResult.Superseded(queued.intent, intent));
                }
                queue.clear();
                if (current != null && preempts(intent, current.intent)) {
                    current.cancel(intent);
                    if (current.interruptible) {
                        loop.interrupt();
                    }
                }
                if (intent.desired() == DesiredState.RUNNING) {
                    crashLoop = false;
                    crashTimes.clear();
                }
            } else if (!queue.isEmpty()) {
                // Internal work never queues behind or over an operator's: the queued intent will look at the engine anyway.
                p.complete(new PowerResult.Superseded(intent, queue.peekLast().intent));
                return;
            }
            queue.addLast(p);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code next} interrupts {@code running} instead of waiting for it. */
    private static boolean preempts(Intent next, Intent running) {
        return switch (next) {
            case Intent.Power(PowerAction a) when a == PowerAction.KILL -> true;
            case Intent.Delete d when d.force() -> true;
            case Intent.Power(PowerAction a) when a == PowerAction.STOP || a == PowerAction.RESTART -> running.bringsUp();
            case Intent.Delete d -> running.bringsUp();
            case Intent.Power(PowerAction a) when a == PowerAction.START -> !running.operator();
            default -> false;
        };
    }

    // ------------------------------------------------------------------ engine facts

    /** Called by the fleet's event router for every engine event about this server's containers. */
    public void onRuntimeEvent(RuntimeEvent event) {
        ContainerRef known = container;
        lock.lock();
        try {
            if (event instanceof RuntimeEvent.Exited || event instanceof RuntimeEvent.Removed) {
                if (known != null && !known.id().equals(event.ref().id())) {
                    return; // an older container of this server, already replaced
                }
                Instant since = startedAt;
                if (event instanceof RuntimeEvent.Exited && since != null && event.at().isBefore(since)) {
                    return; // the previous run's exit, delivered late
                }
                exitSignal = true;
                changed.signalAll();
            }
            if (current != null || !queue.isEmpty()) {
                return; // the work in flight (or queued) looks at the engine itself
            }
        } finally {
            lock.unlock();
        }
        boolean interesting = switch (event) {
            case RuntimeEvent.Started s -> state == ServerState.OFFLINE;
            case RuntimeEvent.Exited e -> state != ServerState.OFFLINE;
            case RuntimeEvent.Removed r -> state != ServerState.OFFLINE;
        };
        if (interesting) {
            submit(new Intent.Observe(event.getClass().getSimpleName().toLowerCase()));
        }
    }

    /** Asks an idle controller to compare its state with the engine (a backstop for lost events). */
    public void observeIfIdle() {
        lock.lock();
        try {
            if (current != null || !queue.isEmpty() || closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        submit(new Intent.Observe("periodic"));
    }

    // ------------------------------------------------------------------ the loop

    private void runLoop() {
        while (true) {
            Pending p;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    try {
                        changed.await();
                    } catch (InterruptedException ignored) {
                        // a late pre-emption aimed at finished work; nothing to cancel
                    }
                }
                if (closed) {
                    for (Pending q : queue) {
                        q.complete(new PowerResult.Failed(q.intent, "the daemon is shutting down"));
                    }
                    queue.clear();
                    return;
                }
                p = queue.pollFirst();
                Thread.interrupted(); // pre-emptions are only sent while current != null, so none is lost here
                current = p;
            } finally {
                lock.unlock();
            }
            PowerResult result;
            try {
                result = execute(p);
            } catch (Cancelled c) {
                result = new PowerResult.Superseded(p.intent, p.cancelledBy);
            } catch (RuntimeException e) {
                if (p.cancelled) {
                    result = new PowerResult.Superseded(p.intent, p.cancelledBy);
                } else {
                    result = failed(p, e);
                }
            } finally {
                lock.lock();
                try {
                    current = null;
                } finally {
                    lock.unlock();
                }
                Thread.interrupted();
            }
            if (p.cancelled && !(result instanceof PowerResult.Superseded)) {
                result = new PowerResult.Superseded(p.intent, p.cancelledBy);
            }
            p.complete(result);
            if (deleted) {
                lock.lock();
                try {
                    for (Pending q : queue) {
                        q.complete(new PowerResult.Failed(q.intent, "server " + id + " was deleted"));
                    }
                    queue.clear();
                    closed = true;
                } finally {
                    lock.unlock();
                }
                return;
            }
        }
    }

    private PowerResult failed(Pending p, RuntimeException e) {
        String reason = e instanceof Failure f ? f.getMessage() : describe(e);
        lastError = reason;
        log.warn("server={} intent={} failed: {}", id, p.intent.describe(), reason, e instanceof Failure ? null : e);
        if (p.intent.bringsUp() || p.intent instanceof Intent.ApplySpec) {
            settleAfterFailure();
        }
        activity("error", p.intent.describe() + " failed: " + reason, Map.of("intent", p.intent.describe()));
        bus.publish(new ServerEvent.ActionFailed(id, Instant.now(), p.intent.describe(), reason));
        return new PowerResult.Failed(p.intent, reason);
    }

    /** After a failed start, let the facts decide the state; if even they are unavailable, nothing runs that we started. */
    private void settleAfterFailure() {
        try {
            ContainerInfo c = currentContainer();
            transition(c != null && c.running() ? ServerState.RUNNING : ServerState.OFFLINE, "after failure");
        } catch (RuntimeException e) {
            transition(ServerState.OFFLINE, "after failure (engine did not answer: " + describe(e) + ")");
        }
    }

    private PowerResult execute(Pending p) {
        return switch (p.intent) {
            case Intent.Power(PowerAction a) -> switch (a) {
                case START -> start(p);
                case STOP -> stop(p, "stop requested");
                case KILL -> kill(p, "kill requested");
                case RESTART -> {
                    stop(p, "restart requested");
                    p.check();
                    yield start(p);
                }
            };
            case Intent.ApplySpec a -> applySpec(p);
            case Intent.Delete d -> delete(p, d.force());
            case Intent.Recover r -> {
                activity("restart", "restarting after crash in " + r.backoff().toMillis() + " ms (attempt " + r.attempt() + ")", Map.of());
                pause(p, r.backoff());
                yield start(p);
            }
            case Intent.Observe o -> observe(p);
            case Intent.Converge c -> {
                // The store is the truth here: an import may have rewritten the desired state behind us.
                store.find(id).ifPresent(stored -> desired = stored.desired());
                yield desired == DesiredState.RUNNING ? start(p) : stop(p, c.why());
            }
        };
    }

    // ------------------------------------------------------------------ operations

    private PowerResult start(Pending p) {
        ServerSpec spec = spec();
        List<FieldError> problems = runtime.check(spec);
        if (!problems.isEmpty()) {
            throw new Failure("the spec cannot run on the " + runtime.name() + " runtime: "
                    + problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
        ContainerInfo c = currentContainer();
        if (c != null && c.running()) {
            if (state == ServerState.RUNNING) {
                return new PowerResult.Done(p.intent, state);
            }
            // Running, but its boot was never seen through (a cancelled start, a recovery pre-empted by
            // this start): settle from facts. The ready line, if already printed, is replayed from the logs.
            container = c.ref();
            startedAt = c.startedAt();
            outputSince = c.outputSince();
            if (spec.readyPattern() != null) {
                transition(ServerState.STARTING, "already running; waiting for its ready line");
                return awaitBoot(p, c.ref(), Pattern.compile(spec.readyPattern()));
            }
            transition(ServerState.RUNNING, "already running");
            return new PowerResult.Done(p.intent, ServerState.RUNNING);
        }
        transition(ServerState.STARTING, p.intent.describe());
        String hash = SpecHash.of(spec);
        if (c != null && !hash.equals(c.specHash())) {
            activity("recreate", "spec changed; recreating the container", Map.of("oldHash", String.valueOf(c.specHash()), "newHash", hash));
            removeQuietly(c.ref());
            c = null;
        }
        p.check();
        if (c == null) {
            Path dataDir = dataDir();
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new Failure("cannot create the data directory " + dataDir + ": " + e.getMessage());
            }
            c = createOrAdopt(p, spec, dataDir, hash);
        }
        container = c.ref();
        p.check();
        lock.lock();
        try {
            ready = false;
            exitSignal = false;
        } finally {
            lock.unlock();
        }
        // Every line of the new run is stamped after this instant, every line of an earlier one before it: the
        // engine drains a run's output before it reports the exit, and the container was seen exited (or never
        // started) above. Better than anything inspect says afterwards (see ContainerInfo.outputSince).
        Instant requested = Instant.now();
        runtime.start(c.ref(), call());
        ContainerInfo after = runtime.inspect(c.ref(), call());
        startedAt = after.startedAt();
        outputSince = requested;
        bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), c.ref().id(), startedAt, outputSince));
        if (!after.running()) {
            return exitedDuringBoot(p, after);
        }
        if (spec.readyPattern() == null) {
            transition(ServerState.RUNNING, "process running");
            return new PowerResult.Done(p.intent, ServerState.RUNNING);
        }
        return awaitBoot(p, c.ref(), Pattern.compile(spec.readyPattern()));
    }

    /**
     * Creates the container. A name conflict usually means an earlier create, abandoned when a kill
     * pre-empted it, still landed in the engine: look the server up by label again and adopt that
     * container (or replace it if it was made from another spec). Only a container without our
     * label is a real conflict, and that one is never touched.
     */
    private ContainerInfo createOrAdopt(Pending p, ServerSpec spec, Path dataDir, String hash) {
        for (int attempt = 1; ; attempt++) {
            try {
                return interruptibly(p, () -> runtime.create(spec, dataDir, Deadline.in(settings.createTimeout())));
            } catch (EngineException.Conflict e) {
                ContainerInfo existing = currentContainer();
                if (existing != null && hash.equals(existing.specHash())) {
                    activity("adopt", "adopted container " + existing.ref().id() + " left by an interrupted create", Map.of());
                    return existing;
                }
                if (existing != null && attempt < 3) {
                    removeQuietly(existing.ref());
                    continue;
                }
                throw new Failure("a container named " + RuntimeLabels.containerName(id)
                        + " exists that Raptor does not own (no " + RuntimeLabels.SERVER + " label); remove it. " + e.getMessage());
            }
        }
    }

    /** STARTING until the ready line appears; a stop or kill cancels the wait, an exit ends it as a crash. */
    private PowerResult awaitBoot(Pending p, ContainerRef ref, Pattern readyLine) {
        Instant since = outputSince;
        java.util.concurrent.atomic.AtomicBoolean streamEnded = new java.util.concurrent.atomic.AtomicBoolean();
        StreamSink<LogLine> sink = new StreamSink<>() {
            @Override
            public void next(LogLine line) {
                if ((since == null || !line.at().isBefore(since)) && readyLine.matcher(line.text()).find()) {
                    signal(() -> ready = true);
                }
            }

            @Override
            public void end(Throwable error) {
                streamEnded.set(true);
                signal(() -> exitSignal = true);
            }
        };
        Subscription logs = runtime.logs(ref, LogRequest.followSince(since), sink);
        try {
            while (true) {
                lock.lock();
                try {
                    if (!ready && !exitSignal && !p.cancelled) {
                        changed.await(BOOT_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    p.check();
                    if (ready) {
                        break;
                    }
                    exitSignal = false;
                } catch (InterruptedException e) {
                    throw new Cancelled();
                } finally {
                    lock.unlock();
                }
                ContainerInfo info = runtime.inspect(ref, call());
                if (!info.running()) {
                    return exitedDuringBoot(p, info);
                }
                if (streamEnded.get()) {
                    // The log stream broke while the server still boots: follow it again from the same
                    // start (lines are replayed, matching is idempotent), after a pause so a failing
                    // engine is not hammered.
                    logs.close();
                    pause(p, Duration.ofSeconds(1));
                    streamEnded.set(false);
                    logs = runtime.logs(ref, LogRequest.followSince(since), sink);
                }
            }
        } finally {
            logs.close();
        }
        transition(ServerState.RUNNING, "ready line seen");
        return new PowerResult.Done(p.intent, ServerState.RUNNING);
    }

    private PowerResult exitedDuringBoot(Pending p, ContainerInfo info) {
        int code = info.exitCode() == null ? -1 : info.exitCode();
        unexpectedExit(code, info.oomKilled(), "exited during boot");
        throw new Failure("the server exited during boot with code " + code + (info.oomKilled() ? " (out of memory)" : ""));
    }

    private PowerResult stop(Pending p, String why) {
        return stop(p, why, containerToStop());
    }

    /**
     * The container to stop. While the controller believes the server runs, it is the one it watches: one
     * inspect instead of a search by label and an inspect per match (engine events tell the controller of
     * exits and removals, and start and boot already removed any duplicate). Otherwise, or when that
     * container is gone or no longer runs, it is searched by label.
     */
    private ContainerInfo containerToStop() {
        ContainerRef known = container;
        ServerState now = state;
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

    /** Stops {@code c} (the server's container as just seen, or null) by its stop policy, killing it at the timeout. */
    private PowerResult stop(Pending p, String why, ContainerInfo c) {
        if (c == null || !c.running()) {
            transition(ServerState.OFFLINE, "not running");
            return new PowerResult.Done(p.intent, ServerState.OFFLINE);
        }
        transition(ServerState.STOPPING, why);
        StopPolicy policy = storedSpec().map(ServerSpec::stopPolicy).orElse(StopPolicy.defaultPolicy());
        ContainerRef ref = c.ref();
        try {
            switch (policy) {
                case StopPolicy.Command cmd -> runtime.sendInput(ref, cmd.value(), call());
                case StopPolicy.Signal sig -> runtime.signal(ref, sig.value(), call());
                case StopPolicy.Rcon rcon -> sendRcon(rcon);
            }
        } catch (EngineException.NotFound | EngineException.Conflict e) {
            // already gone or already stopped: the wait below confirms it
        } catch (EngineException e) {
            if (p.cancelled) {
                throw new Cancelled();
            }
            activity("stop", "the stop request failed (" + describe(e) + "); killing at the timeout", Map.of());
        }
        Optional<Integer> code = interruptibly(p, () -> runtime.awaitExit(ref, Deadline.in(policy.timeout())));
        p.check();
        if (code.isEmpty()) {
            activity("stop", "still running " + policy.timeout().toSeconds() + " s after the stop request; killing it",
                    Map.of("timeoutSeconds", Long.toString(policy.timeout().toSeconds())));
            killAndWait(p, ref);
            transition(ServerState.OFFLINE, "killed after the stop timeout");
        } else {
            transition(ServerState.OFFLINE, "stopped (exit code " + code.get() + ")");
        }
        return new PowerResult.Done(p.intent, ServerState.OFFLINE);
    }

    private void sendRcon(StopPolicy.Rcon rcon) {
        String host = storedSpec().flatMap(ServerSpec::primaryAllocation).map(a -> a.ip()).orElse("127.0.0.1");
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        try {
            RconClient.send(host, rcon.port(), rcon.password(), rcon.value(), settings.engineTimeout());
        } catch (IOException e) {
            activity("stop", "RCON stop failed (" + e.getMessage() + "); killing at the timeout", Map.of());
        }
    }

    private PowerResult kill(Pending p, String why) {
        for (ContainerInfo c : runtime.find(id, call())) {
            if (c.running()) {
                killAndWait(p, c.ref());
            }
        }
        transition(ServerState.OFFLINE, why);
        return new PowerResult.Done(p.intent, ServerState.OFFLINE);
    }

    private void killAndWait(Pending p, ContainerRef ref) {
        try {
            runtime.kill(ref, call());
        } catch (EngineException.NotFound e) {
            return;
        }
        if (interruptibly(p, () -> runtime.awaitExit(ref, Deadline.in(settings.killWait()))).isEmpty()) {
            throw new Failure("the container still ran " + settings.killWait().toSeconds() + " s after SIGKILL");
        }
    }

    private PowerResult applySpec(Pending p) {
        ServerSpec spec = spec();
        ContainerInfo c = currentContainer();
        if (c == null || SpecHash.of(spec).equals(c.specHash())) {
            return new PowerResult.Done(p.intent, state);
        }
        if (c.running()) {
            stop(p, "applying a new spec", c);
            p.check();
            return start(p);
        }
        removeQuietly(c.ref());
        activity("recreate", "removed the container of the old spec; the next start creates the new one", Map.of());
        return new PowerResult.Done(p.intent, state);
    }

    private PowerResult delete(Pending p, boolean force) {
        // one search: stop (or kill) whatever of it runs, then remove all of it
        List<ContainerInfo> found = runtime.find(id, call());
        for (ContainerInfo c : found) {
            if (!c.running()) {
                continue;
            }
            if (force) {
                killAndWait(p, c.ref());
            } else {
                stop(p, "deleting", c);
            }
        }
        transition(ServerState.OFFLINE, force ? "deleting (forced)" : "deleting");
        for (ContainerInfo c : found) {
            removeQuietly(c.ref());
        }
        deleteDataDir();
        store.delete(id);
        deleted = true;
        container = null;
        bus.publish(new ServerEvent.Deleted(id, Instant.now()));
        try {
            onDeleted.run();
        } catch (RuntimeException e) {
            log.warn("server={} delete callback failed", id, e);
        }
        return new PowerResult.Done(p.intent, ServerState.OFFLINE);
    }

    private PowerResult observe(Pending p) {
        ContainerInfo c = currentContainer();
        if (c != null && c.running() && desired == DesiredState.STOPPED) {
            // e.g. a start abandoned when a kill pre-empted it, which the engine carried out afterwards:
            // the desired state is the truth, so converge instead of adopting.
            return stop(p, "running although the desired state is stopped", c);
        }
        if (c != null && c.running()) {
            if (state == ServerState.OFFLINE) {
                startedAt = c.startedAt();
                outputSince = c.outputSince();
                bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), c.ref().id(), startedAt, outputSince));
                transition(ServerState.RUNNING, "seen running");
            }
            return new PowerResult.Done(p.intent, state);
        }
        if (state == ServerState.OFFLINE) {
            return new PowerResult.Done(p.intent, state);
        }
        if (desired == DesiredState.RUNNING && (state == ServerState.RUNNING || state == ServerState.STARTING)) {
            int code = c == null || c.exitCode() == null ? -1 : c.exitCode();
            unexpectedExit(code, c != null && c.oomKilled(), c == null ? "the container disappeared" : "exited");
        } else {
            transition(ServerState.OFFLINE, "exited");
        }
        return new PowerResult.Done(p.intent, state);
    }

    /**
     * The server exited while it was meant to run and nobody asked it to stop: a crash. Applies the
     * restart policy with exponential backoff; too many crashes within the window make a crash loop.
     */
    private void unexpectedExit(int exitCode, boolean oom, String how) {
        Instant now = Instant.now();
        transition(ServerState.OFFLINE, how + " with code " + exitCode + (oom ? " (out of memory)" : ""));
        RestartPolicy policy = storedSpec().map(ServerSpec::restartPolicy).orElse(RestartPolicy.no());
        if (desired != DesiredState.RUNNING || !policy.restartsAfter(exitCode)) {
            if (exitCode != 0) {
                bus.publish(new ServerEvent.Crashed(id, now, exitCode, oom, 1, false));
                activity("crash", "crashed with exit code " + exitCode + (oom ? " (out of memory)" : "") + "; restart policy "
                        + policy.mode().wireName() + " does not restart it", Map.of("exitCode", Integer.toString(exitCode)));
            } else {
                activity("exit", "the server stopped on its own (exit code 0)", Map.of("exitCode", "0"));
            }
            recordDesired(DesiredState.STOPPED);
            return;
        }
        int crashes;
        lock.lock();
        try {
            while (!crashTimes.isEmpty() && crashTimes.peekFirst().isBefore(now.minus(settings.crashWindow()))) {
                crashTimes.pollFirst();
            }
            crashTimes.addLast(now);
            crashes = crashTimes.size();
        } finally {
            lock.unlock();
        }
        if (crashes > policy.maxRetries()) {
            crashLoop = true;
            lastError = "crash loop: " + crashes + " crashes within " + settings.crashWindow().toSeconds() + " s";
            recordDesired(DesiredState.STOPPED);
            bus.publish(new ServerEvent.Crashed(id, now, exitCode, oom, crashes, false));
            bus.publish(new ServerEvent.CrashLoop(id, now, crashes, settings.crashWindow().toSeconds()));
            activity("crash-loop", "crashed " + crashes + " times within " + settings.crashWindow().toSeconds()
                    + " s; staying offline until started again", Map.of("crashes", Integer.toString(crashes), "exitCode", Integer.toString(exitCode)));
            return;
        }
        Duration backoff = settings.backoff(crashes);
        bus.publish(new ServerEvent.Crashed(id, now, exitCode, oom, crashes, true));
        activity("crash", "crashed with exit code " + exitCode + (oom ? " (out of memory)" : "") + "; restart " + crashes + " of "
                + policy.maxRetries() + " in " + backoff.toMillis() + " ms", Map.of("exitCode", Integer.toString(exitCode)));
        enqueueInternal(new Intent.Recover(crashes, backoff));
    }

    private void enqueueInternal(Intent intent) {
        enqueue(new Pending(intent));
    }

    private void recordDesired(DesiredState d) {
        submitLock.lock();
        try {
            store.setDesiredState(id, d);
            desired = d;
        } catch (RuntimeException e) {
            log.warn("server={} could not record desired state {}", id, d, e);
        } finally {
            submitLock.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The server's containers by label; duplicates are removed, keeping the deterministically named one. */
    private ContainerInfo currentContainer() {
        List<ContainerInfo> found = new ArrayList<>(runtime.find(id, call()));
        if (found.isEmpty()) {
            container = null;
            return null;
        }
        String name = RuntimeLabels.containerName(id);
        found.sort(Comparator.<ContainerInfo, Boolean>comparing(c -> !name.equals(stripSlash(c.ref().name())))
                .thenComparing(c -> !c.running()));
        ContainerInfo keep = found.getFirst();
        for (ContainerInfo dup : found.subList(1, found.size())) {
            activity("duplicate", "removed duplicate container " + dup.ref().id(), Map.of("container", dup.ref().id()));
            removeQuietly(dup.ref());
        }
        container = keep.ref();
        return keep;
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private void removeQuietly(ContainerRef ref) {
        try {
            runtime.remove(ref, call());
        } catch (EngineException.NotFound e) {
            // already gone: the state we wanted
        }
    }

    private Optional<ServerSpec> storedSpec() {
        return store.find(id).map(StoredServer::spec);
    }

    private ServerSpec spec() {
        return storedSpec().orElseThrow(() -> new Failure("server " + id + " no longer exists"));
    }

    private Path dataDir() {
        return settings.volumesRoot().resolve(id.toString());
    }

    private void deleteDataDir() {
        Path dir = dataDir();
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("server={} could not delete its data directory {}: {}", id, dir, e.toString());
            activity("delete", "could not delete the data directory " + dir + ": " + e.getMessage(), Map.of());
        }
    }

    /**
     * Runs a call that may be abandoned when a pre-empting intent arrives: the loop thread is
     * interrupted only inside such a call. Only reads and creates (healed by {@link #createOrAdopt})
     * go through here.
     */
    private <T> T interruptibly(Pending p, java.util.function.Supplier<T> call) {
        lock.lock();
        try {
            p.check();
            p.interruptible = true;
        } finally {
            lock.unlock();
        }
        try {
            return call.get();
        } finally {
            lock.lock();
            try {
                p.interruptible = false;
                Thread.interrupted();
            } finally {
                lock.unlock();
            }
        }
    }

    private Deadline call() {
        return Deadline.in(settings.engineTimeout());
    }

    private void pause(Pending p, Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        lock.lock();
        try {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                changed.awaitNanos(left);
                p.check();
            }
        } catch (InterruptedException e) {
            throw new Cancelled();
        } finally {
            lock.unlock();
        }
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void transition(ServerState to, String reason) {
        ServerState from;
        lock.lock();
        try {
            from = state;
            if (from == to) {
                return;
            }
            state = to;
        } finally {
            lock.unlock();
        }
        log.info("server={} state {} -> {} ({})", id, from, to, reason);
        bus.publish(new ServerEvent.StateChanged(id, Instant.now(), from, to, reason));
        activity("state", from.wireName() + " -> " + to.wireName() + ": " + reason,
                Map.of("from", from.wireName(), "to", to.wireName()));
    }

    private void activity(String type, String message, Map<String, String> details) {
        if (deleted) {
            return;
        }
        try {
            store.appendActivity(id, type, message, details);
        } catch (RuntimeException e) {
            log.warn("server={} could not append activity '{}': {}", id, message, e.toString());
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Stops the loop. Game servers keep running; queued intents are answered as failed. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (current != null) {
                current.cancel(null);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        loop.interrupt();
        try {
            loop.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop thread has ended (after {@link #close()} or a delete). */
    public boolean isTerminated() {
        return !loop.isAlive();
    }

    // ------------------------------------------------------------------ plumbing

    /** One queued intent and the future its submitter holds. */
    private static final class Pending {
        final Intent intent;
        final CompletableFuture<PowerResult> future = new CompletableFuture<>();
        volatile boolean cancelled;
        volatile Intent cancelledBy;
        /** Guarded by the controller's lock: whether the loop is inside a call it may interrupt. */
        boolean interruptible;

        Pending(Intent intent) {
            this.intent = intent;
        }

        void complete(PowerResult r) {
            future.complete(r);
        }

        void cancel(Intent by) {
            cancelledBy = by;
            cancelled = true;
            if (by != null) {
                future.complete(new PowerResult.Superseded(intent, by));
            } else {
                future.complete(new PowerResult.Failed(intent, "the daemon is shutting down"));
            }
        }

        void check() {
            if (cancelled) {
                throw new Cancelled();
            }
        }
    }

    /** The operation in flight was pre-empted; unwinds it without counting as a failure. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** An operation failed for a reason worth telling the operator verbatim. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
