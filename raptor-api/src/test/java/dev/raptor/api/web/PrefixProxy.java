package dev.raptor.api.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reverse proxy that publishes the daemon at a sub-path, as nginx's {@code location /raptor/ { proxy_pass
 * http://daemon/; }} does: {@code /raptor/x} is forwarded as {@code /x} (WebSocket upgrades included), {@code /raptor}
 * is redirected to {@code /raptor/}, anything else is 404. The {@code Host} header is passed on unchanged, so the
 * daemon sees the browser's origin as its own, as with {@code proxy_set_header Host $host}.
 *
 * <p>Deliberately small: one request per connection ({@code Connection: close} is added to every request that is not
 * an upgrade), so the proxy never has to find where one request ends and the next begins; after the request head it
 * only copies bytes both ways.
 */
final class PrefixProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final String prefix;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    PrefixProxy(String prefix, int upstreamPort) {
        this.prefix = prefix;
        this.upstreamPort = upstreamPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.getFirst().split(" ", 3);
            String target = requestLine[1];
            if (target.equals(prefix)) {
                answer(client, "301 Moved Permanently", "Location: " + prefix + "/\r\n");
                return;
            }
            if (!target.startsWith(prefix + "/")) {
                answer(client, "404 Not Found", "");
                return;
            }
            boolean upgrade = head.stream().anyMatch(h -> h.toLowerCase().startsWith("upgrade:"));
            StringBuilder forwarded = new StringBuilder()
                    .append(requestLine[0]).append(' ').append(target.substring(prefix.length())).append(' ')
                    .append(requestLine[2]).append("\r\n");
            for (String h : head.subList(1, head.size())) {
                if (!upgrade && h.toLowerCase().startsWith("connection:")) {
                    continue;
                }
                forwarded.append(h).append("\r\n");
            }
            if (!upgrade) {
                forwarded.append("Connection: close\r\n");
            }
            forwarded.append("\r\n");
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 10_000);
                upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                upstream.getOutputStream().flush();
                threads.submit(() -> copy(in, upstream.getOutputStream(), upstream));
                copy(upstream.getInputStream(), client.getOutputStream(), client);
            }
        } catch (IOException e) {
            // the browser or the daemon went away: the connection ends, as with a real proxy
        }
    }

    /** The request line and header lines, up to the blank line; read a byte at a time so no body byte is taken. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    private static void answer(Socket client, String status, String headers) throws IOException {
        client.getOutputStream().write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    /** Copies until the source ends, then half-closes the destination so the other side sees the end too. */
    private static Void copy(InputStream from, OutputStream to, Socket toSocket) throws IOException {
        try {
            from.transferTo(to);
        } finally {
            if (!toSocket.isClosed() && !toSocket.isOutputShutdown()) {
                try {
                    toSocket.shutdownOutput();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
