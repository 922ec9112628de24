package dev.raptor.core.console;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.watch.WatchRegistry;

import java.util.List;
import java.util.UUID;
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
    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final ConsoleSettings settings;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final ConsoleCounts counts = new ConsoleCounts();
    private final WatchRegistry<ServerConsole, ConsoleSubscription> consoles;

    public ConsoleHub(ContainerRuntime runtime, ServerRuns runs, EventBus bus, ConsoleSettings settings) {
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.consoles = new WatchRegistry<>("console hub",
                id -> new ServerConsole(id, runtime, runs, settings, openStreams, counts.of(id)),
                bus, e -> e instanceof ServerEvent.ContainerStarted, counts::forget);
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
        return consoles.subscribe(serverId, console -> console.add(listener));
    }

    /**
     * The server's last {@code n} lines ({@code -1}: all): from the hub's buffer while the server is
     * watched and {@code n} fits in it, otherwise read from the engine (bounded by the engine timeout).
     *
     * @throws ServerNotFoundException when the server does not exist
     */
    public List<LogLine> tail(UUID serverId, int n) {
        ServerConsole console = consoles.watch(serverId);
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

    /** Lines received and lines dropped per server (for metrics). */
    public ConsoleCounts counts() {
        return counts;
    }

    /** Subscribers over all servers. */
    public int subscriberCount() {
        return consoles.subscriberCount();
    }

    public int subscriberCount(UUID serverId) {
        return consoles.subscriberCount(serverId);
    }

    /** The server's current subscriptions (for counters and tests). */
    public List<ConsoleSubscription> subscriptions(UUID serverId) {
        return consoles.subscriptions(serverId);
    }

    /** Servers with at least one subscriber. */
    public int watchedServers() {
        return consoles.watchedServers();
    }

    /** Engine log streams this hub holds open right now (follow streams and history reads). */
    public int openEngineStreams() {
        return openStreams.get();
    }

    /** Ends every subscriber and engine stream, waiting (bounded) for their threads. */
    @Override
    public void close() {
        consoles.close();
    }
}
