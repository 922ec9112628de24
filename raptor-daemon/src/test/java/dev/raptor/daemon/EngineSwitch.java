package dev.raptor.daemon;

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
 * An engine this test controls, without touching the shared one: a Unix-socket proxy in front of the
 * test Docker Engine that a daemon is pointed at (DOCKER_HOST), and that {@link #stop()} turns into a
 * stopped engine for it (every connection cut, every new one refused).
 */
final class EngineSwitch implements AutoCloseable {
    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    EngineSwitch(Path socket, String engineHost) throws IOException {
        URI host = URI.create(engineHost);
        if (!"unix".equals(host.getScheme())) {
            throw new IllegalArgumentException("the switch needs a unix:// DOCKER_HOST, not " + engineHost);
        }
        this.socket = socket;
        this.engine = Path.of(host.getPath());
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().name("engine-switch").start(this::accept);
    }

    String dockerHost() {
        return "unix://" + socket;
    }

    /** From now on the daemon's engine is gone: open connections break, new ones are refused. */
    void stop() {
        stopped = true;
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                if (stopped) {
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
        stop();
    }
}
