package dev.raptor.bench.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A diagnostic, not a measurement: a Unix-socket pass-through in front of the engine that counts the
 * HTTP requests going through it by method and path shape ({@code POST /containers/{id}/start}). Put
 * a daemon's DOCKER_HOST on it to see which engine calls a scenario costs. It adds a hop, so figures
 * measured through it are not reported as results.
 */
public final class EngineCallCounter implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path engine;
    private final Path socket;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    public EngineCallCounter(String dockerHost, Path socket) throws IOException {
        if (!dockerHost.startsWith("unix://")) {
            throw new IllegalArgumentException("the call counter needs a unix:// DOCKER_HOST (was " + dockerHost + ")");
        }
        this.engine = Path.of(dockerHost.substring("unix://".length()));
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = Thread.ofVirtual().name("engine-call-counter").start(this::accept);
    }

    /** The DOCKER_HOST to give the daemon. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("engine call counter: " + e);
                }
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean requests) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        StringBuilder line = new StringBuilder();
        try (from; to) {
            while (from.read(buf) >= 0) {
                buf.flip();
                if (requests) {
                    scan(buf.duplicate(), line);
                }
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // one side closed
        }
    }

    private static final java.util.regex.Pattern REQUEST_LINE = java.util.regex.Pattern.compile("(GET|POST|PUT|DELETE|HEAD) (/\\S*) HTTP/1\\.[01]\\r?$");

    /** Counts request lines ({@code METHOD /path HTTP/1.1}). */
    private void scan(ByteBuffer data, StringBuilder line) {
        while (data.hasRemaining()) {
            char c = (char) (data.get() & 0xff);
            if (c == '\n') {
                // a request line may follow the previous request's body (no newline after JSON) on the same line
                java.util.regex.Matcher m = REQUEST_LINE.matcher(line);
                if (m.find()) {
                    counts.computeIfAbsent(m.group(1) + " " + shape(m.group(2)), k -> new AtomicLong()).incrementAndGet();
                }
                line.setLength(0);
            } else if (line.length() < 4096) {
                line.append(c);
            }
        }
    }

    /** {@code /v1.41/containers/3f2a.../start?x=1} becomes {@code /containers/{id}/start}. */
    static String shape(String path) {
        String p = path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        p = p.replaceFirst("^/v[0-9.]+", "");
        return p.replaceAll("/containers/[^/]+/", "/containers/{id}/").replaceAll("/containers/(?!json|create)[^/]+$", "/containers/{id}");
    }

    /** Counts so far, by call. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void reset() {
        counts.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
