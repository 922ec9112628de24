package dev.raptor.docker;

import com.github.dockerjava.api.model.Event;
import dev.raptor.core.runtime.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * between comes anyway, and at worst forgets what would still have been true). Reconnects as the container events do
 * ({@link Reconnecting}). Opened and closed with the runtime's {@code events} subscription.
 */
final class ImageWatch extends Reconnecting {
    private static final Logger log = LoggerFactory.getLogger(ImageWatch.class);
    /** Events of images whose name or content they do not change. */
    private static final Set<String> READ_ONLY = Set.of("push", "save");
    /** How far before a connection its stream begins. */
    private static final Duration REPLAY = Duration.ofSeconds(2);

    private final EngineConnection connection;
    private final ScheduledExecutorService timer;
    private final Duration openTimeout;
    private final KnownImages images;
    private final OpenStreams connections = new OpenStreams();

    ImageWatch(EngineConnection connection, ScheduledExecutorService timer, Duration openTimeout, OpenStreams registry,
               KnownImages images) {
        super(registry, "raptor-docker-image-events");
        this.connection = connection;
        this.timer = timer;
        this.openTimeout = openTimeout;
        this.images = images;
    }

    ImageWatch start() {
        startSupervisor();
        return this;
    }

    @Override
    EngineStream<?> open(CompletableFuture<EngineException> ended) {
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
        Instant since = connection.clock().now().minus(REPLAY);
        // this machine's instant in the engine's time (another host's clock may be minutes off)
        return stream.open(connection, timer, openTimeout, clients -> clients.streams().eventsCmd()
                .withEventTypeFilter("image")
                .withSince(EngineLogStream.engineSeconds(clients.clock().toEngine(since)))
                .exec(stream));
    }

    @Override
    void broke(String cause, Duration backoff) {
        log.debug("docker image events stream broke; reconnecting backoffMs={} cause={}", backoff.toMillis(), cause);
    }
}
