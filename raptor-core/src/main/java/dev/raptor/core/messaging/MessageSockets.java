package dev.raptor.core.messaging;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The message sockets of the servers with {@code messaging} ({@link MessageSocket}): opened for them at
 * start and when one is created or gains it, closed when it loses it, removed with the server. They
 * live in {@code <dataDir>/sockets} ({@link MessageSocketPaths}) and outlive restarts of the server
 * (the socket stays, the program reconnects) and of the daemon (bound anew; the program reconnects).
 */
public final class MessageSockets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageSockets.class);

    private final ServerFleet fleet;
    private final Path root;
    private final MessagingSettings settings;
    private final Map<UUID, MessageSocket> open = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock syncLock = new java.util.concurrent.locks.ReentrantLock();
    private EventBus.Listener<ServerEvent> events;
    private volatile boolean closed;

    public MessageSockets(ServerFleet fleet, MessagingSettings settings) {
        this.fleet = fleet;
        this.root = MessageSocketPaths.root(fleet.settings().volumesRoot());
        this.settings = settings;
    }

    /** Opens the sockets of the fleet's servers with messaging and follows the fleet's changes. */
    public MessageSockets start() {
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("message sockets: cannot prepare {}: {}", root, e.toString());
        }
        events = fleet.bus().subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated
                        || e instanceof ServerEvent.Deleted || e instanceof ServerEvent.StateChanged || e instanceof ServerEvent.ContainerStarted,
                EventBus.DEFAULT_CAPACITY, this::onEvent);
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            sync(s.id());
        }
        return this;
    }

    private void onEvent(ServerEvent e) {
        switch (e) {
            case ServerEvent.Created c -> sync(c.serverId());
            case ServerEvent.Updated u -> sync(u.serverId());
            case ServerEvent.Deleted d -> {
                MessageSocket s = open.remove(d.serverId());
                if (s != null) {
                    s.close(true);
                }
            }
            case ServerEvent.StateChanged s -> {
                MessageSocket m = open.get(s.serverId());
                if (m != null) {
                    m.serverUp(isUp(s.to()));
                }
            }
            case ServerEvent.ContainerStarted c -> {
                MessageSocket m = open.get(c.serverId());
                if (m != null) {
                    m.grantToServer(); // the volume exists (and has its owner) by now
                }
            }
            default -> {
            }
        }
    }

    /** Opens or closes the server's socket to match its spec. */
    private void sync(UUID id) {
        syncLock.lock(); // one opening or closing at a time; a bind is one bounded local call
        try {
            syncLocked(id);
        } finally {
            syncLock.unlock();
        }
    }

    private void syncLocked(UUID id) {
        if (closed) {
            return;
        }
        Optional<ServerFleet.ServerSnapshot> snapshot = fleet.find(id);
        boolean wanted = snapshot.map(s -> s.stored().spec().messaging()).orElse(false);
        MessageSocket current = open.get(id);
        if (wanted && current == null) {
            MessageSocket s = new MessageSocket(id, root.resolve(id.toString()), fleet.settings().volumesRoot().resolve(id.toString()),
                    isUp(snapshot.get().state()), settings, fleet.bus(), fleet.store());
            try {
                s.open();
                open.put(id, s);
                log.info("server={} message socket at {}", id, s.path());
            } catch (IOException | RuntimeException e) {
                log.error("server={} cannot open its message socket {}: {}", id, s.path(), e.toString());
                s.close(false);
            }
        } else if (!wanted && current != null) {
            open.remove(id);
            current.close(true);
        }
    }

    private static boolean isUp(ServerState state) {
        return state == ServerState.RUNNING || state == ServerState.STARTING;
    }

    /**
     * Queues a message for the server's program: one JSON value on one line of at most
     * {@link MessagingSettings#maxLineBytes()} bytes, which the program gets in its envelope ({@link MessageProtocol}).
     * The future completes when the program acknowledged it, or fails with a {@link MessagingException}; a message
     * the program has not acknowledged when its connection ends is written again on its next one.
     *
     * @throws ServerNotFoundException when there is no such server
     */
    public CompletableFuture<Delivery> send(UUID id, String line) {
        ServerSpec spec = fleet.find(id).orElseThrow(() -> new ServerNotFoundException(id)).stored().spec();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            return CompletableFuture.failedFuture(new MessagingException(id, MessagingException.Reason.INVALID, "a message is one line"));
        }
        if (line.getBytes(StandardCharsets.UTF_8).length > settings.maxLineBytes()) {
            return CompletableFuture.failedFuture(new MessagingException(id, MessagingException.Reason.INVALID,
                    "a message is at most " + settings.maxLineBytes() + " bytes"));
        }
        MessageSocket s = open.get(id);
        if (s == null) {
            return CompletableFuture.failedFuture(new MessagingException(id, MessagingException.Reason.NOT_ENABLED, spec.messaging()
                    ? "the server's message socket could not be opened (the daemon's log says why)"
                    : "the server has no message socket: set \"messaging\": true in its spec"));
        }
        return s.send(line);
    }

    /** The state of the server's socket; {@link MessageSocketState#NONE} without one. */
    public MessageSocketState state(UUID id) {
        MessageSocket s = open.get(id);
        return s == null ? MessageSocketState.NONE : s.state();
    }

    /** Where the server's program finds its socket ({@code RAPTOR_SOCKET}); empty without messaging. */
    public Optional<String> programPath(UUID id) {
        return fleet.find(id).filter(s -> s.stored().spec().messaging()).map(s -> fleet.runtime().isolatesFiles()
                ? MessageSocketPaths.CONTAINER_PATH
                : MessageSocketPaths.socket(root.resolve(id.toString())).toString());
    }

    /** The host path of the server's socket, for operators and tests; empty when it has none open. */
    public Optional<Path> hostPath(UUID id) {
        return Optional.ofNullable(open.get(id)).map(MessageSocket::path);
    }

    public MessagingSettings settings() {
        return settings;
    }

    /** Closes every socket (the files go, the directories stay for the next boot) and waits, bounded, for their threads. */
    @Override
    public void close() {
        syncLock.lock();
        try {
            closed = true;
        } finally {
            syncLock.unlock();
        }
        if (events != null) {
            events.close();
        }
        List<MessageSocket> all = List.copyOf(open.values());
        open.clear();
        for (MessageSocket s : all) {
            s.close(false);
        }
        try {
            for (MessageSocket s : all) {
                s.awaitTermination(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
