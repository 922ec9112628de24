package dev.raptor.api.socketio;

import dev.raptor.api.http.Transport;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Engine.IO session: the packets waiting for the client (its outbox), the messages waiting for the
 * Socket.IO layer (its inbox), the transport it is on (long-polling, or a WebSocket after a direct
 * connection or an upgrade) and the heartbeat.
 *
 * <p>Two virtual threads per session: the control thread hands the client's messages to the
 * {@link Listener} in order and keeps the heartbeat (a ping every {@code pingInterval}, the session
 * ends when no pong follows within {@code pingTimeout}); the writer empties the outbox onto the
 * WebSocket, each write bounded by the write timeout. On long-polling the waiting {@code GET} empties
 * it. The outbox is bounded: a sender waits for room at most the write timeout, then the session ends
 * as dead, so a client that stops reading slows only the threads that write to it (rule 7).
 */
final class EngineSession {
    private static final Logger log = LoggerFactory.getLogger(EngineSession.class);
    private static final int INBOX = 1024;

    /** The Socket.IO layer above a session. */
    interface Listener {
        /** A message from the client, on the session's control thread, in order. */
        void message(String data);

        /** The session ended; called once, on the control thread. */
        void closed(String reason);
    }

    enum Mode { POLLING, WEBSOCKET }

    private final String sid;
    private final Transport origin;
    private final String client;
    private final EngineSettings settings;
    private final EngineServer server;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private final ArrayDeque<String> inbox = new ArrayDeque<>();
    private Listener listener;
    private Mode mode;
    private Session ws;
    private Session probe;
    private boolean pollPending;
    private boolean noopDue;
    private boolean closing;
    private long closingDeadline;
    private boolean closed;
    private String closeReason;
    private long pongDeadline; // 0: no ping outstanding
    private long nextPing;
    private final Thread control;
    private final Thread writer;

    EngineSession(String sid, Transport origin, String client, Mode mode, Session ws, EngineSettings settings, EngineServer server) {
        this.sid = sid;
        this.origin = origin;
        this.client = client;
        this.mode = mode;
        this.ws = ws;
        this.settings = settings;
        this.server = server;
        this.nextPing = System.nanoTime() + settings.pingInterval().toNanos();
        this.control = Thread.ofVirtual().name("socketio-session-" + sid).unstarted(this::control);
        this.writer = Thread.ofVirtual().name("socketio-writer-" + sid).unstarted(this::writer);
    }

    String sid() {
        return sid;
    }

    /** Whether the session's first request came over TCP or the Unix socket (trusted like root). */
    Transport origin() {
        return origin;
    }

    /** The address the session's first request came from (null over the Unix socket). */
    String client() {
        return client;
    }

    void start(Listener l) {
        lock.lock();
        try {
            listener = l;
        } finally {
            lock.unlock();
        }
        control.start();
        writer.start();
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return control.join(timeout) && writer.join(timeout);
    }

    // ------------------------------------------------------------------ to the client

