package dev.raptor.api.operations;

import dev.raptor.api.auth.OperationOwner;
import dev.raptor.api.operations.Operation.Outcome;
import dev.raptor.core.operation.OperationJournal;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.power.PowerResult;
import dev.raptor.wire.image.ImageDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operations of the last while (power actions, long file work, backups and restores alike): each finished one
 * stays readable for {@code retention} so a client that was answered 202 can read its outcome, and at most {@code capacity} are kept (the
 * oldest finished ones go first; pending ones are never dropped, and they are few, because
 * controllers coalesce queued intents).
 *
 * <p>{@link #durable Durable} operations are also written through to the store: the pending row
 * before the request is answered, the outcome when it comes (on a thread of its own, never the
 * controller's). A power action's or a delete's ({@link #submit}) is written by its intent instead: the pending row in
 * the intent's commit, and the answer, when it is done, in the commit of the state the action ends in, on disk before
 * the request is answered; only its other answers (superseded, failed, done without a state's commit) are written
 * here. {@link #find} falls back to the store for ids not in memory, so an operation
 * outlives a daemon restart; one the daemon went down without answering (a crash, or a shutdown that
 * abandoned it) is answered by the next boot as superseded by the restart. A failed store write is
 * logged and costs only that durability: the action and its in-memory answer go on.
 */
public final class Operations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Operations.class);

    /** {@code supersededBy} of the operations a daemon restart cut short. */
    public static final String RESTART = "daemon restart";

    private final Map<String, Operation> byId = new ConcurrentHashMap<>();
    private final int capacity;
    private final Duration retention;
    private final Clock clock;
    /** Where they are written down (the store's table of operations); null keeps them in memory only. */
    private final OperationJournal records;
    /** Outcome writes run here, one virtual thread each: the thread that answers an intent never waits for the disk. */
    private final Executor recorder = task -> Thread.ofVirtual().name("raptor-operation-record").start(task);
    /** Outcome writes not yet done, for {@link #flush}. */
    private final Set<CompletableFuture<Void>> writing = ConcurrentHashMap.newKeySet();
    /** Completes when the daemon shuts down, waking every waiting request. */
    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    /** Operations in memory only: a restart forgets them. */
    public Operations(int capacity, Duration retention, Clock clock) {
        this(capacity, retention, clock, null);
    }

    private Operations(int capacity, Duration retention, Clock clock, OperationJournal records) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.records = records;
    }

    /**
     * Operations written through to {@code records}. Opening answers whatever a previous run left
     * pending (superseded by {@value #RESTART}: nothing of that run works on them any more, and boot
     * reconciliation carries out the desired state they recorded) and prunes what is past retention.
     * Open it once per daemon run, before the API serves.
     */
    public static Operations durable(OperationJournal records, int capacity, Duration retention, Clock clock) {
        Operations ops = new Operations(capacity, retention, clock, Objects.requireNonNull(records, "records"));
        Instant now = ops.now();
        try {
            records.supersedePending(now, RESTART, Operations::restartReason);
            records.prune(now.minus(retention), capacity);
        } catch (RuntimeException e) {
            log.atError().addKeyValue("error", e.toString())
                    .log("could not answer the operations a previous run left pending; they read as pending until a boot can");
        }
        return ops;
    }

    /** Why an operation a daemon restart cut short did not finish, and what became of its intent. */
    static String restartReason(OperationKind kind, String action) {
        String prefix = "the daemon restarted before this " + action + " finished; ";
        if (kind == OperationKind.FILES) {
            return prefix + (action.equals("delete")
                    ? "what was deleted stays deleted and the rest is still there: delete it again"
                    : "nothing of its output was put in place (its temporary files are removed at boot): run it again");
        }
        if (kind == OperationKind.BACKUP) {
            return prefix + (action.equals("restore")
                    ? "boot finished or undid the restore (the server's files are either the previous ones or the backup's, whole)"
                    : "boot removed the half-written archive and marked the backup failed: run it again");
        }
        if (action.equals("transfer")) {
            return prefix + "the server is on the node it was pinned to when the daemon stopped, with its files there (the "
                    + "old node unless the copy had been verified), and boot reconciliation carries out its desired state there; "
                    + "a copy left on the other node is not removed: transfer again";
        }
        if (action.startsWith("delete")) {
            return prefix + "boot reconciliation keeps the server stopped (the desired state the delete recorded) "
                    + "but does not remove it: delete it again if it still exists";
        }
        if (action.equals("apply-spec")) {
            return prefix + "the new spec is stored and boot reconciliation carries out the desired state it recorded; "
                    + "a container still on the old spec is recreated at its next start (or PATCH again with apply=now)";
        }
        return prefix + "boot reconciliation carries out the desired state it recorded";
    }

    /** Registers a submitted intent's future as a new power operation (and, if durable, records it before returning). */
    public Operation track(UUID serverId, String action, CompletableFuture<PowerResult> result) {
        return track(serverId, OperationKind.POWER, action, null, new Operation.Live(),
                result.thenApply(r -> r == null ? null : Outcome.of(r, now())));
    }

    /**
     * Submits an intent as a new power operation whose pending record (when durable) is written by the submission
     * itself, in the intent's own commit ({@link dev.raptor.core.power.ServerFleet#power(UUID,
     * dev.raptor.core.power.PowerAction, PendingOperation)}): one sync where a record of its own cost a second. Its
     * answer, when the action is done, rides in the commit of the state the action ends in, and this registry then
     * writes nothing more for it. The operation exists (on disk and here) only once {@code submit} has returned; one it
     * refuses (throws) leaves nothing. The journal must be the one of the store the fleet writes intents to.
     * {@link OperationAnswer} makes the pending record durable (if it is not yet) before a response names it.
     *
     * @param submit submits the intent, given the operation to write with it (null when not durable)
     */
    public Operation submit(UUID serverId, String action, Function<PendingOperation, CompletableFuture<PowerResult>> submit) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Operation.Live live = new Operation.Live();
        Operation op = new Operation(UUID.randomUUID().toString(), serverId, OperationKind.POWER, action, null, now(), outcome, live);
        PendingOperation journaled = records == null ? null : new PendingOperation(op.toRecord(), clock, retention, capacity);
        live.journaled(journaled);
        CompletableFuture<PowerResult> result = submit.apply(journaled);
        return register(op, outcome, result.thenApply(r -> r == null ? null
                : journaled != null && journaled.answer() != null ? Outcome.of(journaled.answer()) : Outcome.of(r, now())), false);
    }

    /**
     * Registers long work (file work, a backup, a restore) as a new operation (and, if durable, records it before
     * returning); {@code result} completes with its {@link Outcome} when it ends, and {@code live} is where it
     * reports progress meanwhile (and, for cancellable work, how to stop it).
     *
     * @param path files: the path it produces or works on; else null
     */
    public Operation track(UUID serverId, OperationKind kind, String action, String path, Operation.Live live,
                           CompletableFuture<Outcome> result) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Operation op = new Operation(UUID.randomUUID().toString(), serverId, kind, action, path, now(), outcome, live);
        return register(op, outcome, result, true);
    }

    /**
     * Keeps {@code op} and writes its answer when {@code result} gives it.
     *
     * @param begin whether to write its pending record first (false: the submission wrote it)
     */
    private Operation register(Operation op, CompletableFuture<Outcome> outcome, CompletableFuture<Outcome> result, boolean begin) {
        UUID serverId = op.serverId();
        String action = op.action();
        evictIfFull();
        byId.put(op.id(), op);
        // Whether to write the answer: all but those a daemon shutdown abandoned (see below).
        CompletableFuture<Boolean> worthRecording = new CompletableFuture<>();
        result.whenComplete((r, e) -> {
            Outcome o;
            if (e != null || r == null) {
                log.atWarn().addKeyValue("operation", op.id()).addKeyValue("server", serverId).addKeyValue("action", action)
                        .setCause(e).log("operation ended without an answer");
                o = new Outcome(OperationStatus.FAILED, now(), null, null, "internal error: " + (e == null ? "no answer" : e.toString()));
            } else {
                o = r;
            }
            // Once the daemon is shutting down, a controller fails what it abandons ("the daemon is shutting
            // down"), yet the intent's desired state is on disk and the next boot carries it out. Leave
            // such an operation pending in the store: the next boot answers it as superseded by the restart.
            boolean abandoned = closing.isDone() && o.status() == OperationStatus.FAILED;
            outcome.complete(o);
            worthRecording.complete(!abandoned);
        });
        if (records != null) {
            // On disk before the client hears of it, so the id it is given still answers after a restart.
            if (begin) {
                record(op, "pending", () -> records.begin(op.toRecord()));
            }
            // Registered after begin returned, so the outcome is written after the pending row.
            PendingOperation journaled = op.live().journaled();
            CompletableFuture<Void> written = worthRecording.thenAcceptAsync(worth -> {
                if (journaled != null && journaled.answer() != null) {
                    return; // the commit of the state its action ended in holds it
                }
                if (worth) {
                    // the answer and the prune that follows it in one commit (one turn of the store's write lock)
                    record(op, "outcome", () -> records.finishAndPrune(op.toRecord(), now().minus(retention), capacity));
                } else {
                    log.atInfo().addKeyValue("operation", op.id()).addKeyValue("server", serverId).addKeyValue("action", action)
                            .log("operation cut short by the shutdown; the next boot answers it");
                }
            }, recorder);
            writing.add(written);
            written.whenComplete((v, e) -> writing.remove(written));
        }
        return op;
    }

    /**
     * Image work (a pull for the node, a commit of a server) as an operation: {@code work} runs on a virtual thread
     * of its own and answers the image it made; what it throws is the operation's failure and reason. These live in
     * memory only: the engine's pull or commit ends with the daemon, so a restart has nothing to answer for them.
     *
     * @param serverId the server it acts on; null for work of the node
     * @param live     what the work tells while it runs (a pull follows its tally); kept where it ended once done
     */
    public Operation runImageWork(UUID serverId, String action, Operation.Live live, Supplier<ImageDocument> work) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Operation op = new Operation(UUID.randomUUID().toString(), serverId, OperationKind.IMAGE, action, null, now(), outcome, live);
        evictIfFull();
        byId.put(op.id(), op);
        Thread.ofVirtual().name("raptor-" + action + "-" + op.id()).start(() -> {
            Outcome o;
            try {
                o = new Outcome(OperationStatus.DONE, now(), null, null, null, null, work.get());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("operation", op.id()).addKeyValue("server", serverId).addKeyValue("action", action)
                        .addKeyValue("error", e.toString()).log("image operation failed");
                o = new Outcome(OperationStatus.FAILED, now(), null, null, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            live.settle();
            outcome.complete(o);
        });
        return op;
    }

    /** The operation, from memory, or else (when durable) from the store; empty when unknown or past retention. */
    public Optional<Operation> find(String id) {
        Instant now = clock.instant();
        Operation op = byId.get(id);
        if (op != null) {
            if (expired(op, now)) {
                byId.remove(id);
                return Optional.empty();
            }
            return Optional.of(op);
        }
        if (records == null) {
            return Optional.empty();
        }
        return records.find(id).map(Operation::of).filter(stored -> !expired(stored, now));
    }

    /** The server an operation acts on. */
    public Optional<UUID> serverOf(String id) {
        return find(id).map(Operation::serverId);
    }

    /** The server an operation acts on and its kind (for authorising tokens on {@code /operations/{opId}}). */
    public Optional<OperationOwner> ownerOf(String id) {
        return find(id).map(op -> new OperationOwner(op.serverId(), op.kind()));
    }

    /**
     * Asks a pending file operation to stop (it answers failed, {@code cancelled}, once its partial output is gone).
     * A finished one keeps its answer.
     *
     * @return the operation; empty when unknown
     * @throws IllegalStateException when it is a power operation (those are stopped by a later action: stop, kill) or
     *                               a backup or restore (which stop only with the daemon)
     */
    public Optional<Operation> cancel(String id) {
        Optional<Operation> op = find(id);
        op.ifPresent(o -> {
            switch (o.kind()) {
                case POWER -> throw new IllegalStateException("operation " + id + " is a power action ('" + o.action()
                        + "'); a later action supersedes it: send stop or kill");
                case BACKUP, IMAGE -> throw new IllegalStateException("operation " + id + " is a " + o.action()
                        + ", which cannot be cancelled: it runs to its end");
                case FILES -> {
                    if (!o.finished()) {
                        o.live().cancel();
                    }
                }
            }
        });
        return op;
    }

    /**
     * Waits until the operation has finished, at most {@code timeout}, or until the daemon begins to
     * shut down.
     *
     * @return whether it has finished
     */
    public boolean await(Operation op, Duration timeout) {
        if (op.finished()) {
            return true;
        }
        try {
            CompletableFuture.anyOf(op.outcome(), closing).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // not finished in time: the caller answers 202 with the operation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return op.finished();
    }

    /** How many operations are in memory. */
    public int size() {
        return byId.size();
    }

    private void evictIfFull() {
        Instant now = clock.instant();
        if (byId.size() < capacity) {
            return;
        }
        byId.values().removeIf(op -> expired(op, now));
        int excess = byId.size() - capacity + 1;
        if (excess > 0) {
            byId.values().stream().filter(Operation::finished)
                    .sorted(Comparator.comparing(Operation::finishedAt))
                    .limit(excess).map(Operation::id).toList().forEach(byId::remove);
        }
    }

    private boolean expired(Operation op, Instant now) {
        Instant end = op.finishedAt();
        return end != null && end.plus(retention).isBefore(now);
    }

    /** The store keeps what memory keeps: finished rows past retention go, and all but the newest {@code capacity}. */
    /** Runs one store write; a failure is logged, never thrown: the operation goes on in memory. */
    private void record(Operation op, String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("operation", op.id()).addKeyValue("server", op.serverId()).addKeyValue("action", op.action())
                    .addKeyValue("write", what).addKeyValue("error", e.toString())
                    .log("could not record an operation in the store; it answers from memory until the daemon restarts");
        }
    }

    /** The store keeps milliseconds; so does memory, so an operation reads the same before and after a restart. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Waits, at most {@code timeout}, until the outcomes answered so far are written: for the daemon's
     * shutdown, after the controllers have answered what they were doing and before the store closes.
     *
     * @return whether they all were
     */
    public boolean flush(Duration timeout) {
        try {
            CompletableFuture.allOf(writing.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.atWarn().addKeyValue("pending", writing.size()).addKeyValue("timeout", timeout)
                    .log("operation outcomes not yet written; the next boot answers those still pending");
            return false;
        } catch (ExecutionException e) {
            return true; // record() logs and swallows every failure; nothing to add
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Wakes every waiting request (they answer 202 with their operation). */
    @Override
    public void close() {
        closing.complete(null);
    }
}
