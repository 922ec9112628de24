package dev.raptor.docker;

import com.github.dockerjava.transport.DockerHttpClient;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP connection upgraded to a raw stream ({@code Upgrade: tcp}), as the engine's attach endpoint does
 * it, on a socket of our own.
 *
 * <p>Why not docker-java's own hijacking (httpclient5's {@code HijackingHttpRequestExecutor}): it copies stdin
 * until its end but never half-closes the connection (docker-java's Unix socket does not even support
 * {@code shutdownOutput}). The engine therefore never learns that the input ended and keeps the attach open,
 * so a caller cannot tell when its bytes have reached the container. Here the end of the input becomes
 * {@link SocketChannel#shutdownOutput()}: the engine copies what it got into the container's stdin, sees EOF,
 * ends the attach and closes the connection, and docker-java's response stream ends. That end is the
 * acknowledgement {@link StdinAttach} waits for.
 *
 * <p>Used for every request that carries {@code hijackedInput} (only attach does), and by
 * {@link AttachedLogStream} to read a container's output without input (no hijacked input: nothing is
 * written after the request). The response looks to docker-java exactly like the httpclient5 transport's:
 * status 200 and the raw, multiplexed body.
 */
final class HijackedConnection implements DockerHttpClient.Response {
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_ERROR_BODY = 1024 * 1024;

    private final Wire channel;
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private volatile Thread pump;

    private HijackedConnection(Wire channel, int status, Map<String, List<String>> headers, InputStream body) {
        this.channel = channel;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Sends {@code request} with upgrade headers and, once upgraded, pumps its hijacked input (if any) in.
     *
     * @param tls the engine's TLS, or null for a Unix socket or plain TCP
     */
    static DockerHttpClient.Response open(URI dockerHost, EngineTls tls, DockerHttpClient.Request request) throws IOException {
        Wire channel = tls == null || "unix".equalsIgnoreCase(dockerHost.getScheme())
                ? new ChannelWire(SocketChannel.open(address(dockerHost)))
                : tls.open(dockerHost.getHost(), dockerHost.getPort() < 0 ? 2376 : dockerHost.getPort());
        try {
            channel.writeFully(requestHead(dockerHost, request));
            InputStream in = new BufferedInputStream(channel.input(), 8192);
            String head = readHead(in);
            List<String> lines = head.lines().toList();
            int status = parseStatus(lines.isEmpty() ? "" : lines.getFirst());
            Map<String, List<String>> headers = parseHeaders(lines);
            if (status == 101 || status == 200) {
                // 101 -> 200, as docker-java's transport reports a successful upgrade
                HijackedConnection connection = new HijackedConnection(channel, 200, headers, in);
                connection.startPump(request.hijackedInput());
                return connection;
            }
            byte[] error = readErrorBody(in, headers);
            channel.close();
            return new HijackedConnection(channel, status, headers, new ByteArrayInputStream(error));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void startPump(InputStream input) {
        if (input == null) {
            return;
        }
        pump = Thread.ofVirtual().name("raptor-docker-attach-stdin").start(() -> {
            try (input) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = input.read(buffer)) != -1) {
                    channel.writeFully(ByteBuffer.wrap(buffer, 0, n));
                }
                channel.shutdownOutput();
            } catch (IOException e) {
                // the connection was closed (by the engine or by close()); the reading side reports it
            }
        });
    }

    @Override
    public int getStatusCode() {
        return status;
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        return headers;
    }

    @Override
    public InputStream getBody() {
        return body;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        Thread p = pump;
        if (p != null) {
            p.interrupt();
        }
    }

    private static SocketAddress address(URI host) {
        if ("unix".equalsIgnoreCase(host.getScheme())) {
            return UnixDomainSocketAddress.of(host.getPath());
        }
        return new InetSocketAddress(host.getHost(), host.getPort() < 0 ? 2375 : host.getPort());
    }

    private static ByteBuffer requestHead(URI host, DockerHttpClient.Request request) {
        byte[] bodyBytes = request.bodyBytes() == null ? new byte[0] : request.bodyBytes();
        StringBuilder sb = new StringBuilder(256);
        sb.append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append("unix".equalsIgnoreCase(host.getScheme()) ? "docker" : host.getAuthority()).append("\r\n");
        request.headers().forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            if (!key.equals("host") && !key.equals("connection") && !key.equals("upgrade") && !key.equals("content-length")) {
                sb.append(k).append(": ").append(v).append("\r\n");
            }
        });
        sb.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        sb.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(head.length + bodyBytes.length).put(head).put(bodyBytes).flip();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new ProtocolException("engine closed the connection before answering the upgrade");
            }
            out.write(b);
            matched = switch (matched) {
                case 0, 2 -> b == '\r' ? matched + 1 : 0;
                case 1, 3 -> b == '\n' ? matched + 1 : (b == '\r' ? 1 : 0);
                default -> 0;
            };
            if (out.size() > MAX_HEADER_BYTES) {
                throw new ProtocolException("engine answered with more than " + MAX_HEADER_BYTES + " bytes of headers");
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static int parseStatus(String statusLine) throws ProtocolException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new ProtocolException("not an HTTP status line: '" + statusLine + "'");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("not an HTTP status line: '" + statusLine + "'");
        }
    }

    private static Map<String, List<String>> parseHeaders(List<String> lines) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        return headers;
    }

    private static byte[] readErrorBody(InputStream in, Map<String, List<String>> headers) throws IOException {
        String length = header(headers, "Content-Length");
        if (length != null) {
            int n = (int) Math.min(Long.parseLong(length.strip()), MAX_ERROR_BODY);
            return in.readNBytes(n);
        }
        String encoding = header(headers, "Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (out.size() < MAX_ERROR_BODY) {
                String sizeLine = readLine(in);
                int size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
                if (size == 0) {
                    break;
                }
                out.write(in.readNBytes(size));
                readLine(in);
            }
            return out.toByteArray();
        }
        return in.readNBytes(MAX_ERROR_BODY);
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().getFirst();
            }
        }
        return null;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The connection under an upgraded request: a socket channel (Unix or plain TCP) or a TLS socket. */
    interface Wire extends java.io.Closeable {
        /** A blocking stream of what the engine sends, usable while another thread writes. */
        InputStream input();

        void writeFully(ByteBuffer buffer) throws IOException;

        /** Tells the engine the input ended (a half-close), the reading side staying open. */
        void shutdownOutput() throws IOException;
    }

    private record ChannelWire(SocketChannel channel) implements Wire {
        @Override
        public InputStream input() {
            return new ChannelInput(channel);
        }

        @Override
        public void writeFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** A blocking stream over the channel's own read, so reading never contends with the pump's writes. */
    private static final class ChannelInput extends InputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
