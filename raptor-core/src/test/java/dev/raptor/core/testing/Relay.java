package dev.raptor.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The one relay of the tests: stands between two real components on real sockets (loopback TCP, or Unix sockets) and
 * copies each connection's bytes both ways as they come, so that a test can break or watch what passes without a mock
 * on either side. {@link #cut()} resets every connection it carries (an RST on TCP, as a network that fails); {@link
 * #refuse()} closes new connections at once until {@link #resume()} (a peer that is down); {@link #retarget} sends new
 * connections elsewhere (a peer restarted on another port); {@link #firstEnd()} says which side ended a connection
 * first; a {@link Tap} sees every chunk before it is passed on, and may hold it (by blocking) or cut its connection.
 * Every connection is closed once both of its directions have ended.
 */
public final class Relay implements AutoCloseable {
    /** The two ends of a connection: the one that connected to the relay, and the one the relay connected to. */
    public enum Side {
        CLIENT, TARGET
    }

    /**
     * How a connection ended first.
     *
     * @param error null for an end of stream (the side closed, or shut down its output), else what the relay saw
     */
    public record End(Side side, String error) {
        /** The side closed its end in order. */
        public static End closedBy(Side side) {
            return new End(side, null);
        }
    }

    /** Sees the bytes of one connection (one tap per connection, made by {@link #tapping}). */
    public interface Tap {
        /**
         * Called with each chunk read from {@code from}, before it is written to the other side, on the thread that
         * copies it: blocking here holds the chunk (and what follows it on that side). {@code chunk} is read-only.
         */
        void passing(Link link, Side from, ByteBuffer chunk) throws InterruptedException;
    }

    /** One connection the relay carries: its client's channel and its target's. */
    public final class Link {
        private final SocketChannel client;
        private final SocketChannel target;
        private final AtomicInteger directions = new AtomicInteger(2);
        private volatile boolean outlivesClient;
        private volatile boolean cut;
        /** The copying threads, each while it is inside a read or a write of one of the channels (else null). */
        private final AtomicReference<Thread> clientPump = new AtomicReference<>();
        private final AtomicReference<Thread> targetPump = new AtomicReference<>();

        private Link(SocketChannel client, SocketChannel target) {
            this.client = client;
            this.target = target;
        }

        /**
         * When the client goes (end of stream or error), its target's channel stays open and is not ended until the
         * target has answered and that answer failed to reach the client: a call its caller abandoned still runs to
         * its end, as on an engine under load.
         */
        public void outliveClient() {
            outlivesClient = true;
        }

        /**
         * Resets this connection (both channels), and returns once the reset has gone out. A channel that a virtual
         * thread is reading or writing is only really closed (and its RST sent) when that thread leaves the call,
         * which close() merely wakes it to do: on a loaded machine the peer could otherwise go on writing into a
         * connection the test believes cut.
         */
        public void cut() {
            cut = true;
            links.remove(this);
            reset(client);
            reset(target);
            for (AtomicReference<Thread> inCall : List.of(clientPump, targetPump)) {
                Thread t = inCall.get();
                if (t != null && t != Thread.currentThread()) {
                    awaitLeft(inCall, t);
                }
            }
        }

        private void directionEnded() {
            if (directions.decrementAndGet() == 0) {
                links.remove(this);
                closeQuietly(client);
                closeQuietly(target);
            }
        }
    }

    private final ServerSocketChannel listening;
    private final SocketAddress listeningAt;
    private final AtomicReference<SocketAddress> target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicReference<End> firstEnd = new AtomicReference<>();
    private volatile Supplier<Tap> taps;
    private volatile boolean refusing;

    private Relay(ServerSocketChannel listening, SocketAddress target) throws IOException {
        this.listening = listening;
        this.listeningAt = listening.getLocalAddress();
        this.target = new AtomicReference<>(target);
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    /** A relay on a free loopback port to {@code targetPort} on loopback. */
    public static Relay tcp(int targetPort) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return new Relay(server, loopback(targetPort));
    }

    /** A relay listening at the Unix socket {@code socket} (created) to the one at {@code target}. */
    public static Relay unix(Path socket, Path target) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new Relay(server, UnixDomainSocketAddress.of(target));
    }

    /** Gives each connection made from now on a tap of its own, made by {@code perConnection}. */
    public Relay tapping(Supplier<Tap> perConnection) {
        this.taps = perConnection;
        return this;
    }

    /** The loopback port it listens on (a {@link #tcp} relay). */
    public int port() {
        return ((InetSocketAddress) listeningAt).getPort();
    }

    /** Connections made from now on go to {@code port} on loopback (those open now keep theirs). */
    public void retarget(int port) {
        target.set(loopback(port));
    }

    /** Resets every connection carried now (an RST on TCP: the other ends' next read or write fails); returns how many. */
    public int cut() {
        int n = 0;
        for (Link l : links) {
            l.cut();
            n++;
        }
        return n;
    }

    /** Closes every new connection as soon as it is accepted, until {@link #resume()}. */
    public void refuse() {
        refusing = true;
    }

    /** Carries new connections again. */
    public void resume() {
        refusing = false;
    }

    /** The first end of a connection it saw, by either side (not counting its own cuts and close), if any yet. */
    public Optional<End> firstEnd() {
        return Optional.ofNullable(firstEnd.get());
    }

    private void accept() {
        while (listening.isOpen()) {
            SocketChannel client;
            try {
                client = listening.accept();
            } catch (IOException closed) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            SocketChannel upstream;
            try {
                upstream = SocketChannel.open(target.get());
            } catch (IOException targetGone) {
                closeQuietly(client); // as the target's refusal would
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            Supplier<Tap> t = taps;
            Tap tap = t == null ? null : t.get();
            Thread.ofVirtual().name("relay-from-client").start(() -> pump(link, Side.CLIENT, tap));
            Thread.ofVirtual().name("relay-from-target").start(() -> pump(link, Side.TARGET, tap));
        }
    }

    /** Copies what {@code from} sends to the other side until it ends, then ends that side's input in turn. */
    private void pump(Link link, Side from, Tap tap) {
        SocketChannel in = from == Side.CLIENT ? link.client : link.target;
        SocketChannel out = from == Side.CLIENT ? link.target : link.client;
        AtomicReference<Thread> inCall = from == Side.CLIENT ? link.clientPump : link.targetPump;
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (true) {
                int n;
                try {
                    inCall.set(Thread.currentThread());
                    n = in.read(buffer);
                } catch (IOException e) {
                    ended(link, new End(from, String.valueOf(e.getMessage())));
                    if (from == Side.CLIENT && link.outlivesClient) {
                        closeQuietly(in); // the target's answer fails on the way back, which closes it
                    } else {
                        closeQuietly(in);
                        closeQuietly(out);
                    }
                    return;
                }
                if (n < 0) {
                    ended(link, End.closedBy(from));
                    if (!(from == Side.CLIENT && link.outlivesClient)) {
                        out.shutdownOutput();
                    }
                    return;
                }
                inCall.set(null); // a tap may hold the chunk: the channels are not in use meanwhile
                buffer.flip();
                if (tap != null) {
                    tap.passing(link, from, buffer.asReadOnlyBuffer());
                }
                inCall.set(Thread.currentThread());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException writeFailed) { // the other side is gone: so is the connection
            ended(link, new End(from == Side.CLIENT ? Side.TARGET : Side.CLIENT, String.valueOf(writeFailed.getMessage())));
            closeQuietly(in);
            closeQuietly(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(in);
            closeQuietly(out);
        } finally {
            link.directionEnded();
        }
    }

    private void ended(Link link, End end) {
        if (!link.cut && listening.isOpen()) {
            firstEnd.compareAndSet(null, end);
        }
    }

    /** How long a cut waits for a copying thread it woke to leave its channel call (a hang, never a wait expected). */
    private static final Duration LET_GO = Duration.ofSeconds(30);

    /** Waits until {@code pump} has left the channel call it was in (the channel is then closed for real) or ended. */
    private static void awaitLeft(AtomicReference<Thread> inCall, Thread pump) {
        long deadline = System.nanoTime() + LET_GO.toNanos();
        try {
            while (inCall.get() == pump && !pump.join(Duration.ofMillis(5))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("a relay thread did not leave its call on a cut connection within " + LET_GO);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Closes {@code c}, with an RST rather than a FIN where it can (TCP). */
    private static void reset(SocketChannel c) {
        try {
            if (c.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException alreadyClosed) {
            // closed below either way
        }
        closeQuietly(c);
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closed
        }
    }

    /** Stops listening and resets every connection it carries. */
    @Override
    public void close() throws IOException {
        listening.close();
        cut();
    }
}
