package dev.raptor.core.power;

import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.mailbox.Mailbox;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The one place that serialises work on one server (rule 2): an actor. Intents go into a {@link Mailbox}
 * drained by a single virtual thread, which carries each out through the {@link ServerLifecycle}; the
 * controller owns the server's observed state ({@link ObservedServer}), and the runtime only reports facts.
 *
 * <h2>Precedence, never silence (rule 4)</h2>
 * <ul>
 *   <li>Every {@link #submit submitted} intent's future completes exactly once: done, superseded (by
 *       which intent) or failed (why).</li>
 *   <li>A new operator intent supersedes every intent still queued: they coalesce to the latest.</li>
 *   <li>{@code kill} pre-empts whatever runs; {@code stop}, {@code restart} and {@code delete} cancel a
 *       start that is still booting ({@link Precedence}). Pre-emption cancels by flag and wakes the
 *       operation's waits at once, but a mutating engine call in flight (start, signal, kill) is allowed
 *       to finish within its deadline, so an abandoned call can never land on the next run of the server
 *       ({@link Submission}). Unlike a "power lock" that refuses work while busy, nothing here ever refuses
 *       or waits forever: the worst case is waiting for the operation in flight, and every engine call in
 *       it has a deadline.</li>
 * </ul>
 * The desired state is written to the store before the intent is queued (write-ahead), so a crash at
 * any point leaves a store that boot reconciliation can converge from.
 *
 * <p>Reads ({@link #state()}, {@link #view()}) are volatile reads and never wait for an operation.
 */
public final class ServerController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerController.class);
    /** Intents coalesce, so one or two wait at most; the bound only keeps a bug from growing a queue. */
    private static final int MAILBOX = 64;

    private final UUID id;
    private final ObservedServer server;
    private final ServerLifecycle lifecycle;
    private final Mailbox<Submission> mailbox = new Mailbox<>(MAILBOX);
    private volatile boolean closed;
    private final Thread loop;

    /**
     * @param hostPorts asked before each start whether other programs hold the server's ports
     * @param initial   the observed facts to start from (boot reconciliation inspects the engine first)
     * @param onDeleted called once, on the controller's thread, after a delete has removed the server
     */
    public ServerController(UUID id, ServerStore store, ContainerRuntime runtime, EventBus bus,
                            ControllerSettings settings, HostPorts hostPorts, DesiredState desired, Initial initial,
                            Runnable onDeleted) {
        this(id, store, runtime, bus, settings, hostPorts, desired, initial, new EngineOutages(), new EngineSlots(settings), onDeleted);
    }

    /**
     * @param outages when the engine was away: exits then are the engine's doing (the fleet's, shared by all
     *                of its controllers)
     * @param slots   the creates, starts and removals in flight at once (the fleet's, shared likewise)
     */
    ServerController(UUID id, ServerStore store, ContainerRuntime runtime, EventBus bus, ControllerSettings settings,
                            HostPorts hostPorts, DesiredState desired, Initial initial, EngineOutages outages,
                            EngineSlots slots, Runnable onDeleted) {
        this.id = id;
        this.server = new ObservedServer(id, store, bus, desired, initial);
        this.lifecycle = new ServerLifecycle(id, store, runtime, settings, hostPorts, server, outages, slots,
                intent -> enqueue(new Submission(intent)), onDeleted);
        this.loop = Thread.ofVirtual().name("server-" + id).unstarted(this::runLoop);
        this.loop.start();
    }

    /**
     * What the controller starts from: the state and container boot reconciliation observed.
     *
     * @param containerKnown whether {@code container} is certain (a server just created has none), so that its first
     *                       start need not search the engine for one
     */
    public record Initial(ServerState state, ContainerRef container, Instant startedAt, Instant outputSince, boolean containerKnown) {
        /** Offline, its container (if any) to be searched for. */
        public static final Initial OFFLINE = new Initial(ServerState.OFFLINE, null, null, null);
        /**
         * A server this fleet just created: it has no container yet. One made behind Raptor's back under its name shows
         * as the engine's conflict at the first create, which then searches and adopts it.
         */
        public static final Initial NEW = new Initial(ServerState.OFFLINE, null, null, null, true);

        public Initial(ServerState state, ContainerRef container, Instant startedAt, Instant outputSince) {
            this(state, container, startedAt, outputSince, false);
        }

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
                       String containerId, Instant startedAt, Instant outputSince, String busyWith, ContainerHealth health) {
    }

    public UUID id() {
        return id;
    }

    public ServerState state() {
        return server.state();
    }

    public DesiredState desired() {
        return server.desired();
    }

    public View view() {
        Submission busy = mailbox.inHand();
        return server.view(busy == null ? null : busy.intent.describe());
    }

    /** Why the server's last install failed, while it stays {@code install-failed}; null when it does not. */
    public String installFailure() {
        return server.installFailure();
    }

    /**
     * Says what the store recorded of an install the controller did not see: one that failed, or one a daemon
     * restart cut short (boot). The server shows {@code install-failed} until an install succeeds.
     */
    public void installFailed(String reason) {
        server.installFailed(reason);
    }

    /** The container last seen for this server (may be stale; re-found by label when it is). */
    public Optional<ContainerRef> container() {
        return Optional.ofNullable(server.container());
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Queues an intent. For operator intents the desired state is durably recorded first. The future
     * always completes: {@link PowerResult.Done}, {@link PowerResult.Superseded} or {@link PowerResult.Failed}.
     *
     * @throws ServerBusyException when an operator intent arrives while maintenance (a restore) waits or runs
     */
    public CompletableFuture<PowerResult> submit(Intent intent) {
        return submit(intent, null);
    }

    /**
     * {@link #submit(Intent)}, with the pending record of the operation that asks for it written in the intent's own
     * synced commit (alone, and not synced until an answer needs it, when the intent leaves the desired state as it
     * is: see {@link PendingOperation#onDisk}), and its answer, when the action ends done, in the commit of the state it
     * ends in, before the future completes. Nothing is written when the intent is refused ({@link ServerBusyException}),
     * or when the server is gone; when the write fails the future fails, and the operation's answer is its whole record.
     *
     * @param begun the operation; null: none. Only for operator intents (those record a desired state).
     */
    public CompletableFuture<PowerResult> submit(Intent intent, PendingOperation begun) {
        if (begun != null && !intent.operator()) {
            throw new IllegalArgumentException("only an operator's intent records its operation, not " + intent.describe());
        }
        Submission op = new Submission(intent, begun);
        if (server.deleted() || closed) {
            op.fail(goneReason());
            return op.future();
        }
        try {
            server.writeAhead(intent.operator() ? intent.desired() : null, begun, () -> refuseWhileMaintained(intent), () -> enqueue(op));
        } catch (ServerNotFoundException e) {
            op.fail("server " + id + " does not exist");
        } catch (ServerBusyException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("could not record intent server={} intent={}", id, intent.describe(), e);
            op.fail("could not record the intent durably: " + e.getMessage());
        }
        return op.future();
    }

    /** Queues {@code op} by the rules of {@link Precedence}, atomically with what is queued and in hand. */
    private void enqueue(Submission op) {
        Intent intent = op.intent;
        String[] busyWith = new String[1];
        boolean queued = mailbox.offer(op, (waiting, inHand) -> {
            if (intent.operator()) {
                // Maintenance (a restore) is never superseded nor raced: operator intents are refused while it waits or runs.
                busyWith[0] = maintenance(intent, waiting, inHand);
                if (busyWith[0] != null) {
                    return false;
                }
            }
            if (!Precedence.joinsQueue(intent, waiting.isEmpty())) {
                // Internal work never queues behind or over an operator's: the queued intent will look at the engine anyway.
                op.complete(new PowerResult.Superseded(intent, waiting.getLast().intent));
                return false;
            }
            if (intent.operator()) {
                for (Submission superseded : waiting) {
                    superseded.complete(new PowerResult.Superseded(superseded.intent, intent));
                }
                waiting.clear();
                if (inHand != null && Precedence.preempts(intent, inHand.intent)) {
                    inHand.cancel(intent);
                }
                if (intent.desired() == DesiredState.RUNNING) {
                    lifecycle.forgetCrashes();
                }
            }
            return true;
        });
        if (busyWith[0] != null) {
            throw new ServerBusyException(id, intent.describe(), busyWith[0]);
        }
        if (!queued && !op.isDone()) {
            op.fail(mailbox.isClosed() ? goneReason() : "too many intents queued for server " + id);
        }
    }

    /** Refuses an operator intent before its desired state is written, while maintenance waits or runs. */
    private void refuseWhileMaintained(Intent intent) {
        if (!intent.operator()) {
            return;
        }
        String busy = mailbox.inspect((waiting, inHand) -> maintenance(intent, waiting, inHand));
        if (busy != null) {
            throw new ServerBusyException(id, intent.describe(), busy);
        }
    }

    /** The maintenance waiting or in hand that refuses {@code next} (a kill or delete cancels an install instead), or null. */
    private static String maintenance(Intent next, List<Submission> waiting, Submission inHand) {
        if (inHand != null && inHand.intent instanceof Intent.Maintain m && !m.cancelledBy(next) && !inHand.isSettling()) {
            return m.action();
        }
        for (Submission w : waiting) {
            if (w.intent instanceof Intent.Maintain m && !m.cancelledBy(next)) {
                return m.action();
            }
        }
        return null;
    }

    private String goneReason() {
        return server.deleted() ? "server " + id + " was deleted" : "the daemon is shutting down";
    }

    // ------------------------------------------------------------------ engine facts

    /** The health check's verdict on the running server ({@link ContainerHealth#NONE} without one). */
    public ContainerHealth health() {
        return server.health();
    }

    /**
     * Whether a start or a delete would act on the container the controller knows without searching; false once an
     * engine event told of another container of this server. Package-private: tests wait for an event to be heard.
     */
    boolean trustsKnownContainer() {
        return server.known() != null;
    }

    /** Called by the fleet's event router for every engine event about this server's containers. */
    public void onRuntimeEvent(RuntimeEvent.ContainerEvent event) {
        if (event instanceof RuntimeEvent.Removed r) {
            server.removed(r.ref()); // a fact: whatever the controller does next must not trust that container
        } else {
            if (event instanceof RuntimeEvent.Exited e) {
                server.told(e); // before the poke below: a stop waiting for this exit takes its code from it
            }
            server.heardOf(event.ref()); // another container of this server than the known one: search next time
        }
        if (event instanceof RuntimeEvent.HealthChanged h) {
            onHealth(h);
            return;
        }
        if (event instanceof RuntimeEvent.Exited || event instanceof RuntimeEvent.Removed) {
            if (server.isStale(event)) {
                return; // an older container of this server, or the previous run's exit delivered late
            }
            Submission busy = mailbox.inHand();
            if (busy != null) {
                busy.poke(); // e.g. a boot waiting for its ready line looks at the engine at once
            }
        }
        if (!mailbox.isIdle()) {
            return; // the work in flight (or queued) looks at the engine itself
        }
        boolean interesting = switch (event) {
            case RuntimeEvent.Started s -> server.state() == ServerState.OFFLINE;
            case RuntimeEvent.Exited e -> server.state() != ServerState.OFFLINE;
            case RuntimeEvent.Removed r -> server.state() != ServerState.OFFLINE;
            case RuntimeEvent.HealthChanged h -> false;
        };
        if (interesting) {
            submit(new Intent.Observe(event.getClass().getSimpleName().toLowerCase()));
        }
    }

    /**
     * A new verdict of the server's health check: taken at once (it is a fact, not work), and an unhealthy
     * server whose restart policy says so is restarted by an internal intent, which an operator's intent
     * supersedes like any other.
     */
    private void onHealth(RuntimeEvent.HealthChanged event) {
        if (server.isStale(event) || server.state() == ServerState.OFFLINE || server.deleted()) {
            return; // an older container's, or a verdict that arrived after the exit
        }
        if (server.health(event.health(), "health check") && event.health() == ContainerHealth.UNHEALTHY
                && lifecycle.restartsWhenUnhealthy() && server.desired() == DesiredState.RUNNING) {
            submit(new Intent.Heal());
        }
    }

    /** Asks an idle controller to compare its state with the engine (a backstop for lost events). */
    public void observeIfIdle() {
        if (!closed && mailbox.isIdle()) {
            submit(new Intent.Observe("periodic"));
        }
    }

    // ------------------------------------------------------------------ the loop

    private void runLoop() {
        try {
            Submission op;
            while ((op = mailbox.take()) != null) {
                PowerResult result = lifecycle.carryOut(op);
                Thread.interrupted(); // an interrupt aimed at the finished work must not reach the next
                mailbox.done();
                op.answer(result); // after the commit of the state it ends in, which may hold the operation's answer
                if (server.deleted()) {
                    answerAll(mailbox.close(), "server " + id + " was deleted");
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close() interrupted the wait for the next intent; its mailbox is closed
        }
    }

    private static void answerAll(List<Submission> ops, String reason) {
        for (Submission op : ops) {
            op.fail(reason);
        }
    }

    /**
     * Stops the loop. Game servers keep running; queued intents and the one in flight are answered as
     * failed. The operation in flight is interrupted even in a mutating engine call: the daemon is going
     * away, which is what a crash would do too, and the next boot reconciles whatever landed.
     */
    @Override
    public void close() {
        closed = true;
        answerAll(mailbox.close(), "the daemon is shutting down");
        Submission busy = mailbox.inHand();
        if (busy != null) {
            busy.cancel(null);
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
}
