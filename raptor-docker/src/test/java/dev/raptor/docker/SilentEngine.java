package dev.raptor.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "Docker Engine" on a Unix socket that accepts every connection and then says nothing. Optionally it
 * answers {@code /_ping} (so the API version is agreed) and container inspects (a running container with an
 * open stdin), so that the call under test is the one that hangs.
 */
final class SilentEngine implements AutoCloseable {
    private final Path socket;
    private final boolean answersPingAndInspect;
    private final ServerSocketChannel server;
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> unanswered = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    SilentEngine(Path socket, boolean answersPingAndInspect) throws IOException {
        this.socket = socket;
        this.answersPingAndInspect = answersPingAndInspect;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofVirtual().name("silent-engine").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    accepted.add(c);
                    connections.incrementAndGet();
                    Thread.ofVirtual().name("silent-engine-conn").start(() -> serve(c));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void serve(SocketChannel c) {
        try (InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.lines().findFirst().orElse("");
                String path = requestLine.split(" ").length > 1 ? requestLine.split(" ")[1] : "";
                long length = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                        .mapToLong(l -> Long.parseLong(l.substring(15).strip())).findFirst().orElse(0);
                in.skipNBytes(length);
                if (answersPingAndInspect && path.endsWith("/_ping")) {
                    respond(out, "OK", "text/plain");
                } else if (answersPingAndInspect && path.matches(".*/containers/[^/]+/json.*")) {
                    respond(out, "{\"Id\":\"abc123\",\"Name\":\"/raptor-x\",\"State\":{\"Status\":\"running\",\"Running\":true},"
                            + "\"Config\":{\"OpenStdin\":true,\"Labels\":{}}}", "application/json");
                } else {
                    unanswered.add(requestLine);
                    in.read(); // and wait, silently, until the client goes away
                    return;
                }
            }
        } catch (IOException gone) {
            // client closed
        }
    }

    private static void respond(OutputStream out, String body, String type) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    String dockerHost() {
        return "unix://" + socket;
    }

    int connections() {
        return connections.get();
    }

    /** Request lines the engine received and never answered. */
    List<String> unanswered() {
        return unanswered;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : accepted) {
            c.close();
        }
        acceptor.interrupt();
    }
}
