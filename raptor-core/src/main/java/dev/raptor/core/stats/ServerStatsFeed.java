package dev.raptor.core.stats;

import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.watch.RunStream;
import dev.raptor.core.watch.ServerWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

/**
 * The resource readings of one watched server: its one engine stats stream, and a pump that every
 * {@link StatsSettings#publishEvery()} folds the latest sample, state, uptime and cached disk usage
 * into one {@link ServerStats} for the subscribers to pick up. Exists while the server has subscribers.
 * Only the pump calls the engine; the engine's reader thread only replaces {@link #sample}.
 */
final class ServerStatsFeed extends ServerWatch<StatsSubscription, ServerStatsFeed.Command> {
    private static final Logger log = LoggerFactory.getLogger(ServerStatsFeed.class);

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final DiskUsage disk;
    private final StatsSettings settings;
    private final AtomicInteger openStreams;

    /** Signalled when a new reading is published, and on end. */
    final Condition published = lock.newCondition();
    /** Signalled when the engine's stream brings a reading. */
    private final Condition arrived = lock.newCondition();
    private final LastSamples last;
    /** Guarded by {@link #lock}: readings the current stream brought. */
    private int readingsThisStream;
    /** The latest published reading and its version; guarded by {@link #lock}. */
    private ServerStats current;
    private long version;

    private volatile StatsSample sample;
    private volatile int activeGen;
    private int lastGen;
    private RunStream<StatsSample> stream;
    /** Pump-only: when a stream last ended (or could not be opened). */
    private long lastEnd;
    /** Pump-only: when the current stream was opened. */
    private long openedAt;

    /** What the pump is told: a run began, a stream ended, the state changed, or it is time to publish. */
    sealed interface Command {
        record Started(ContainerRef ref, Instant startedAt) implements Command {
        }

        record Ended(int gen, Throwable error) implements Command {
        }

        /** Publish now rather than at the next tick. */
        record Poke() implements Command {
        }

        /** Every {@link StatsSettings#publishEvery()}: fold the latest sample into a reading. */
        record Tick() implements Command {
        }
    }

    /** A published reading and its version (readers remember the last version they saw). */
    record Reading(ServerStats stats, long version) {
    }

    ServerStatsFeed(UUID serverId, ContainerRuntime runtime, ServerRuns runs, DiskUsage disk, StatsSettings settings,
                    AtomicInteger openStreams, LastSamples last) {
        super(serverId, "stats");
        this.last = last;
        this.runtime = runtime;
        this.runs = runs;
        this.disk = disk;
        this.settings = settings;
        this.openStreams = openStreams;
        this.lastEnd = System.nanoTime() - settings.recheckEvery().toNanos();
    }

    // ------------------------------------------------------------------ subscribers

    StatsSubscription add(StatsListener listener) {
        return add(() -> new StatsSubscription(this, listener));
    }

