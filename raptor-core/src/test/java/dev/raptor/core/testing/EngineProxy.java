package dev.raptor.core.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An engine a test controls without touching the shared one: a Unix-socket proxy in front of the real Docker
 * Engine that a runtime or a whole daemon is pointed at ({@link #dockerHost()}), and that breaks every connection
 * on demand, so the engine looks stopped to it ({@link #cutAndRefuse()}) and comes back ({@link #resume()}). It notes
 * the request line of every HTTP request it passes on, to count the engine calls an operation costs
 * ({@link #requests}).
 */
public final class EngineProxy implements AutoCloseable {
    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    /** The request to hold next ({@code "POST /containers/create"}: method and path prefix), or null. */
    private volatile String[] toHold;
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean holding;
    private volatile boolean heldAnswered;

    public EngineProxy(Path socket, String engineHost) throws IOException {
        URI host = URI.create(engineHost);
        if (!"unix".equals(host.getScheme())) {
            throw new IllegalArgumentException("the proxy needs a unix:// DOCKER_HOST, not " + engineHost);
        }
        this.socket = socket;
        this.engine = Path.of(host.getPath());
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().name("engine-proxy").start(this::accept);
    }

    /** The {@code unix://} address to give the runtime under test instead of the engine's. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    /** Breaks every open connection and refuses new ones until {@link #resume()}. */
    public void cutAndRefuse() {
        refusing = true;
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    /**
     * Holds the next request with {@code method} and a path (API version left out) starting with {@code pathPrefix}: its
     * bytes reach the engine only at {@link #releaseHeld()}, even if its client has given up by then, and its connection
     * to the engine stays open until the engine answers. A request that lands late, as an engine under load carries out
     * a call its caller abandoned.
     */
    public void holdNext(String method, String pathPrefix) {
        toHold = new String[] {method, pathPrefix};
    }

    /** Whether the held request waits for {@link #releaseHeld()} now. */
    public boolean holding() {
        return holding;
    }

    /** Lets the held request (and any that waits to be held) reach the engine. */
    public void releaseHeld() {
        released.countDown();
    }

    /** Whether the engine has answered the held request (the answer reaches its client only if that still listens). */
    public boolean heldAnswered() {
        return heldAnswered;
    }

    /** Accepts and forwards new connections again. */
    public void resume() {
        refusing = false;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                if (refusing) {
                    client.close();
                    continue;
                }
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                open.add(client);
                open.add(upstream);
                boolean[] held = new boolean[1];
                Thread.ofVirtual().start(() -> pump(client, upstream, true, held));
                Thread.ofVirtual().start(() -> pump(upstream, client, false, held));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** How many requests passed with this method and a path (API version left out) that starts with {@code pathPrefix}. */
    public long requests(String method, String pathPrefix) {
        return requestLines.stream().filter(l -> REQUEST_LINE.matcher(l).matches()).map(l -> l.split(" "))
                .filter(l -> l[0].equals(method) && l[1].replaceFirst("^/v[0-9.]+/", "/").startsWith(pathPrefix)).count();
    }

    private static final java.util.regex.Pattern REQUEST_LINE = java.util.regex.Pattern.compile("[A-Z]+ /\\S* HTTP/1\\.[01]");

    /** One request passed on: its method and its path without the API version and the query. */
    public record Request(String method, String path) {
    }

    /** Every request passed on so far, in order. */
    public List<Request> requestPaths() {
        return requestLines.stream().filter(l -> REQUEST_LINE.matcher(l).matches()).map(l -> l.split(" ")).map(l -> {
            String path = l[1].replaceFirst("^/v[0-9.]+/", "/");
            int query = path.indexOf('?');
            return new Request(l[0], query < 0 ? path : path.substring(0, query));
        }).toList();
    }

    /** @param held shared by a connection's two pumps: whether it carries the held request */
    private void pump(SocketChannel from, SocketChannel to, boolean requests, boolean[] held) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        StringBuilder line = new StringBuilder();
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                if (requests && noteRequestLines(buffer.duplicate(), line) && !held[0]) {
                    held[0] = true;
                    holding = true;
                    released.await(); // the client may give up meanwhile: its bytes still go to the engine below
                    holding = false;
                }
                if (!requests && held[0]) {
                    heldAnswered = true;
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            if (requests && held[0]) {
                return; // the client gave up: the engine's connection stays open until it answers (the other pump closes it)
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            if (!(requests && held[0])) {
                closeQuietly(to);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Lines of what a client sends; a request line is one that reads as one (bodies rarely do).
     *
     * @return whether one of them is the request to hold (which is then no longer awaited)
     */
    private boolean noteRequestLines(ByteBuffer data, StringBuilder line) {
        boolean hold = false;
        while (data.hasRemaining()) {
            char c = (char) (data.get() & 0xff);
            if (c == '\n') {
                String l = line.toString().strip();
                // a request may follow the previous one's JSON body on the same line
                int start = Math.max(l.lastIndexOf("GET /"), Math.max(l.lastIndexOf("POST /"), l.lastIndexOf("DELETE /")));
                if (start >= 0) {
                    String request = l.substring(start);
                    requestLines.add(request);
                    String[] h = toHold;
                    if (h != null && REQUEST_LINE.matcher(request).matches()) {
                        String[] parts = request.split(" ");
                        if (parts[0].equals(h[0]) && parts[1].replaceFirst("^/v[0-9.]+/", "/").startsWith(h[1])) {
                            toHold = null;
                            hold = true;
                        }
                    }
                }
                line.setLength(0);
            } else if (line.length() < 8192) {
                line.append(c);
            }
        }
        return hold;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAndRefuse();
    }
}
