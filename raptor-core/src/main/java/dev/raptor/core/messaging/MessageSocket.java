package dev.raptor.core.messaging;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.server.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One server's message socket: the daemon listens on it, the server's program connects (one connection at
 * a time: a new one replaces the old), and newline-delimited JSON goes both ways ({@link MessageProtocol}).
 *
 * <p>To the program: a bounded queue, written in order by the writer thread while the program is connected and
 * the server is up (not while it stops, so nothing is written to a program that is being asked to exit), each
 * message in its envelope with its id. A written message waits, unacknowledged, for the program's
 * {@code {"ack": id}}; only that completes the sender's future. When the connection ends, the unacknowledged
 * messages go back to the head of the queue, in order, and are written again on the next connection
 * (at-least-once). A message not acknowledged by its deadline fails with
 * {@link MessagingException.Reason#TIMEOUT} and is dropped, wherever it waits. From the program: an
 * acknowledgement settles messages; any other line is published as {@link ServerEvent.MessageReceived} and noted
 * (by size, never by content) in the activity log. Threads: the acceptor, the writer, and a reader per
 * connection, all virtual, which {@link #close()} ends; and per message its deadline, a virtual thread the JDK's
 * delayed executor starts (a no-op once the message is settled).
 */
final class MessageSocket {
    private static final Logger log = LoggerFactory.getLogger(MessageSocket.class);

    private record Pending(long id, String json, CompletableFuture<Delivery> answer, long queuedAt) {
    }

    private final UUID serverId;
    private final Path directory;
    private final Path volume;
    private final MessagingSettings settings;
    private final EventBus bus;
    private final ServerStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Not yet written to the current connection, in id order (messages to write again come first). */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Written to the current connection and not yet acknowledged, in id order. */
    private final ArrayDeque<Pending> unacknowledged = new ArrayDeque<>();
    private long nextId = MessageProtocol.firstId(System.currentTimeMillis());
    private ServerSocketChannel listener;
    private SocketChannel connection;
    private boolean up;
    private boolean closed;
    private volatile Instant lastCommunication;
    private Thread acceptor;
    private Thread writer;

    MessageSocket(UUID serverId, Path directory, Path volume, boolean up, MessagingSettings settings, EventBus bus, ServerStore store) {
        this.serverId = serverId;
        this.directory = directory;
        this.volume = volume;
        this.up = up;
        this.settings = settings;
        this.bus = bus;
        this.store = store;
    }

    Path path() {
        return MessageSocketPaths.socket(directory);
    }

    /** Binds the socket (anew: a stale file from an earlier run is replaced) and starts its threads. */
    void open() throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        Path path = path();
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        lock.lock();
        try {
            listener = ch;
        } finally {
            lock.unlock();
        }
        grantToServer();
        acceptor = Thread.ofVirtual().name("message-socket-accept-" + serverId).start(this::accept);
        writer = Thread.ofVirtual().name("message-socket-write-" + serverId).start(this::write);
    }

    /**
     * Gives the directory and the socket to the owner of the server's volume (the server account on the process
     * runtime), so that the server's program and the daemon, and no one else, may connect.
     */
    void grantToServer() {
        try {
            if (!Files.isDirectory(volume)) {
                return;
            }
            UserPrincipal owner = Files.getOwner(volume, LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS))) {
                Files.setOwner(directory, owner);
                Files.setOwner(path(), owner);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            log.debug("server={} message socket keeps its owner: {}", serverId, e.toString());
        }
    }

    // ------------------------------------------------------------------ to the program

    /** Queues {@code json} (one JSON value on one line); the future completes when the program acknowledges it. */
    CompletableFuture<Delivery> send(String json) {
        CompletableFuture<Delivery> answer = new CompletableFuture<>();
        Pending p = null;
        lock.lock();
        try {
            if (closed) {
                answer.completeExceptionally(new MessagingException(serverId, MessagingException.Reason.CLOSED,
                        "the server's message socket is closed"));
            } else if (queue.size() + unacknowledged.size() >= settings.queueLimit()) {
                answer.completeExceptionally(new MessagingException(serverId, MessagingException.Reason.QUEUE_FULL,
                        settings.queueLimit() + " messages already wait for the server's program"));
            } else {
                p = new Pending(nextId++, json, answer, System.nanoTime());
                queue.addLast(p);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (p != null) {
            Pending pending = p;
            // on a virtual thread of its own: the sender's callbacks run where its future fails, never on the JDK's timer
            CompletableFuture.delayedExecutor(settings.deliveryTimeout().toNanos(), TimeUnit.NANOSECONDS,
                    r -> Thread.ofVirtual().name("message-deadline-" + serverId).start(r)).execute(() -> expire(pending));
        }
        return answer;
    }

    /** The server came up or began to stop: messages are written only while it is up. */
    void serverUp(boolean isUp) {
        lock.lock();
        try {
            up = isUp;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    MessageSocketState state() {
        lock.lock();
        try {
            return new MessageSocketState(connection != null, lastCommunication, queue.size() + unacknowledged.size());
        } finally {
            lock.unlock();
        }
    }

    private void write() {
        try {
            while (true) {
                Pending next;
                SocketChannel to;
                lock.lock();
                try {
                    while (closed || connection == null || !up || queue.isEmpty()) {
                        if (closed) {
                            return;
                        }
                        changed.await();
                    }
                    next = queue.pollFirst();
                    to = connection;
                    // before the write: an acknowledgement may come back before write() returns
                    unacknowledged.addLast(next);
                } finally {
                    lock.unlock();
                }
                try {
                    ByteBuffer b = ByteBuffer.wrap((MessageProtocol.envelope(next.id(), next.json()) + "\n").getBytes(StandardCharsets.UTF_8));
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                    lastCommunication = Instant.now();
                } catch (IOException e) {
                    // the program went away mid-write: what it did not acknowledge waits for its next connection
                    disconnected(to);
                    closeQuietly(to);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /**
     * {@code c} ended: if it is still the connection, there is none now, and its unacknowledged messages go back
     * to the head of the queue, in order. True when it was the connection.
     */
    private boolean disconnected(SocketChannel c) {
        lock.lock();
        try {
            if (connection != c) {
                return false;
            }
            connection = null;
            requeueUnacknowledged();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void requeueUnacknowledged() {
        while (!unacknowledged.isEmpty()) {
            queue.addFirst(unacknowledged.pollLast());
        }
        changed.signalAll();
    }

    /** The program acknowledged every message up to {@code id} on connection {@code c}. */
    private void acknowledged(SocketChannel c, long id) {
        java.util.List<Pending> settled = new java.util.ArrayList<>();
        lock.lock();
        try {
            if (connection != c) {
                return; // an acknowledgement from a replaced connection: its messages are written again anyway
            }
            while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().id() <= id) {
                settled.add(unacknowledged.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        if (settled.isEmpty()) {
            log.debug("server={} program acknowledged {}, which waits for no acknowledgement", serverId, id);
            return;
        }
        long now = System.nanoTime();
        Instant at = Instant.now();
        lastCommunication = at;
        for (Pending p : settled) {
            p.answer().complete(new Delivery(p.id(), at, Duration.ofNanos(now - p.queuedAt())));
        }
    }

    /** {@code p}'s deadline: if the program has not acknowledged it yet, it fails and is dropped. */
    private void expire(Pending p) {
        String why;
        lock.lock();
        try {
            if (p.answer().isDone()) {
                return;
            }
            if (unacknowledged.remove(p)) {
                why = "the server's program did not acknowledge the message within " + settings.deliveryTimeout().toSeconds()
                        + " s (it was written to the program, which may or may not have taken it)";
            } else {
                queue.remove(p);
                why = "the server's program did not take the message within " + settings.deliveryTimeout().toSeconds()
                        + " s (it is " + (connection == null ? "not connected" : up ? "busy" : "not running") + ")";
            }
        } finally {
            lock.unlock();
        }
        p.answer().completeExceptionally(new MessagingException(serverId, MessagingException.Reason.TIMEOUT, why));
    }

    // ------------------------------------------------------------------ from the program

    private void accept() {
        while (true) {
            SocketChannel c;
            try {
                ServerSocketChannel l;
                lock.lock();
                try {
                    l = listener;
                } finally {
                    lock.unlock();
                }
                c = l.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (isClosed()) {
                    return;
                }
                log.warn("server={} message socket accept failed: {}", serverId, e.toString());
                continue;
            }
            SocketChannel before;
            lock.lock();
            try {
                if (closed) {
                    closeQuietly(c);
                    return;
                }
                before = connection;
                connection = c;
                requeueUnacknowledged(); // what the replaced connection did not acknowledge goes to this one
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (before != null) {
                closeQuietly(before); // the program reconnected: the newest connection wins
            }
            activity("message.connected", "the program connected to its message socket", Map.of());
            bus.publish(new ServerEvent.MessageSocketChanged(serverId, Instant.now(), true));
            Thread.ofVirtual().name("message-socket-read-" + serverId).start(() -> read(c));
        }
    }

    private void read(SocketChannel c) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        try {
            while (true) {
                buffer.clear();
                int n = c.read(buffer);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        if (tooLong) {
                            log.info("server={} dropped a message over {} bytes from its program", serverId, settings.maxLineBytes());
                            activity("message.dropped", "a message from the program was over " + settings.maxLineBytes()
                                    + " bytes and was dropped", Map.of());
                        } else if (line.size() > 0) {
                            received(c, line.toString(StandardCharsets.UTF_8));
                        }
                        line.reset();
                        tooLong = false;
                    } else if (!tooLong) {
                        if (line.size() >= settings.maxLineBytes()) {
                            tooLong = true;
                            line.reset();
                        } else {
                            line.write(b);
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.debug("server={} message connection ended: {}", serverId, e.toString());
        }
        boolean current = disconnected(c);
        closeQuietly(c);
        if (current && !isClosed()) {
            activity("message.disconnected", "the program's message connection ended", Map.of());
            bus.publish(new ServerEvent.MessageSocketChanged(serverId, Instant.now(), false));
        }
    }

    private void received(SocketChannel c, String text) {
        OptionalLong ack = MessageProtocol.ack(text);
        if (ack.isPresent()) {
            acknowledged(c, ack.getAsLong());
            return;
        }
        Instant at = Instant.now();
        lastCommunication = at;
        bus.publish(new ServerEvent.MessageReceived(serverId, at, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
        activity("message.received", "the program sent a message (" + text.length() + " characters)", Map.of());
    }

    private void activity(String type, String message, Map<String, String> details) {
        try {
            store.appendActivity(serverId, type, message, details);
        } catch (RuntimeException e) {
            log.warn("server={} could not record {}: {}", serverId, type, e.toString());
        }
    }

    // ------------------------------------------------------------------ ending

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening, ends the connection, fails what waits; removes the socket file (and the directory when {@code removeDirectory}). */
    void close(boolean removeDirectory) {
        ServerSocketChannel l;
        SocketChannel c;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
            c = connection;
            connection = null;
            for (Pending p : unacknowledged) {
                p.answer().completeExceptionally(new MessagingException(serverId, MessagingException.Reason.CLOSED,
                        removeDirectory ? "the server was deleted" : "the daemon is shutting down"));
            }
            for (Pending p : queue) {
                p.answer().completeExceptionally(new MessagingException(serverId, MessagingException.Reason.CLOSED,
                        removeDirectory ? "the server was deleted" : "the daemon is shutting down"));
            }
            unacknowledged.clear();
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (l != null) {
            closeQuietly(l);
        }
        if (c != null) {
            closeQuietly(c);
        }
        if (writer != null) {
            writer.interrupt();
        }
        try {
            Files.deleteIfExists(path());
            if (removeDirectory) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            log.warn("server={} could not remove its message socket: {}", serverId, e.toString());
        }
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return (acceptor == null || acceptor.join(timeout)) && (writer == null || writer.join(timeout));
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
