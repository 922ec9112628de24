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
 * on demand, so the engine looks stopped to it ({@link #cutAndRefuse()}) and comes back ({@link #resume()}).
 */
public final class EngineProxy implements AutoCloseable {
    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;

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
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
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
