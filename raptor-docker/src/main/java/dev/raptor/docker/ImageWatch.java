package dev.raptor.docker;

import com.github.dockerjava.api.model.Event;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows the engine's image events for {@link KnownImages}: while its stream is answered, what this runtime's inspects
 * said of an image reference is trusted until an image event comes. It needs a stream of its own: the container events
 * ({@link EventsSubscription}) are asked for by Raptor's label, which images do not carry, and the engine applies a label
 * filter to every kind of event.
 *
 * <p>Nothing is replayed after a break: a break forgets everything remembered, and every connection asks for the events
 * of the two seconds before it (the engine answers its headers before it subscribes the stream; an image event in
 * between comes anyway, and at worst forgets what would still have been true). Reconnects after 100 ms doubling to 5 s,
 * like the container events. Opened and closed with the runtime's {@code events} subscription.
 */
final class ImageWatch implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(ImageWatch.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Events of images whose name or content they do not change. */
    private static final Set<String> READ_ONLY = Set.of("push", "save");
    /** How far before a connection its stream begins. */
    private static final Duration REPLAY = Duration.ofSeconds(2);

    private final EngineConnection connection;
    private final ScheduledExecutorService timer;
    private final Duration openTimeout;
    private final OpenStreams registry;
    private final KnownImages images;
    private final OpenStreams connections = new OpenStreams();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EngineStream<Event> current;
    private volatile Thread supervisor;

    ImageWatch(EngineConnection connection, ScheduledExecutorService timer, Duration openTimeout, OpenStreams registry,
               KnownImages images) {
        this.connection = connection;
        this.timer = timer;
        this.openTimeout = openTimeout;
        this.registry = registry;
        this.images = images;
    }

    ImageWatch start() {
        registry.opened(this);
        supervisor = Thread.ofVirtual().name("raptor-docker-image-events").start(this::supervise);
        return this;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EngineStream<Event> s = current;
            if (s != null) {
                s.close();
            }
            Thread t = supervisor;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    private void supervise() {
        Duration backoff = MIN_BACKOFF;
        try {
            while (!closed.get()) {
                long connectedAt = System.nanoTime();
                CompletableFuture<EngineException> ended = new CompletableFuture<>();
                AtomicBoolean answered = new AtomicBoolean();
                EngineStream<Event> stream = new EngineStream<>(null, "imageEvents", connections, new EngineStream.Handler<>() {
                    @Override
                    public void opened() {
                        answered.set(true);
                        images.watchOpened();
                    }

                    @Override
                    public void item(Event event) {
                        if (event.getAction() == null || !READ_ONLY.contains(event.getAction())) {
                            images.changed();
                        }
                    }

                    @Override
                    public void end(EngineException error, boolean byClose) {
                        if (answered.get()) {
                            images.watchEnded();
                        }
                        ended.complete(error);
                    }
                });
                current = stream;
                Instant since = Instant.now().minus(REPLAY);
                stream.open(connection, timer, openTimeout, clients -> clients.streams().eventsCmd()
                        .withEventTypeFilter("image")
                        .withSince(since.getEpochSecond() + "." + String.format("%09d", since.getNano()))
                        .exec(stream));
                if (closed.get()) {
                    stream.close();
                }
                EngineException error;
                try {
                    error = ended.get();
                } catch (InterruptedException e) {
                    stream.close();
                    awaitQuietly(ended);
                    break;
                } catch (ExecutionException e) {
                    error = null; // never completed exceptionally
                }
                if (closed.get()) {
                    break;
                }
                if (Duration.ofNanos(System.nanoTime() - connectedAt).compareTo(Duration.ofSeconds(10)) >= 0) {
                    backoff = MIN_BACKOFF;
                }
                log.debug("docker image events stream broke; reconnecting backoffMs={} cause={}", backoff.toMillis(),
                        error == null ? "engine closed the stream" : error.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } finally {
            registry.ended(this);
        }
    }

    private static void awaitQuietly(CompletableFuture<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // ended either way
        }
    }
}
