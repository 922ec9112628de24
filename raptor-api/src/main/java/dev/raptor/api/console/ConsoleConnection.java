package dev.raptor.api.console;

import dev.raptor.api.auth.Permission;
import dev.raptor.core.console.ConsoleCommand;
import dev.raptor.core.console.ConsoleListener;
import dev.raptor.core.console.ConsoleSubscription;
import dev.raptor.api.operations.OperationEvent;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.RaptorEvent;
import dev.raptor.core.stats.DiskOverQuota;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.mailbox.Mailbox;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.core.stats.StatsListener;
import dev.raptor.core.stats.StatsSubscription;
import dev.raptor.api.backups.BackupDocuments;
import dev.raptor.wire.backup.BackupEventDocument;
import dev.raptor.wire.console.SocketMessage;
import dev.raptor.wire.console.WingsStats;
import dev.raptor.wire.game.GameStatusDocument;
import dev.raptor.wire.json.WireJson;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One console WebSocket: its grant, the hub subscriptions it holds while it may read, and its control
 * thread, which takes the client's messages and its own timers (authentication timeout, token expiry,
 * pings) in order from one {@link Mailbox}. Jetty's threads only offer messages; a message the full
 * mailbox refuses is the overflow case, answered with one error once the control thread gets to it.
 *
 * <p>Output reaches the client from the hubs' subscriber threads, each waiting for its own message to
 * be written, at most {@link ConsoleSocketSettings#writeTimeout()}: a client that stops reading stops
 * those threads only (its console queue drops its oldest lines meanwhile), and one that stays stuck is
 * disconnected. Closing the socket, for whatever reason, closes every subscription and the mailbox,
 * which ends the control thread (rule 7).
 */
final class ConsoleConnection {
    private static final Logger log = LoggerFactory.getLogger(ConsoleConnection.class);
    private static final int INBOX = 64;

    static final int CLOSE_AUTH = 4001;
    static final int CLOSE_DELETED = 4004;

    /** What the control thread takes: the client's messages, and the timers it set itself. */
    private sealed interface Command permits Message, AuthTimeout, ExpiryWarning, Expired, Ping, Overflow {
    }

    /** A text message from the client. */
    private record Message(String text) implements Command {
    }

    /** The client did not authenticate in time (scheduled at connect, when the upgrade carried no credential). */
    private record AuthTimeout() implements Command {
    }

    /** {@code grant}'s token expires soon (ignored once a newer grant replaced it). */
    private record ExpiryWarning(SocketGrant grant) implements Command {
    }

    /** {@code grant}'s token has expired (ignored once a newer grant replaced it). */
    private record Expired(SocketGrant grant) implements Command {
    }

    private record Ping() implements Command {
    }

    /** Messages were refused because the mailbox was full. */
    private record Overflow() implements Command {
    }

    private final ConsoleSockets endpoint;
    private final String client;
    private final UUID serverId;
    private final Session session;
    private final ConsoleSocketSettings settings;
    private final Mailbox<Command> inbox = new Mailbox<>(INBOX);
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /** Guards the subscriptions and {@code closed}, which the hubs' threads and Jetty's see too; memory only. */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;
    private ConsoleSubscription console;
    private StatsSubscription stats;
    private EventBus.Listener<ServerEvent> states;
    private EventBus.Listener<RaptorEvent> notices;
    private EventBus.Listener<ServerEvent.BackupChanged> backups;
    private EventBus.Listener<ServerEvent.InstallOutput> installs;
    private EventBus.Listener<ServerEvent.MessageReceived> messages;

    /** The control thread's own: the grant and the timers of its token. */
    private volatile SocketGrant grant;
    private final List<Mailbox.Timer> expiryTimers = new ArrayList<>(2);
    private final Thread control;

    /**
     * @param client the client's address, against which refused {@code auth} messages count; null over the Unix socket
     */
    ConsoleConnection(ConsoleSockets endpoint, UUID serverId, Session session, ConsoleSocketSettings settings, SocketGrant initial,
                      String client) {
        this.endpoint = endpoint;
        this.client = client;
        this.serverId = serverId;
        this.session = session;
        this.settings = settings;
        this.control = Thread.ofVirtual().name("console-socket-" + serverId).unstarted(() -> run(initial));
    }

    UUID serverId() {
        return serverId;
    }

    void start() {
        control.start();
    }

    /** Whether the control thread has ended (after a close). */
    boolean terminated() {
        return !control.isAlive();
    }

    /** The console subscription while the socket may read (for counters and tests). */
    ConsoleSubscription consoleSubscription() {
        lock.lock();
        try {
            return console;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(java.time.Duration timeout) throws InterruptedException {
        return !control.isAlive() || control.join(timeout);
    }

    // ------------------------------------------------------------------ from Jetty

    /** A text message from the client; handled in order on the control thread. */
    void received(String text) {
        if (!inbox.offer(new Message(text)) && !inbox.isClosed() && overflowed.compareAndSet(false, true)) {
            inbox.schedule(new Overflow(), Duration.ZERO);
        }
    }

    // ------------------------------------------------------------------ the control thread

    private void run(SocketGrant initial) {
        try {
            if (initial != null) {
                authorize(initial);
            } else {
                inbox.schedule(new AuthTimeout(), settings.authTimeout());
            }
            inbox.schedule(new Ping(), settings.pingEvery());
            Command command;
            while ((command = inbox.take()) != null) {
                try {
                    if (!handle(command)) {
                        return;
                    }
                } finally {
                    inbox.done();
                }
            }
        } catch (InterruptedException e) {
            close(1001, "shutting down");
        } catch (ServerNotFoundException e) {
            send(SocketMessage.of(SocketMessage.DAEMON_MESSAGE, "the server was deleted"));
            close(CLOSE_DELETED, "server deleted");
        } catch (RuntimeException e) {
            log.warn("server={} console socket failed", serverId, e);
            close(1011, "internal error");
        }
    }

    /** Carries out one command; false when the socket is done with. */
    private boolean handle(Command command) {
        switch (command) {
            case Message m -> {
                try {
                    handle(m.text());
                } catch (ServerNotFoundException e) {
                    send(SocketMessage.of(SocketMessage.DAEMON_MESSAGE, "the server was deleted"));
                    close(CLOSE_DELETED, "server deleted");
                    return false;
                }
            }
            case AuthTimeout t -> {
                if (grant == null) {
                    send(SocketMessage.of(SocketMessage.JWT_ERROR, "no auth message within " + settings.authTimeout().toSeconds() + " s"));
                    close(CLOSE_AUTH, "authentication timeout");
                    return false;
                }
            }
            case ExpiryWarning w -> {
                if (w.grant() == grant) {
                    send(SocketMessage.of(SocketMessage.TOKEN_EXPIRING));
                }
            }
            case Expired e -> {
                if (e.grant() == grant) {
                    send(SocketMessage.of(SocketMessage.TOKEN_EXPIRED));
                    close(CLOSE_AUTH, "token expired");
                    return false;
                }
            }
            case Ping p -> {
                ping();
                inbox.schedule(p, settings.pingEvery());
            }
            case Overflow o -> {
                overflowed.set(false);
                error("too many messages at once; some were ignored");
            }
        }
        return true;
    }

    private void handle(String text) {
        SocketMessage m;
        try {
            m = SocketMessage.parse(text);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return;
        }
        switch (m.event()) {
            case SocketMessage.AUTH -> auth(m);
            case SocketMessage.SEND_LOGS -> {
                if (require(Permission.CONSOLE_READ, m)) {
                    sendLogs();
                }
            }
            case SocketMessage.SEND_STATS -> {
                if (require(Permission.CONSOLE_READ, m)) {
                    send(SocketMessage.of(SocketMessage.STATS, statsText(endpoint.stats().snapshot(serverId), endpoint.game(serverId))));
                }
            }
            case SocketMessage.SEND_COMMAND -> {
                if (require(Permission.CONSOLE_WRITE, m)) {
                    command(m);
                }
            }
            case SocketMessage.SET_STATE -> {
                if (require(Permission.POWER, m)) {
                    power(m);
                }
            }
            default -> error("unknown event '" + m.event() + "'");
        }
    }

    private void auth(SocketMessage m) {
        String credential = m.arg().orElse("");
        SocketGrant g;
        try {
            g = endpoint.grant(credential, serverId, client);
        } catch (ConsoleSockets.CredentialRejected e) {
            send(SocketMessage.of(SocketMessage.JWT_ERROR, e.getMessage()));
            return;
        }
        authorize(g);
    }

    /**
     * Takes a (new) grant: sets the timers of its token's expiry (those of an earlier grant are cancelled), answers
     * {@code auth success}, and starts or stops the output it allows. Output starts before the answer: a client that
     * acts the moment it is authenticated (a backup, a power action) hears of what it caused. What the streams deliver
     * waits until the answer and the status are sent, so that those two still come first; the status is read after
     * the streams opened, so no change of state falls between them.
     */
    private void authorize(SocketGrant g) {
        if (isClosed()) {
            return;
        }
        grant = g;
        expiryTimers.forEach(Mailbox.Timer::cancel);
        expiryTimers.clear();
        if (g.expiresAt() != null) {
            Instant now = Instant.now();
            expiryTimers.add(inbox.schedule(new ExpiryWarning(g), Duration.between(now, g.expiresAt().minus(settings.expiryWarning()))));
            expiryTimers.add(inbox.schedule(new Expired(g), Duration.between(now, g.expiresAt())));
        }
        boolean reading = consoleSubscription() != null;
        boolean open = g.allows(Permission.CONSOLE_READ) && !reading;
        CountDownLatch announced = new CountDownLatch(1);
        try {
            if (open) {
                openStreams(announced);
            }
            send(SocketMessage.of(SocketMessage.AUTH_SUCCESS));
            if (open) {
                send(SocketMessage.of(SocketMessage.STATUS, endpoint.fleet().controller(serverId).state().wireName()));
            } else if (!g.allows(Permission.CONSOLE_READ) && reading) {
                closeStreams();
            }
        } finally {
            announced.countDown();
        }
    }

    /**
     * Holds a stream's delivery (on its own thread) until {@code announced}: at most as long as the two messages before
     * it may take to write, after which the connection is closed anyway.
     */
    private void awaitAnnounced(CountDownLatch announced) {
        try {
            announced.await(2 * settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean require(Permission p, SocketMessage m) {
        SocketGrant g = grant;
        if (g == null) {
            error("authenticate first: {\"event\": \"auth\", \"args\": [\"<token>\"]}");
            return false;
        }
        if (g.expiresAt() != null && !Instant.now().isBefore(g.expiresAt())) {
            error("the token expired; authenticate again");
            return false;
        }
        if (!g.allows(p)) {
            error("'" + m.event() + "' needs the '" + p.wireName() + "' permission, which this connection's token lacks");
            return false;
        }
        return true;
    }

    private void sendLogs() {
        ConsoleSubscription c = consoleSubscription();
        List<LogLine> lines = c != null ? c.history(settings.historyLines()) : endpoint.consoles().tail(serverId, settings.historyLines());
        if (!lines.isEmpty()) {
            send(SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, join(lines)));
        }
    }

    private void command(SocketMessage m) {
        String command = m.arg().orElse("");
        if (!ConsoleCommand.isValid(command)) {
            error("a command is " + ConsoleCommand.RULE);
            return;
        }
        try {
            endpoint.fleet().sendCommand(serverId, command);
        } catch (ServerNotRunningException e) {
            error("the server is not running");
        } catch (dev.raptor.core.power.NodeUnavailableException e) {
            error("the server's node does not answer");
        } catch (ServerNotFoundException e) {
            error("the server no longer exists");
        } catch (EngineException e) {
            error("the command did not reach the server: " + e.getMessage());
        }
    }

    private void power(SocketMessage m) {
        PowerAction action;
        try {
            action = PowerAction.parse(m.arg().orElse(null));
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return;
        }
        try {
            endpoint.fleet().power(serverId, action).thenAccept(result -> {
                if (result instanceof PowerResult.Failed f) {
                    // completes on the controller's thread, which must never wait for this socket
                    Thread.ofVirtual().name("console-socket-reply").start(() -> error(action.wireName() + " failed: " + f.reason()));
                }
            });
        } catch (ServerNotFoundException e) {
            error("the server no longer exists");
        } catch (dev.raptor.core.power.NodeUnavailableException e) {
            error(e.getMessage());
        }
    }

    private void ping() {
        try {
            session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        } catch (RuntimeException e) {
            log.debug("server={} ping failed: {}", serverId, e.toString());
        }
    }

    /** An operation's progress or answer, or a quota crossing, as the socket says it. */
    private void notice(RaptorEvent e) {
        switch (e) {
            case OperationEvent op -> send(SocketMessage.of(op.finished() ? SocketMessage.OPERATION_FINISHED
                    : SocketMessage.OPERATION_PROGRESS, dev.raptor.wire.json.WireJson.write(op.operation())));
            case DiskOverQuota q -> send(SocketMessage.of(SocketMessage.DAEMON_MESSAGE, "the server's files use "
                    + (q.usedBytes() >> 20) + " MiB of its " + (q.limitBytes() >> 20) + " MiB disk quota"
                    + (q.stopping() ? "; it is being stopped" : "")));
            default -> {
            }
        }
    }

    /** Whether the connection's current grant holds {@code p} (read on the event listener's thread). */
    private boolean grantAllows(Permission p) {
        SocketGrant g = grant;
        return g != null && g.allows(p);
    }

    // ------------------------------------------------------------------ output

    private void openStreams(CountDownLatch announced) {
        ConsoleSubscription c = endpoint.consoles().subscribe(serverId, new Output(announced));
        StatsSubscription s = endpoint.stats().subscribe(serverId, new Readings(announced));
        // state changes, and a start's image pull (as Wings tells it: daemon messages around install output lines)
        EventBus.Listener<ServerEvent> st = endpoint.bus().subscribe(ServerEvent.class,
                e -> e.serverId().equals(serverId) && (e instanceof ServerEvent.StateChanged || e instanceof ServerEvent.ImagePull), 256,
                e -> {
                    awaitAnnounced(announced);
                    send(e instanceof ServerEvent.ImagePull pull ? ImagePullLines.message(pull)
                            : SocketMessage.of(SocketMessage.STATUS, ((ServerEvent.StateChanged) e).to().wireName()));
                });
        // Long file operations' progress and answers (for a connection that may read files), a quota crossing.
        EventBus.Listener<RaptorEvent> ops = endpoint.bus().subscribe(RaptorEvent.class,
                e -> serverId.equals(e.serverId()) && (e instanceof DiskOverQuota
                        || e instanceof OperationEvent && grantAllows(Permission.FILES_READ)), 256, e -> {
                    awaitAnnounced(announced);
                    notice(e);
                });
        EventBus.Listener<ServerEvent.BackupChanged> bk = endpoint.bus().subscribe(ServerEvent.BackupChanged.class,
                e -> e.serverId().equals(serverId), 256,
                e -> {
                    awaitAnnounced(announced);
                    send(SocketMessage.of("backup " + e.phase(), WireJson.write(new BackupEventDocument(e.operation(),
                            BackupDocuments.of(e.backup()), dev.raptor.api.operations.ProgressDocuments.of(e.progress()), e.reason()))));
                });
        // an install's lines, one a message as Wings sends them, to a grant that may read them (checked per line: a
        // fresh token may hold other permissions); a script's burst beyond the queue loses its oldest lines here only
        EventBus.Listener<ServerEvent.InstallOutput> in = endpoint.bus().subscribe(ServerEvent.InstallOutput.class,
                e -> e.serverId().equals(serverId), EventBus.DEFAULT_CAPACITY,
                e -> {
                    awaitAnnounced(announced);
                    SocketGrant g = grant;
                    if (g != null && g.allows(Permission.INSTALL_READ)) {
                        send(SocketMessage.of(SocketMessage.INSTALL_OUTPUT, e.line()));
                    }
                });
        // what the server's program writes to its message socket, one message each, as the Socket.IO gateway's
        // container_message; a burst beyond the queue loses its oldest messages here only
        EventBus.Listener<ServerEvent.MessageReceived> msg = endpoint.bus().subscribe(ServerEvent.MessageReceived.class,
                e -> e.serverId().equals(serverId), EventBus.DEFAULT_CAPACITY,
                e -> {
                    awaitAnnounced(announced);
                    send(SocketMessage.of(SocketMessage.CONTAINER_MESSAGE, e.line()));
                });
        boolean keep;
        lock.lock();
        try {
            keep = !closed && console == null;
            if (keep) {
                console = c;
                stats = s;
                states = st;
                notices = ops;
                backups = bk;
                installs = in;
                messages = msg;
            }
        } finally {
            lock.unlock();
        }
        if (!keep) {
            c.close();
            s.close();
            st.close();
            ops.close();
            bk.close();
            in.close();
            msg.close();
        }
    }

    private void closeStreams() {
        ConsoleSubscription c;
        StatsSubscription s;
        EventBus.Listener<ServerEvent> st;
        EventBus.Listener<RaptorEvent> ops;
        EventBus.Listener<ServerEvent.BackupChanged> bk;
        EventBus.Listener<ServerEvent.InstallOutput> in;
        EventBus.Listener<ServerEvent.MessageReceived> msg;
        lock.lock();
        try {
            c = console;
            s = stats;
            st = states;
            ops = notices;
            bk = backups;
            in = installs;
            msg = messages;
            console = null;
            stats = null;
            states = null;
            notices = null;
            backups = null;
            installs = null;
            messages = null;
        } finally {
            lock.unlock();
        }
        if (ops != null) {
            ops.close();
        }
        if (c != null) {
            c.close();
        }
        if (s != null) {
            s.close();
        }
        if (st != null) {
            st.close();
        }
        if (in != null) {
            in.close();
        }
        if (bk != null) {
            bk.close();
        }
        if (msg != null) {
            msg.close();
        }
    }

    /**
     * A batch of lines as its {@code console output} message, text ready to send. One constant, so that
     * the sockets of a server handed the same {@link ConsoleListener.Batch} share one encoding of it.
     */
    static final Function<List<LogLine>, String> CONSOLE_OUTPUT_TEXT =
            lines -> SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, join(lines)).toJson();

    /** Console output for this socket, on its console subscriber thread, once {@code announced}. */
    private final class Output implements ConsoleListener {
        private final CountDownLatch announced;

        Output(CountDownLatch announced) {
            this.announced = announced;
        }

        @Override
        public void lines(Batch batch) {
            awaitAnnounced(announced);
            // encoded once per batch for every socket of the server that gets the same lines
            sendText(batch.shared(CONSOLE_OUTPUT_TEXT));
        }

        @Override
        public void lines(List<LogLine> batch) {
            awaitAnnounced(announced);
            sendText(CONSOLE_OUTPUT_TEXT.apply(batch));
        }

        @Override
        public void dropped(long count) {
            awaitAnnounced(announced);
            send(SocketMessage.of(SocketMessage.DAEMON_MESSAGE,
                    count + " lines of console output were dropped because this connection could not keep up"));
        }

        @Override
        public void ended(EndReason reason) {
            awaitAnnounced(announced);
            if (reason == EndReason.SERVER_DELETED) {
                send(SocketMessage.of(SocketMessage.DAEMON_MESSAGE, "the server was deleted"));
                close(CLOSE_DELETED, "server deleted");
            } else {
                close(1001, "the daemon is shutting down");
            }
        }
    }

    /** Resource readings for this socket, on its stats subscriber thread, once {@code announced}. */
    private final class Readings implements StatsListener {
        private final CountDownLatch announced;

        Readings(CountDownLatch announced) {
            this.announced = announced;
        }

        @Override
        public void stats(ServerStats s) {
            awaitAnnounced(announced);
            send(SocketMessage.of(SocketMessage.STATS, statsText(s, endpoint.game(serverId))));
        }
    }

    /** A reading as the {@code stats} event's argument: a {@link WingsStats} document in a string. */
    static String statsText(ServerStats s, GameStatusDocument game) {
        return WireJson.write(new WingsStats(s.memoryBytes(), s.memoryLimitBytes(), Math.round(s.cpuAbsolute() * 1000.0) / 1000.0,
                new WingsStats.Network(s.rxBytes(), s.txBytes()), s.uptimeMillis(), s.state().wireName(), s.diskBytes(),
                s.disk().age(s.at()) == null ? null : s.disk().age(s.at()).toSeconds(), game));
    }

    /** Lines as one {@code console output} argument, separated by newlines. */
    static String join(List<LogLine> lines) {
        int size = 0;
        for (LogLine l : lines) {
            size += l.text().length() + 1;
        }
        StringBuilder b = new StringBuilder(size);
        for (LogLine l : lines) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(l.text());
        }
        return b.toString();
    }

    private void error(String text) {
        send(SocketMessage.of(SocketMessage.DAEMON_ERROR, text));
    }

    /**
     * Writes one message and waits until the client has taken it, at most the write timeout; a client
     * that takes nothing for that long is disconnected. Never called with {@link #lock} held.
     */
    private boolean send(SocketMessage m) {
        return sendText(m.toJson());
    }

    /** {@link #send(SocketMessage)} of a message already encoded (possibly shared with other sockets). */
    private boolean sendText(String message) {
        if (isClosed()) {
            return false;
        }
        Callback.Completable done = new Callback.Completable();
        try {
            session.sendText(message, done);
            done.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.info("server={} console socket took no message for {} s; disconnecting it", serverId, settings.writeTimeout().toSeconds());
            abort();
        } catch (ExecutionException e) {
            log.debug("server={} console socket write failed: {}", serverId, e.getCause() == null ? e.toString() : e.getCause().toString());
            abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("server={} console socket write failed: {}", serverId, e.toString());
            abort();
        }
        return false;
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ ending

    /** Ends everything this socket started and closes it with {@code code}. Idempotent. */
    void close(int code, String reason) {
        if (!markClosed()) {
            return;
        }
        closeStreams();
        try {
            if (session.isOpen()) {
                session.close(code, reason, Callback.NOOP);
            }
        } catch (RuntimeException e) {
            log.debug("server={} closing console socket: {}", serverId, e.toString());
        }
        endpoint.forget(this);
    }

    /** Drops a client that cannot be written to: no close handshake, the connection just ends. */
    private void abort() {
        if (!markClosed()) {
            return;
        }
        closeStreams();
        try {
            session.disconnect();
        } catch (RuntimeException e) {
            log.debug("server={} disconnecting console socket: {}", serverId, e.toString());
        }
        endpoint.forget(this);
    }

    /** Marks the socket closed, once; closing the mailbox drops what waits and ends the control thread. */
    private boolean markClosed() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        inbox.close();
        return true;
    }
}
