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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One server's message socket: the daemon listens on it, the server's program connects (one connection at
 * a time: a new one replaces the old), and newline-delimited messages go both ways.
 *
 * <p>To the program: a bounded queue, emptied in order by the writer thread while the program is
 * connected and the server is up (not while it stops, so nothing is written to a program that is being
 * asked to exit); a message still queued at its deadline fails with {@link MessagingException.Reason#TIMEOUT}
 * and is dropped. From the program: each line is published as {@link ServerEvent.MessageReceived} and noted
 * (by size, never by content) in the activity log. Threads: the acceptor, the writer, and a reader per
 * connection, all virtual; {@link #close()} ends them.
 */
final class MessageSocket {
    private static final Logger log = LoggerFactory.getLogger(MessageSocket.class);

    private record Pending(String line, CompletableFuture<Delivery> answer, long queuedAt, long deadline) {
    }

    private final UUID serverId;
    private final Path directory;
    private final Path volume;
    private final MessagingSettings settings;
    private final EventBus bus;
    private final ServerStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
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

    CompletableFuture<Delivery> send(String line) {
        CompletableFuture<Delivery> answer = new CompletableFuture<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            if (closed) {
                answer.completeExceptionally(new MessagingException(serverId, MessagingException.Reason.CLOSED,
                        "the server's message socket is closed"));
            } else if (queue.size() >= settings.queueLimit()) {
                answer.completeExceptionally(new MessagingException(serverId, MessagingException.Reason.QUEUE_FULL,
                        settings.queueLimit() + " messages already wait for the server's program"));
            } else {
                queue.addLast(new Pending(line, answer, now, now + settings.deliveryTimeout().toNanos()));
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return answer;
    }

    /** The server came up or began to stop: messages flow only while it is up. */
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
            return new MessageSocketState(connection != null, lastCommunication, queue.size());
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
                    while (true) {
                        if (closed) {
                            return;
                        }
                        long now = System.nanoTime();
                        expire(now);
                        if (connection != null && up && !queue.isEmpty()) {
                            next = queue.pollFirst();
                            to = connection;
                            break;
                        }
                        long wait = queue.isEmpty() ? Long.MAX_VALUE : queue.peekFirst().deadline() - now;
                        for (Pending p : queue) {
                            wait = Math.min(wait, p.deadline() - now);
                        }
                        if (wait == Long.MAX_VALUE) {
                            changed.await();
                        } else {
                            changed.awaitNanos(Math.max(1_000_000, wait));
                        }
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    ByteBuffer b = ByteBuffer.wrap((next.line() + "\n").getBytes(StandardCharsets.UTF_8));
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                    Instant at = Instant.now();
                    lastCommunication = at;
                    next.answer().complete(new Delivery(at, Duration.ofNanos(System.nanoTime() - next.queuedAt())));
                } catch (IOException e) {
                    // the program went away mid-write: the message waits for the next connection, first in line
                    lock.lock();
                    try {
                        queue.addFirst(next);
                        if (connection == to) {
                            connection = null;
                        }
                    } finally {
                        lock.unlock();
                    }
                    closeQuietly(to);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Fails the messages past their deadline (lock held). */
    private void expire(long now) {
        queue.removeIf(p -> {
            if (now - p.deadline() >= 0) {
                p.answer().completeExceptionally(new MessagingException(serverId, MessagingException.Reason.TIMEOUT,
                        "the server's program did not take the message within " + settings.deliveryTimeout().toSeconds()
                                + " s (it is " + (connection == null ? "not connected" : up ? "busy" : "not running") + ")"));
                return true;
            }
            return false;
        });
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
                            received(line.toString(StandardCharsets.UTF_8));
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
        boolean current;
        lock.lock();
        try {
            current = connection == c;
            if (current) {
                connection = null;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(c);
        if (current && !isClosed()) {
            activity("message.disconnected", "the program's message connection ended", Map.of());
            bus.publish(new ServerEvent.MessageSocketChanged(serverId, Instant.now(), false));
        }
    }

    private void received(String text) {
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
            for (Pending p : queue) {
                p.answer().completeExceptionally(new MessagingException(serverId, MessagingException.Reason.CLOSED,
                        removeDirectory ? "the server was deleted" : "the daemon is shutting down"));
            }
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