    /**
     * Queues a packet for the client; waits for room at most the write timeout, after which the
     * session ends as dead. Returns whether it was queued.
     */
    boolean send(EnginePacket packet) {
        String text = packet.encode();
        lock.lock();
        try {
            long deadline = System.nanoTime() + settings.writeTimeout().toNanos();
            while (!closed && !closing && outbox.size() >= settings.outboxPackets()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.info("socketio session={} took no packet for {} s; ending it", sid, settings.writeTimeout().toSeconds());
                    markClosed("client too slow");
                    return false;
                }
                changed.awaitNanos(left);
            }
            if (closed || closing) {
                return false;
            }
            outbox.addLast(text);
            changed.signalAll();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the session after what is queued (the close packet last) has reached the client, or after the write timeout. */
    void closeGracefully() {
        lock.lock();
        try {
            if (closed || closing) {
                return;
            }
            outbox.addLast(EnginePacket.CLOSE.encode());
            closing = true;
            closingDeadline = System.nanoTime() + settings.writeTimeout().toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A long-polling {@code GET}: the queued packets, once there are some (a noop after {@code maxWait}). */
    String poll(Duration maxWait) {
        List<String> taken = new ArrayList<>();
        boolean closeAfter = false;
        lock.lock();
        try {
            if (mode != Mode.POLLING) {
                throw EngineRefusal.badRequest("the session is on a WebSocket");
            }
            if (pollPending) {
                markClosed("overlapping polls");
                throw EngineRefusal.badRequest("a poll is already waiting");
            }
            pollPending = true;
            try {
                long deadline = System.nanoTime() + maxWait.toNanos();
                while (!closed && outbox.isEmpty() && !noopDue) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    changed.awaitNanos(left);
                }
                if (closed) {
                    return EnginePacket.CLOSE.encode();
                }
                long bytes = 0;
                while (!outbox.isEmpty() && (taken.isEmpty() || bytes + outbox.peekFirst().length() < settings.maxPayload())) {
                    String p = outbox.pollFirst();
                    bytes += p.length() + 1;
                    taken.add(p);
                    if (closing && outbox.isEmpty()) {
                        closeAfter = true;
                    }
                }
                if (taken.isEmpty()) {
                    noopDue = false;
                    taken.add(EnginePacket.NOOP.encode());
                }
                changed.signalAll();
            } finally {
                pollPending = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EnginePacket.NOOP.encode();
        } finally {
            lock.unlock();
        }
        if (closeAfter) {
            close("server close");
        }
        return EnginePacket.encodePayload(taken);
    }

    // ------------------------------------------------------------------ from the client

    /** Packets of a long-polling {@code POST}. */
    void posted(List<EnginePacket> packets) {
        lock.lock();
        try {
            if (mode != Mode.POLLING && probe == null) {
                throw EngineRefusal.badRequest("the session is on a WebSocket");
            }
        } finally {
            lock.unlock();
        }
        for (EnginePacket p : packets) {
            received(p);
        }
    }

    /** A text frame on one of this session's WebSockets (its transport, or one probing an upgrade). */
    void wsText(Session from, String text) {
        EnginePacket p;
        try {
            p = EnginePacket.decode(text);
        } catch (IllegalArgumentException e) {
            log.debug("socketio session={} bad packet: {}", sid, e.getMessage());
            close("parse error");
            return;
        }
        boolean isProbe;
        lock.lock();
        try {
            isProbe = from == probe;
            if (!isProbe && from != ws) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (isProbe) {
            probing(from, p);
        } else {
            received(p);
        }
    }

    /** The upgrade handshake on a probing WebSocket: {@code 2probe} → {@code 3probe}, then {@code 5}. */
    private void probing(Session from, EnginePacket p) {
        if (p.type() == EnginePacket.Type.PING && "probe".equals(p.data())) {
            from.sendText(new EnginePacket(EnginePacket.Type.PONG, "probe").encode(), Callback.NOOP);
            lock.lock();
            try {
                noopDue = true; // the waiting poll answers at once, so the client can pause polling
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } else if (p.type() == EnginePacket.Type.UPGRADE) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                mode = Mode.WEBSOCKET;
                ws = from;
                probe = null;
                noopDue = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            log.debug("socketio session={} upgraded to websocket", sid);
        } else {
            close("bad upgrade");
        }
    }

    /** A WebSocket of this session ended. */
    void wsClosed(Session from) {
        boolean transport;
        lock.lock();
        try {
            if (from == probe) {
                probe = null;
                return;
            }
            transport = from == ws;
        } finally {
            lock.unlock();
        }
        if (transport) {
            close("transport close");
        }
    }

    /** Takes a WebSocket that asks to upgrade this session. */
    boolean probeWith(Session candidate) {
        lock.lock();
        try {
            if (closed || mode != Mode.POLLING || probe != null) {
                return false;
            }
            probe = candidate;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void received(EnginePacket p) {
        switch (p.type()) {
            case PONG -> {
                lock.lock();
                try {
                    pongDeadline = 0;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            case MESSAGE -> {
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    if (inbox.size() >= INBOX) {
                        markClosed("too many messages at once");
                        return;
                    }
                    inbox.addLast(p.data());
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            case CLOSE -> close("client close");
            case BINARY -> log.debug("socketio session={} ignored a binary packet (the gateway speaks JSON only)", sid);
            default -> log.debug("socketio session={} ignored a {} packet", sid, p.type());
        }
    }

    // ------------------------------------------------------------------ threads

    private void control() {
        try {
            while (true) {
                String message = null;
                boolean ping = false;
                lock.lock();
                try {
                    while (true) {
                        if (closed) {
                            break;
                        }
                        long now = System.nanoTime();
                        if (pongDeadline != 0 && now - pongDeadline >= 0) {
                            markClosed("ping timeout");
                            break;
                        }
                        if (closing && now - closingDeadline >= 0) {
                            markClosed("server close");
                            break;
                        }
                        if (!inbox.isEmpty()) {
                            message = inbox.pollFirst();
                            break;
                        }
                        if (pongDeadline == 0 && now - nextPing >= 0) {
                            ping = true;
                            nextPing = now + settings.pingInterval().toNanos();
                            pongDeadline = now + settings.pingTimeout().toNanos();
                            break;
                        }
                        long wait = pongDeadline != 0 ? pongDeadline - now : nextPing - now;
                        if (closing) {
                            wait = Math.min(wait, closingDeadline - now);
                        }
                        changed.awaitNanos(Math.max(1_000_000, wait));
                    }
                    if (closed && message == null && !ping) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                if (message != null) {
                    try {
                        listener.message(message);
                    } catch (RuntimeException e) {
                        log.warn("socketio session={} message handling failed", sid, e);
                    }
                } else if (ping) {
                    send(EnginePacket.PING);
                }
            }
        } catch (InterruptedException e) {
            markClosed("shutting down");
        }
        String reason;
        lock.lock();
        try {
            reason = closeReason;
        } finally {
            lock.unlock();
        }
        try {
            listener.closed(reason);
        } catch (RuntimeException e) {
            log.warn("socketio session={} close handling failed", sid, e);
        }
    }

    private void writer() {
        try {
            while (true) {
                List<String> batch = new ArrayList<>();
                Session to;
                boolean closeAfter = false;
                lock.lock();
                try {
                    while (!closed && (mode != Mode.WEBSOCKET || outbox.isEmpty())) {
                        changed.await();
                    }
                    if (closed) {
                        return;
                    }
                    to = ws;
                    while (!outbox.isEmpty()) {
                        batch.add(outbox.pollFirst());
                    }
                    closeAfter = closing;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                for (String text : batch) {
                    if (!write(to, text)) {
                        return;
                    }
                }
                if (closeAfter) {
                    close("server close");
                    return;
                }
            }
        } catch (InterruptedException e) {
            markClosed("shutting down");
        }
    }

    private boolean write(Session to, String text) {
        Callback.Completable done = new Callback.Completable();
        try {
            to.sendText(text, done);
            done.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.info("socketio session={} took no frame for {} s; ending it", sid, settings.writeTimeout().toSeconds());
            abort("client too slow");
        } catch (ExecutionException e) {
            log.debug("socketio session={} write failed: {}", sid, e.getCause() == null ? e.toString() : e.getCause().toString());
            abort("transport error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("socketio session={} write failed: {}", sid, e.toString());
            abort("transport error");
        }
        return false;
    }

    // ------------------------------------------------------------------ ending

    /** Ends the session now: its WebSocket is closed, a waiting poll answers the close packet. Idempotent. */
    void close(String reason) {
        Session s = markClosed(reason);
        if (s != null && s.isOpen()) {
            try {
                s.close(1000, null, Callback.NOOP);
            } catch (RuntimeException e) {
                log.debug("socketio session={} closing its websocket: {}", sid, e.toString());
            }
        }
    }

    private void abort(String reason) {
        Session s = markClosed(reason);
        if (s != null) {
            try {
                s.disconnect();
            } catch (RuntimeException e) {
                log.debug("socketio session={} dropping its websocket: {}", sid, e.toString());
            }
        }
    }

    /** Marks the session closed; returns its WebSocket to close (null when already closed or on polling). */
    private Session markClosed(String reason) {
        Session s;
        Session p;
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            closed = true;
            closeReason = reason;
            outbox.clear();
            changed.signalAll();
            s = ws;
            p = probe;
        } finally {
            lock.unlock();
        }
        server.forget(this);
        if (p != null && p.isOpen()) {
            p.close(1000, null, Callback.NOOP);
        }
        log.debug("socketio session={} closed: {}", sid, reason);
        return s;
    }
}
