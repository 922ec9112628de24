package dev.raptor.core.console;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.mailbox.Mailbox;
import dev.raptor.core.watch.RunStream;
import dev.raptor.core.watch.ServerWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

/**
 * The console of one watched server: its one engine log stream, the {@link LineLog} every subscriber
 * reads from, and the pump thread that opens and reopens the stream. Exists while the server has
 * subscribers (rule 7): the hub creates it for the first and ends it when the last leaves.
 *
 * <p>The pump is the only thread that calls the engine, so opening, handing over and closing streams
 * never overlap. The engine's reader thread only appends to the log under {@link #lock}, a memory
 * operation, so no subscriber can ever slow it.
 *
 * <p><b>No line lost, none twice.</b> Every stream after the first starts at
 * {@code since = max(where the run's output begins, time of the last line kept)}, skipping the lines
 * stamped exactly at that instant which were already kept. The run's output begins where the runtime says
 * ({@link dev.raptor.core.runtime.ContainerInfo#outputSince()}), not at its start time: Docker stamps a
 * run's first lines a few milliseconds before the start time it reports. A restart therefore continues the same log with the new
 * boot's first line, and a reconnect after an engine error continues where the old stream broke off.
 *
 * <p>A stream with neither (no line kept, no start known: a run adopted as it was) must not begin at its own call,
 * which comes after the history read: a line written between the two would be in neither. When the history read
 * ended and found the log empty, everything the log holds later was written after it, so the stream asks for all of
 * it (a tail of -1: no line twice, none missing, no clock involved). Otherwise (no history read, or one cut short)
 * it begins at the instant the pump began, before it read anything.
 */
final class ServerConsole extends ServerWatch<ConsoleSubscription, ServerConsole.Command> {
    private static final Logger log = LoggerFactory.getLogger(ServerConsole.class);
    /** How long a restart waits for the previous run's stream to deliver its last lines and end. */
    private static final Duration HANDOVER = Duration.ofSeconds(2);
    /** Delivered lines beyond the history are forgotten in steps of this many. */
    private static final int TRIM_SLACK = 1024;

    private final ConsoleCounts.Counts counts;
    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final ConsoleSettings settings;
    private final AtomicInteger openStreams;

    // {@link #lock} guards everything below that is not pump-only
    /** Signalled for every appended line and on end; subscribers wait on it when they have caught up. */
    final Condition newLines = lock.newCondition();
    /**
     * Signalled every {@link #pressureStep} lines and on end; subscribers waiting out their rate limit
     * wait on it, so a flood cuts the wait short before it could overflow their queue.
     */
    final Condition pressure = lock.newCondition();
    private final int pressureStep;
    final LineLog lines;
    private final CountDownLatch primed = new CountDownLatch(1);

    /** Generation of the stream whose lines are accepted; 0 = none. */
    private int activeGen;
    private int lastGen;
    /** While non-null, the active stream is still at its start: lines before it are dropped, {@link #skip} lines at it too. */
    private Instant boundary;
    private int skip;
    /** The newest line time kept, and how many kept lines carry exactly that time. */
    private Instant lastAt;
    private int sameAtCount;

    /** Pump-only: the history read ended and found the server's log empty, so all its log holds later came after it. */
    private boolean historyWasEmpty;
    /** Pump-only: when the pump began, before any history was read: where a stream with nothing else to go by begins. */
    private Instant pumpStartedAt;

    /** Pump-only: the open engine stream. */
    private RunStream<LogLine> stream;
    /** Pump-only: the re-check that opens a stream once the server runs, armed while none is open. */
    private Mailbox.Timer recheck;

    ServerConsole(UUID serverId, ContainerRuntime runtime, ServerRuns runs, ConsoleSettings settings, AtomicInteger openStreams,
                  ConsoleCounts.Counts counts) {
        this.counts = counts;
        super(serverId, "console");
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.openStreams = openStreams;
        this.lines = new LineLog(Math.max(1, Math.max(settings.queueLines(), settings.historyLines())), settings.queueBytes());
        this.pressureStep = Math.max(1, settings.queueLines() / 4);
    }

    ConsoleSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ subscribers

    /** Adds a subscriber whose first live line is the next one appended; null if this console is ending. */
    ConsoleSubscription add(ConsoleListener listener) {
        return add(() -> new ConsoleSubscription(this, listener, lines.head()));
    }