    /** Waits until a reading newer than version {@code seen} is published; null once {@code s} is closed. */
    Reading awaitNewer(StatsSubscription s, long seen) throws InterruptedException {
        lock.lock();
        try {
            while (s.isOpen() && version <= seen) {
                published.await();
            }
            return s.isOpen() ? new Reading(current, version) : null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void signalSubscribers() {
        published.signalAll();
    }

    // ------------------------------------------------------------------ events in

    /** A new run: read its stream. A state change: publish now rather than at the next tick. */
    @Override
    protected void onServerEvent(ServerEvent event) {
        switch (event) {
            case ServerEvent.ContainerStarted s -> post(new Command.Started(s.container(), s.startedAt()));
            case ServerEvent.StateChanged s -> post(new Command.Poke());
            default -> {
            }
        }
    }

    /**
     * Waits until the current stream has brought {@code readings} readings, at most {@code max}.
     *
     * @return whether it has
     */
    boolean awaitReadings(int readings, Duration max) throws InterruptedException {
        long left = max.toNanos();
        lock.lock();
        try {
            while (readingsThisStream < readings && left > 0) {
                left = arrived.awaitNanos(left);
            }
            return readingsThisStream >= readings;
        } finally {
            lock.unlock();
        }
    }

    /** A reading computed now from what is known, without waiting for anything. */
    ServerStats readNow() {
        Optional<ServerRuns.Run> run = runs.current(serverId);
        ServerState state = run.map(ServerRuns.Run::state).orElse(ServerState.OFFLINE);
        Instant startedAt = run.map(ServerRuns.Run::startedAt).orElse(null);
        return ServerStats.of(serverId, Instant.now(), state, startedAt, sample, disk.cached(serverId).orElse(0));
    }

    // ------------------------------------------------------------------ the pump

    @Override
    protected void pumpStarting() {
        schedule(new Command.Tick(), Duration.ZERO);
    }

    @Override
    protected void onCommand(Command command) {
        switch (command) {
            case Command.Started s -> {
                if (stream == null || !stream.follows(s.ref().id(), s.startedAt())) {
                    closeStream();
                    openStream(s.ref(), s.startedAt());
                }
                publish();
            }
            case Command.Ended e -> {
                if (stream != null && stream.gen() == e.gen()) {
                    closeStream();
                    lastEnd = System.nanoTime();
                    if (e.error() != null) {
                        log.debug("server={} stats stream failed: {}", serverId, e.error().toString());
                    }
                }
                publish();
            }
            case Command.Poke p -> publish();
            case Command.Tick t -> {
                schedule(new Command.Tick(), settings.publishEvery());
                if (stream == null && System.nanoTime() - lastEnd >= settings.recheckEvery().toNanos()) {
                    Optional<ServerRuns.Run> run = runs.current(serverId);
                    if (run.isPresent() && run.get().live()) {
                        openStream(run.get().container(), run.get().startedAt());
                    }
                    if (stream == null) {
                        lastEnd = System.nanoTime();
                    }
                }
                disk.refresh(serverId, settings.diskRefreshEvery());
                publish();
            }
        }
    }

    @Override
    protected void pumpEnded() {
        closeStream();
    }

    private void publish() {
        ServerStats now = readNow();
        if (current == null && !now.sampled() && now.state() != ServerState.OFFLINE && stream != null
                && System.nanoTime() - openedAt < settings.engineTimeout().toNanos()) {
            return; // the first reading is on its way: a placeholder of zeros would be shown as if it were one
        }
        lock.lock();
        try {
            if (!now.sameReadingAs(current)) {
                current = now;
                version++;
                published.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void openStream(ContainerRef ref, Instant startedAt) {
        int gen = ++lastGen;
        RunStream<StatsSample> st = new RunStream<>(gen, ref.id(), startedAt, item -> {
            if (activeGen == gen) {
                sample = item;
                last.remember(serverId, ref.id(), startedAt, item);
                if (counted() == 1) {
                    post(new Command.Poke()); // publish the first real reading now, not at the next tick
                }
            }
        }, error -> post(new Command.Ended(gen, error)));
        // this run's reading from an earlier watch or one-shot read, until the stream brings a new one
        sample = last.of(serverId, ref.id(), startedAt).orElse(null);
        activeGen = gen;
        openedAt = System.nanoTime();
        lock.lock();
        try {
            readingsThisStream = 0;
        } finally {
            lock.unlock();
        }
        if (!st.open(sink -> runtime.stats(ref, sink), openStreams, "stats")) {
            activeGen = 0;
            return;
        }
        stream = st;
    }

    /** Counts a reading of the current stream and wakes whoever waits for it; returns how many it brought. */
    private int counted() {
        lock.lock();
        try {
            readingsThisStream++;
            arrived.signalAll();
            return readingsThisStream;
        } finally {
            lock.unlock();
        }
    }

    private void closeStream() {
        RunStream<StatsSample> st = stream;
        if (st == null) {
            return;
        }
        stream = null;
        activeGen = 0;
        st.close(openStreams);
    }
}
