package dev.raptor.docker;

import com.github.dockerjava.api.model.Event;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.StreamSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's container events for everything Raptor owns, as one subscription that outlives broken
 * connections.
 *
 * <p>A supervisor (virtual thread) keeps one events stream open. Every connection asks the engine for the
 * events {@code since} a little before the last one delivered (at first: since the moment of subscribing, so events
 * between {@code events()} returning and the engine answering are not lost either); events already delivered are
 * skipped, and events that arrive out of stamp order are not ({@link EventReplays}). When the stream breaks (engine
 * restart, socket error, no answer), the supervisor reconnects after a backoff of 100 ms doubling to 5 s
 * ({@link Reconnecting}). The sink's {@code end} comes only from {@link #close()}.
 *
 * <p>The engine going away is news too ({@link RuntimeEvent.EngineInterrupted}), and so is its coming back
 * ({@link RuntimeEvent.EngineResumed}, when a connection after a break is answered). A stopping Docker
 * Engine closes its listening socket, then stops every container (they die while the events stream still
 * flows), then ends the stream: so when a container dies, the runtime checks that the engine still takes new
 * connections, and if it does not, says the engine is going away before it tells of the exit. Exits from
 * then on were the engine's doing, not the operator's. (Should the engine take connections again without
 * the stream ever breaking, it was a false alarm, found by checking again every {@link #RECHECK}.)
 *
 * <p>The first window begins at this machine's instant of subscribing, sent in the engine's time
 * ({@link EngineClock}, widened by the offset's uncertainty): an engine on another host whose clock is minutes
 * behind would otherwise replay minutes of old events as new, and one ahead would miss the events of the
 * first moments. Later windows begin from the engine's own stamp of the last event, which needs no translation.
 * Each reconnection measures the engine's clock again; the events' instants are told in this machine's time.
 */
final class EventsSubscription extends Reconnecting {
    private static final Logger log = LoggerFactory.getLogger(EventsSubscription.class);
    /** How often an engine that refused a new connection while its stream went on is looked at again. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    private final EngineConnection connection;
    private final ScheduledExecutorService timer;
    private final Duration openTimeout;
    private final List<String> labelFilter;
    private final StreamSink<RuntimeEvent> sink;
    private final EngineEventTranslator translator;
    private final OpenStreams connections = new OpenStreams();
    /** This machine's time of subscribing: the first window's start, sent in the engine's time. */
    private final Instant subscribedAt;
    /** Serialises the sink: the reader threads, the supervisor and the re-check all tell it things. */
    private final ReentrantLock telling = new ReentrantLock();
    /** Since when the engine is away (null: it is not); guarded by {@link #telling}. */
    private Instant interruptedAt;
    /** Counts connections, so the re-check can tell whether the stream broke since the engine went away. */
    private final AtomicLong connectionsMade = new AtomicLong();

    /** Replay bookkeeping; touched by one reader thread at a time (connections never overlap). */
    private final EventReplays replays = new EventReplays();

    EventsSubscription(EngineConnection connection, ScheduledExecutorService timer, Duration openTimeout,
                       OpenStreams registry, List<String> labelFilter, StreamSink<RuntimeEvent> sink) {
        super(registry, "raptor-docker-events");
        this.connection = connection;
        this.timer = timer;
        this.openTimeout = openTimeout;
        this.labelFilter = List.copyOf(labelFilter);
        this.sink = sink;
        this.translator = new EngineEventTranslator(connection.clock());
        this.subscribedAt = connection.clock().now();
    }

    EventsSubscription start() {
        startSupervisor();
        return this;
    }

    /** Connections opened so far that have not ended (0 or 1). */
    int openConnections() {
        return connections.count();
    }

    @Override
    EngineStream<?> open(CompletableFuture<EngineException> ended) {
        boolean reconnect = connectionsMade.getAndIncrement() > 0;
        EngineStream<Event> stream = new EngineStream<>(null, "events", connections, new EngineStream.Handler<>() {
            @Override
            public void opened() {
                resumed();
            }

            @Override
            public void item(Event event) {
                deliver(event);
            }

            @Override
            public void end(EngineException error, boolean byClose) {
                ended.complete(error);
            }
        });
        return stream.open(connection, timer, openTimeout, clients -> {
            if (reconnect) {
                // the engine may have restarted, or this is another host's clock after a network break
                clients.clock().measure(clients.calls());
            }
            clients.streams().eventsCmd()
                    .withEventTypeFilter("container")
                    .withEventFilter(EngineEventTranslator.ACTIONS)
                    .withLabelFilter(labelFilter.toArray(String[]::new))
                    .withSince(since(replays, clients.clock()))
                    .exec(stream);
        });
    }

    @Override
    void broke(String cause, Duration backoff) {
        log.warn("docker events stream broke; reconnecting backoffMs={} cause={}", backoff.toMillis(), cause);
        interrupted("the engine's event stream broke (" + cause + ")");
    }

    @Override
    void ended() {
        telling.lock();
        try {
            sink.end(null);
        } catch (RuntimeException e) {
            log.warn("events sink failed at end", e);
        } finally {
            telling.unlock();
        }
    }

    private void deliver(Event event) {
        long nanos = nanosOf(event);
        String key = event.getAction() + "/" + (event.getActor() == null ? event.getId() : event.getActor().getId());
        if (!replays.isNew(nanos, key)) {
            return; // replayed after a reconnect: already delivered
        }
        translator.translate(event).ifPresent(e -> {
            if (e instanceof RuntimeEvent.Exited && !connection.acceptsConnections()) {
                interrupted("the engine refuses new connections as a container dies: it is stopping");
                watchForFalseAlarm(connectionsMade.get());
            }
            tell(e);
        });
    }

    /** Tells the sink the engine went away, once per outage. */
    private void interrupted(String why) {
        telling.lock();
        try {
            if (interruptedAt == null && isOpen()) {
                interruptedAt = connection.clock().now();
                log.warn("docker engine interrupted: {}", why);
                tell(new RuntimeEvent.EngineInterrupted(interruptedAt, why));
            }
        } finally {
            telling.unlock();
        }
    }

    /** A connection was answered: if the engine had been away, it is back. */
    private void resumed() {
        telling.lock();
        try {
            if (interruptedAt != null && isOpen()) {
                Instant since = interruptedAt;
                interruptedAt = null;
                log.info("docker engine answers again after an interruption since {}", since);
                tell(new RuntimeEvent.EngineResumed(connection.clock().now(), since));
            }
        } finally {
            telling.unlock();
        }
    }

    /** While the stream the engine was found stopping on goes on, checks whether it takes connections again after all. */
    private void watchForFalseAlarm(long made) {
        try {
            timer.schedule(() -> {
                if (!isOpen() || connectionsMade.get() != made) {
                    return; // the stream broke: its reconnection says when the engine is back
                }
                if (connection.acceptsConnections()) {
                    resumed();
                } else {
                    watchForFalseAlarm(made);
                }
            }, RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException runtimeClosed) {
            // nothing left to tell
        }
    }

    private void tell(RuntimeEvent e) {
        telling.lock();
        try {
            sink.next(e);
        } catch (RuntimeException ex) {
            log.warn("events sink failed; event dropped event={}", e, ex);
        } finally {
            telling.unlock();
        }
    }

    /**
     * The engine's {@code since} parameter: a little before the last delivered event (the engine's own stamp), never
     * before the subscription's start in the engine's time, widened by the clock offset's uncertainty.
     */
    private String since(EventReplays delivered, EngineClock clock) {
        Instant start = clock.toEngine(subscribedAt);
        long nanos = delivered.sinceNanos(start.getEpochSecond() * 1_000_000_000L + start.getNano());
        return (nanos / 1_000_000_000L) + "." + String.format("%09d", nanos % 1_000_000_000L);
    }

    private long nanosOf(Event event) {
        Instant at = translator.timeOf(event);
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