    @Override
    protected void onEnded() {
        if (!pumpStarted()) {
            primed.countDown(); // nobody will read the history: readers must not wait for it
        }
    }

    @Override
    protected void signalSubscribers() {
        newLines.signalAll();
        pressure.signalAll();
    }

    // ------------------------------------------------------------------ delivery (on the subscribers' threads)

    /** One subscriber's next delivery: its batch, the lines it skipped first, and whether it has caught up. */
    record Cut(ConsoleListener.Batch batch, long gap, boolean caughtUp, long now) {
    }

    /**
     * Waits for {@code s}'s next delivery: until its rate limit allows one (cut short once it is half a
     * queue behind: the limit batches lines up, it must never cost any) and a line is there. Lines it fell
     * a full queue behind on are skipped and counted.
     *
     * @param nextAllowed the {@link System#nanoTime()} before which it should not be handed a batch
     * @return the delivery, or null once {@code s} is closed
     */
    Cut nextCut(ConsoleSubscription s, long nextAllowed) throws InterruptedException {
        lock.lock();
        try {
            long wait;
            while (s.isOpen() && (wait = nextAllowed - System.nanoTime()) > 0 && lines.head() - s.cursor < s.queueLines / 2) {
                pressure.awaitNanos(wait);
            }
            while (s.isOpen() && s.cursor >= lines.head()) {
                newLines.await();
            }
            if (!s.isOpen()) {
                return null;
            }
            long head = lines.head();
            long oldest = oldestKept(s, head);
            long gap = 0;
            if (s.cursor < oldest) {
                gap = oldest - s.cursor;
                s.dropped += gap;
                counts.dropped.add(gap);
                s.cursor = oldest;
            }
            long now = System.nanoTime();
            // Half a queue behind, the rate limit has stopped waiting (above) and the batch limit widens too: a lagging
            // socket catches up in fewer, larger writes (each write waits for the client) instead of losing its oldest lines
            int max = head - s.cursor >= s.queueLines / 2 ? s.maxBatch * ConsoleSubscription.BEHIND_BATCH_FACTOR : s.maxBatch;
            ConsoleListener.Batch batch = lines.cut(s.cursor, max, Math.floorDiv(now, s.minIntervalNanos));
            s.cursor += batch.size();
            return new Cut(batch, gap, s.cursor >= head, now);
        } finally {
            lock.unlock();
        }
    }

    /** Lines waiting for {@code s}; never more than its queue. */
    int queueDepth(ConsoleSubscription s) {
        lock.lock();
        try {
            long head = lines.head();
            return (int) Math.max(0, head - Math.max(s.cursor, oldestKept(s, head)));
        } finally {
            lock.unlock();
        }
    }

    /** Lines {@code s} lost to overflow so far, including those it is about to skip. */
    long droppedTotal(ConsoleSubscription s) {
        lock.lock();
        try {
            return s.dropped + Math.max(0, oldestKept(s, lines.head()) - s.cursor);
        } finally {
            lock.unlock();
        }
    }

    /** The oldest line {@code s} may still be handed: its queue holds the last {@code queueLines}. Lock held. */
    private long oldestKept(ConsoleSubscription s, long head) {
        return Math.max(lines.low(), head - s.queueLines);
    }

    // ------------------------------------------------------------------ history

