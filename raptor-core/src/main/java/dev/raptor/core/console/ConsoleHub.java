package dev.raptor.core.console;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live console output for everybody watching: one engine log stream per watched server, shared by
 * all of its subscribers, with a buffer of recent lines for history.
 *
 * <ul>
 *   <li>The stream opens when a server's first subscriber arrives and closes when its last one leaves
 *       (rule 7); server deletion and {@link #close()} end every stream and subscriber thread.</li>
 *   <li>When the controller reports a new run ({@link ServerEvent.ContainerStarted}) the stream reopens
 *       from that run's start, so subscribers stay attached across restarts and see every boot line.</li>
 *   <li>Each subscriber has a bounded queue drained by its own virtual thread, in batches and at a
 *       limited rate (see {@link ConsoleSubscription}). Nothing here ever stops or slows a server
 *       because it is chatty: the worst a flood does is cost a slow subscriber its oldest lines.</li>
 * </ul>
 */
public final class ConsoleHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleHub.class);

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final ConsoleSettings settings;
    private final Map<UUID, ServerConsole> consoles = new ConcurrentHashMap<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final EventBus.Listener<ServerEvent> events;
    private volatile boolean closed;

    public ConsoleHub(ContainerRuntime runtime, ServerRuns runs, EventBus bus, ConsoleSettings settings) {
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.events = bus.subscribe(ServerEvent.class,
                e -> e instanceof ServerEvent.ContainerStarted || e instanceof ServerEvent.Deleted,
                EventBus.DEFAULT_CAPACITY, this::onEvent);
    }

    public ConsoleSettings settings() {
        return settings;
    }

    /**
     * Starts delivering the server's output to {@code listener}, from the next line on. The server
     * need not run: output begins whenever it starts. Does not check that the server exists.
     *
     * @throws IllegalStateException when the hub is closed
     */
    public ConsoleSubscription subscribe(UUID serverId, ConsoleListener listener) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the console hub is closed");
            }
            ServerConsole[] created = new ServerConsole[1];
            ConsoleSubscription[] sub = new ConsoleSubscription[1];
            ServerConsole console = consoles.compute(serverId, (id, current) -> {
                ServerConsole c = current;
                if (c == null) {
                    c = new ServerConsole(id, runtime, runs, settings, openStreams);
                    created[0] = c;
                }
                sub[0] = c.add(this, listener);
                return c;
            });
            if (sub[0] == null) {
                continue; // raced with deletion: that console was ending
            }
            console.start();
            sub[0].start();
            if (closed) {
                sub[0].close();
                throw new IllegalStateException("the console hub is closed");
            }
            return sub[0];
        }
    }

    /** Called by a subscription's {@code close()}: the last subscriber of a server ends its console. */
    void unsubscribe(ConsoleSubscription sub) {
        ServerConsole console = sub.console();
        boolean[] last = {false};
        consoles.computeIfPresent(console.serverId(), (id, current) -> {
            if (current != console) {
                return current;
            }
            if (console.remove(sub)) {
                last[0] = true;
                return null;
            }
            return current;
        });
        if (last[0]) {
            console.end(null);
        } else {
            console.remove(sub); // a console already ended by deletion or shutdown
        }
    }

    /**
     * The server's last {@code n} lines ({@code -1}: all): from the hub's buffer while the server is
     * watched and {@code n} fits in it, otherwise read from the engine (bounded by the engine timeout).
     *
     * @throws ServerNotFoundException when the server does not exist
     */
    public List<LogLine> tail(UUID serverId, int n) {
        ServerConsole console = consoles.get(serverId);
        if (console != null && n >= 0 && n <= settings.historyLines()) {
            return console.tail(n);
        }
        ServerRuns.Run run = runs.current(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
        if (n == 0) {
            return List.of();
        }
        ContainerRef ref = run.container() != null ? run.container()
                : ServerConsole.findContainer(runtime, serverId, settings.engineTimeout()).orElse(null);
        if (ref == null) {
            return List.of();
        }
        return ServerConsole.readHistory(runtime, ref, n, settings.engineTimeout(), openStreams);
    }

    // ------------------------------------------------------------------ counters (tests prove nothing leaks)

    /** Subscribers over all servers. */
    public int subscriberCount() {
        int n = 0;
        for (ServerConsole c : consoles.values()) {
            n += c.subscriberCount();
        }
        return n;
    }

    public int subscriberCount(UUID serverId) {
        ServerConsole c = consoles.get(serverId);
        return c == null ? 0 : c.subscriberCount();
    }

    /** The server's current subscriptions (for counters and tests). */
    public List<ConsoleSubscription> subscriptions(UUID serverId) {
        ServerConsole c = consoles.get(serverId);
        return c == null ? List.of() : c.subscribers();
    }

    /** Servers with at least one subscriber. */
    public int watchedServers() {
        return consoles.size();
    }

    /** Engine log streams this hub holds open right now (follow streams and history reads). */
    public int openEngineStreams() {
        return openStreams.get();
    }

    // ------------------------------------------------------------------ events

    private void onEvent(ServerEvent event) {
        switch (event) {
            case ServerEvent.ContainerStarted s -> {
                ServerConsole c = consoles.get(s.serverId());
                if (c != null) {
                    c.containerStarted(new ContainerRef(s.containerId(), RuntimeLabels.containerName(s.serverId()), s.serverId()),
                            s.startedAt(), s.outputSince());
                }
            }
            case ServerEvent.Deleted ch -> {
                ServerConsole c = consoles.remove(ch.serverId());
                if (c != null) {
                    log.debug("server={} deleted; ending its console", ch.serverId());
                    c.end(ConsoleListener.EndReason.SERVER_DELETED);
                }
            }
            default -> {
            }
        }
    }

    /** Ends every subscriber and engine stream, waiting (bounded) for their threads. */
    @Override
    public void close() {
        closed = true;
        events.close();
        List<ServerConsole> ended = new ArrayList<>();
        List<ConsoleSubscription> subs = new ArrayList<>();
        for (UUID id : List.copyOf(consoles.keySet())) {
            ServerConsole c = consoles.remove(id);
            if (c != null) {
                subs.addAll(c.subscribers());
                c.end(ConsoleListener.EndReason.HUB_CLOSED);
                ended.add(c);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos(); // then a listener stuck in a write is interrupted
        try {
            for (ServerConsole c : ended) {
                c.awaitTermination(left(deadline));
            }
            for (ConsoleSubscription s : subs) {
                if (!s.awaitTermination(left(deadline))) {
                    s.interrupt(); // a listener blocked in a write that will never finish
                }
            }
            events.awaitTermination(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