    /** The last {@code n} lines kept before sequence number {@code before}; waits (bounded) for the first history read. */
    List<LogLine> history(long before, int n) {
        awaitPrimed();
        lock.lock();
        try {
            return lines.before(before, Math.min(n, settings.historyLines()));
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code n} lines kept. */
    List<LogLine> tail(int n) {
        awaitPrimed();
        lock.lock();
        try {
            return lines.before(lines.head(), Math.min(n, settings.historyLines()));
        } finally {
            lock.unlock();
        }
    }

    private void awaitPrimed() {
        try {
            if (!primed.await(settings.engineTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("server={} console history not read within {} ms; answering with what is kept", serverId,
                        settings.engineTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ events in

    /** A container of the server began to run: follow the new run from its first line. */
    @Override
    protected void onServerEvent(ServerEvent event) {
        if (event instanceof ServerEvent.ContainerStarted s) {
            post(new Command.Started(s.container(), s.startedAt(), s.outputSince()));
        }
    }

    /** Called on the engine's reader thread for every line of stream {@code gen}. */
    private void accept(int gen, LogLine line) {
        lock.lock();
        try {
            if (gen != activeGen || endingLocked()) {
                return;
            }
            Instant at = line.at();
            if (boundary != null && at != null) {
                if (at.isBefore(boundary)) {
                    return;
                }
                if (at.equals(boundary) && skip > 0) {
                    skip--;
                    return;
                }
            }
            boundary = null;
            lines.append(line);
            counts.lines.increment();
            remember(at);
            newLines.signalAll();
            if (lines.head() % pressureStep == 0) {
                pressure.signalAll();
            }
            if (lines.size() > settings.historyLines() + TRIM_SLACK && lines.head() % TRIM_SLACK == 0) {
                trimDelivered();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets lines every subscriber has had that are older than the history: memory follows the slowest reader's lag. */
    private void trimDelivered() {
        long keepFrom = lines.head() - settings.historyLines();
        for (ConsoleSubscription s : subscribersLocked()) {
            keepFrom = Math.min(keepFrom, s.cursor);
        }
        lines.trimBelow(keepFrom);
    }

    private void remember(Instant at) {
        if (at == null) {
            return;
        }
        if (at.equals(lastAt)) {
            sameAtCount++;
        } else if (lastAt == null || at.isAfter(lastAt)) {
            lastAt = at;
            sameAtCount = 1;
        }
    }

    // ------------------------------------------------------------------ the pump

    /** What the pump is told: a run began, a stream ended, or it is time to look whether one should be open. */
    sealed interface Command {
        record Started(ContainerRef ref, Instant startedAt, Instant outputSince) implements Command {
        }

        record Ended(int gen, Throwable error) implements Command {
        }

        /** The timer armed while no stream is open: the server may have started without anybody telling. */
        record Recheck() implements Command {
        }
    }

    @Override
    protected void pumpStarting() {
        pumpStartedAt = Instant.now();
        try {
            prime();
        } finally {
            primed.countDown();
        }
        recheck();
        armRecheck();
    }

    @Override
    protected void onCommand(Command command) throws InterruptedException {
        switch (command) {
            case Command.Recheck r -> recheck();
            case Command.Started s -> onStarted(s);
            case Command.Ended e -> {
                if (stream != null && stream.gen() == e.gen()) {
                    closeStream();
                    if (e.error() != null) {
                        log.warn("server={} console stream failed; reopening within {} s: {}", serverId,
                                settings.recheckEvery().toSeconds(), e.error().toString());
                    }
                }
            }
        }
        armRecheck();
    }

    /** While no stream is open, a re-check comes {@link ConsoleSettings#recheckEvery()} after the last command. */
    private void armRecheck() {
        if (recheck != null) {
            recheck.cancel();
        }
        recheck = stream == null ? schedule(new Command.Recheck(), settings.recheckEvery()) : null;
    }

    @Override
    protected void pumpEnded() {
        closeStream();
    }

    /** Opens the stream of the current run if the controller says one is live and none is open. */
    private void recheck() {
        if (stream != null) {
            return;
        }
        Optional<ServerRuns.Run> run = runs.current(serverId);
        if (run.isPresent() && run.get().live()) {
            openStream(run.get().container(), run.get().startedAt(), run.get().outputSince());
        }
    }

    private void onStarted(Command.Started s) throws InterruptedException {
        if (stream != null) {
            if (stream.follows(s.ref().id(), s.startedAt())) {
                return; // already following this run
            }
            stream.awaitEnd(HANDOVER);
            closeStream();
        }
        openStream(s.ref(), s.startedAt(), s.outputSince());
    }

    private void openStream(ContainerRef ref, Instant startedAt, Instant outputSince) {
        Instant since;
        int gen;
        lock.lock();
        try {
            if (endingLocked()) {
                return;
            }
            since = lastAt == null || (outputSince != null && outputSince.isAfter(lastAt)) ? outputSince : lastAt;
            boundary = since;
            skip = since != null && since.equals(lastAt) ? sameAtCount : 0;
            gen = ++lastGen;
            activeGen = gen;
        } finally {
            lock.unlock();
        }
        RunStream<LogLine> st = new RunStream<>(gen, ref.id(), startedAt, line -> accept(gen, line),
                error -> post(new Command.Ended(gen, error)));
        LogRequest request = since != null ? LogRequest.followSince(since)
                : historyWasEmpty ? LogRequest.follow(-1) : LogRequest.followSince(pumpStartedAt);
        if (!st.open(sink -> runtime.logs(ref, request, sink), openStreams, "console")) {
            lock.lock();
            try {
                if (activeGen == gen) {
                    activeGen = 0;
                }
            } finally {
                lock.unlock();
            }
            log.warn("server={} could not open the console stream; retrying within {} s", serverId, settings.recheckEvery().toSeconds());
            return;
        }
        stream = st;
        log.debug("server={} console stream {} opened on {} since {}", serverId, gen, ref.id(), since);
    }

    private void closeStream() {
        RunStream<LogLine> st = stream;
        if (st == null) {
            return;
        }
        stream = null;
        lock.lock();
        try {
            if (activeGen == st.gen()) {
                activeGen = 0;
            }
        } finally {
            lock.unlock();
        }
        st.close(openStreams);
    }

    /** Reads the server's recent output from the engine into the empty log before any stream opens. */
    private void prime() {
        if (settings.historyLines() == 0) {
            return;
        }
        ContainerRef ref = runs.current(serverId).map(ServerRuns.Run::container).orElse(null);
        if (ref == null) {
            ref = findContainer(runtime, serverId, settings.engineTimeout()).orElse(null);
        }
        if (ref == null || ending()) {
            return;
        }
        History read = read(runtime, ref, settings.historyLines(), settings.engineTimeout(), openStreams);
        List<LogLine> earlier = read.lines();
        historyWasEmpty = read.complete() && earlier.isEmpty();
        lock.lock();
        try {
            if (!earlier.isEmpty() && lines.head() == 0 && lines.low() == 0) {
                lines.prime(earlier);
                for (LogLine l : earlier) {
                    remember(l.at());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The server's container by label, a running one first; empty when none exists or the engine does not answer. */
    static Optional<ContainerRef> findContainer(ContainerRuntime runtime, UUID serverId, Duration timeout) {
        try {
            return runtime.find(serverId, Deadline.in(timeout)).stream()
                    .sorted(Comparator.comparing(c -> !c.running()))
                    .map(ContainerInfo::ref)
                    .findFirst();
        } catch (EngineException e) {
            log.debug("server={} no container found for console history: {}", serverId, e.toString());
            return Optional.empty();
        }
    }

    /** The last {@code n} lines ({@code -1}: all) of a container's output, read from the engine within {@code timeout}. */
    static List<LogLine> readHistory(ContainerRuntime runtime, ContainerRef ref, int n, Duration timeout, AtomicInteger openStreams) {
        return read(runtime, ref, n, timeout, openStreams).lines();
    }

    /** Lines of a container's history, and whether they are all it asked for: the read ended, in time and without error. */
    record History(List<LogLine> lines, boolean complete) {
    }

    /** {@link #readHistory}, telling whether the read was complete. */
    static History read(ContainerRuntime runtime, ContainerRef ref, int n, Duration timeout, AtomicInteger openStreams) {
        Queue<LogLine> out = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean clean = new AtomicBoolean();
        StreamSink<LogLine> sink = new StreamSink<>() {
            @Override
            public void next(LogLine item) {
                out.add(item);
            }

            @Override
            public void end(Throwable error) {
                clean.set(error == null);
                done.countDown();
            }
        };
        Subscription s;
        try {
            s = runtime.logs(ref, LogRequest.history(n), sink);
        } catch (EngineException.NotFound e) {
            return new History(List.of(), true); // no such container: it has no output
        }
        openStreams.incrementAndGet();
        boolean ended = false;
        try {
            ended = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                log.warn("server={} log history not read within {} ms; using the {} lines read", ref.serverId(),
                        timeout.toMillis(), out.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            s.close();
            openStreams.decrementAndGet();
        }
        List<LogLine> read = List.copyOf(out);
        return new History(n < 0 || read.size() <= n ? read : read.subList(read.size() - n, read.size()), ended && clean.get());
    }
}
